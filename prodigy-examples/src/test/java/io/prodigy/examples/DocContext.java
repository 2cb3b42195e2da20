package io.prodigy.examples;

import io.prodigy.api.RunResult;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.core.Prodigy;
import io.prodigy.git.MergePlan;
import io.prodigy.git.WorktreeIsolation;
import java.nio.file.Path;

/**
 * The names a Java fragment in the docs may use without declaring them (see {@link DocsCodeBlocksTest}): a fragment
 * is compiled as the body of a method of a subclass of this class, so these fields and methods are in scope, and a
 * fragment may declare a local variable of the same name. Nothing here is ever run.
 */
public abstract class DocContext {
    /** A workflow built elsewhere. */
    protected Workflow workflow;
    /** An engine built elsewhere. */
    protected Prodigy prodigy;
    /** A run's result. */
    protected RunResult result;
    /** A run id. */
    protected String runId;
    /** The host's agent runner. */
    protected AgentRunner myAgentRunner;
    /** Git isolation built elsewhere. */
    protected WorktreeIsolation git;
    /** A temporary directory (in tests). */
    protected Path tempDir;
    /** An agent's workspace. */
    protected Path workspace;

    /** @param message something the host logs */
    protected void log(Object message) {}

    /** @param plan a final merge to confirm @return the user's answer */
    protected boolean askTheUser(MergePlan plan) {
        return true;
    }
}
