package io.prodigy.temporal;

import io.prodigy.api.Workflow;
import java.util.Objects;

/** How a worker gets the coordinator's workflow definition for an item. */
@FunctionalInterface
public interface WorkflowResolver {
    /**
     * @param name the workflow's name
     * @param hash the coordinator's fingerprint of it (the engine refuses a definition with another fingerprint)
     * @param source the source text the coordinator shipped (YAML from the CLI), or null
     * @return the workflow
     * @throws io.prodigy.api.WorkflowDefinitionException if it cannot be resolved
     */
    Workflow resolve(String name, String hash, String source);

    /**
     * @param workflow the one workflow this worker runs items of
     * @return a resolver that always returns it
     */
    static WorkflowResolver of(Workflow workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return (name, hash, source) -> workflow;
    }
}
