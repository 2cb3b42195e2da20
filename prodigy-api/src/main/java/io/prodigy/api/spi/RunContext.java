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
 * @param agentRunner the run's agent runner, or null; for information only: a strategy that resolves conflicts
 *                    with an agent runs it through {@code conflictResolver}, never through the runner itself
 * @param home the engine's state directory ({@code PRODIGY_HOME} or the host's choice), where strategies that
 *             keep files beyond one run (git worktrees) put them unless told otherwise; null when unknown
 * @param conflictResolver runs a conflict-resolving step (an agent) as a step of the run, through the engine;
 *                         {@link ConflictResolver#NONE} (the default for null) when no engine runs this run
 *
 * @since 0.1
 */
public record RunContext(
        String runId,
        String workflowName,
        Path projectDirectory,
        Path stateDirectory,
        MergeSteps mergeSteps,
        @Nullable AgentRunner agentRunner,
        @Nullable Path home,
        ConflictResolver conflictResolver) {
    /**
     * Applies defaults.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param projectDirectory the user's project directory
     * @param stateDirectory a directory private to this run, for the strategy's own files
     * @param mergeSteps the workflow's custom {@code merge:} steps (possibly {@link MergeSteps#NONE}), for strategies
     *        that resolve merge conflicts with them
     * @param agentRunner the run's agent runner, or null; for information only (see {@code conflictResolver})
     * @param home the engine's state directory ({@code PRODIGY_HOME} or the host's choice), where strategies that
     *        keep files beyond one run (git worktrees) put them unless told otherwise; null when unknown
     * @param conflictResolver the engine's port that runs a conflict-resolving step as a step of the run; null for
     *        {@link ConflictResolver#NONE}
     */
    public RunContext {
        mergeSteps = mergeSteps == null ? MergeSteps.NONE : mergeSteps;
        conflictResolver = conflictResolver == null ? ConflictResolver.NONE : conflictResolver;
    }

    /**
     * A context without a conflict resolver ({@link ConflictResolver#NONE}).
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param projectDirectory the user's project directory
     * @param stateDirectory a directory private to this run
     * @param mergeSteps the workflow's custom merge steps
     * @param agentRunner the run's agent runner, or null
     * @param home the engine's state directory, or null when unknown
     */
    public RunContext(
            String runId,
            String workflowName,
            Path projectDirectory,
            Path stateDirectory,
            MergeSteps mergeSteps,
            @Nullable AgentRunner agentRunner,
            @Nullable Path home) {
        this(runId, workflowName, projectDirectory, stateDirectory, mergeSteps, agentRunner, home, null);
    }

    /**
     * A context without a known state directory (strategies then use their own default) and without a conflict
     * resolver.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param projectDirectory the user's project directory
     * @param stateDirectory a directory private to this run
     * @param mergeSteps the workflow's custom merge steps
     * @param agentRunner the run's agent runner, or null
     */
    public RunContext(
            String runId,
            String workflowName,
            Path projectDirectory,
            Path stateDirectory,
            MergeSteps mergeSteps,
            @Nullable AgentRunner agentRunner) {
        this(runId, workflowName, projectDirectory, stateDirectory, mergeSteps, agentRunner, null, null);
    }
}
