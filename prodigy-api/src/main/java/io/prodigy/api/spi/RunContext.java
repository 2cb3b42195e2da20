package io.prodigy.api.spi;

import java.nio.file.Path;

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
 */
public record RunContext(String runId, String workflowName, Path projectDirectory, Path stateDirectory,
                         MergeSteps mergeSteps, AgentRunner agentRunner) {
    /** Applies defaults. */
    public RunContext {
        mergeSteps = mergeSteps == null ? MergeSteps.NONE : mergeSteps;
    }
}
