package io.prodigy.api.spi;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link IsolationStrategy} knows about the run it isolates.
 *
 * @param runId the run's id
 * @param workflowName the workflow's name
 * @param projectDirectory the user's project directory
 * @param stateDirectory a directory private to this run, for the strategy's own files
 * @param mergeSteps the workflow's custom {@code merge:} steps (possibly {@link MergeSteps#NONE}), for strategies
 *                   that resolve merge conflicts with them
 * @param agentRunner the run's agent runner, or null, for strategies that resolve conflicts with an agent
 * @param home the engine's state directory ({@code PRODIGY_HOME} or the host's choice), where strategies that
 *             keep files beyond one run (git worktrees) put them unless told otherwise; null when unknown
 *
 * @since 0.1
 */
public record RunContext(String runId, String workflowName, Path projectDirectory, Path stateDirectory,
                         MergeSteps mergeSteps, @Nullable AgentRunner agentRunner, @Nullable Path home) {
    /**
     * Applies defaults.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param projectDirectory the user's project directory
     * @param stateDirectory a directory private to this run, for the strategy's own files
     * @param mergeSteps the workflow's custom {@code merge:} steps (possibly {@link MergeSteps#NONE}), for strategies
     *        that resolve merge conflicts with them
     * @param agentRunner the run's agent runner, or null, for strategies that resolve conflicts with an agent
     * @param home the engine's state directory ({@code PRODIGY_HOME} or the host's choice), where strategies that
     *        keep files beyond one run (git worktrees) put them unless told otherwise; null when unknown
     */
    public RunContext {
        mergeSteps = mergeSteps == null ? MergeSteps.NONE : mergeSteps;
    }

    /**
     * A context without a known state directory (strategies then use their own default).
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param projectDirectory the user's project directory
     * @param stateDirectory a directory private to this run
     * @param mergeSteps the workflow's custom merge steps
     * @param agentRunner the run's agent runner, or null
     */
    public RunContext(String runId, String workflowName, Path projectDirectory, Path stateDirectory,
                      MergeSteps mergeSteps, @Nullable AgentRunner agentRunner) {
        this(runId, workflowName, projectDirectory, stateDirectory, mergeSteps, agentRunner, null);
    }
}
