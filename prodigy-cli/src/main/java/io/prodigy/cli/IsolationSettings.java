package io.prodigy.cli;

import io.prodigy.api.IsolationHints;
import io.prodigy.api.Stage;
import io.prodigy.api.Workflow;
import io.prodigy.git.ConflictResolution;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.git.WorktreeMode;

/**
 * Applies the worktree mode, warm directories and merge-conflict handling of {@code config.yml} and of the
 * workflow's {@code worktree:} block (which wins, field by field) to the git worktree isolation.
 */
final class IsolationSettings {
    private static final int DEFAULT_POOL = 4;

    private IsolationSettings() {}

    /**
     * @param b the isolation being built
     * @param configured the configuration's hints
     * @param wf the workflow about to run, or null
     */
    static void apply(WorktreeIsolation.Builder b, IsolationHints configured, Workflow wf) {
        IsolationHints h = merged(configured, wf == null ? IsolationHints.NONE : wf.isolation());
        if (h.mode() != null) {
            b.mode(
                    switch (h.mode()) {
                        case ON_DEMAND -> WorktreeMode.onDemand();
                        case POOLED -> WorktreeMode.pooled(h.poolSize() != null ? h.poolSize() : poolOf(wf));
                        case REUSE -> WorktreeMode.reuse();
                        case DEDICATED -> WorktreeMode.dedicated(h.name());
                    });
        }
        if (h.warmDirectories() != null) {
            b.warmDirectories(h.warmDirectories());
        }
        if (h.coldDirectories() != null) {
            b.coldDirectories(h.coldDirectories());
        }
        if (h.onConflict() != null) {
            b.conflictResolution(
                    switch (h.onConflict()) {
                        case DLQ -> ConflictResolution.deadLetter();
                        case AGENT ->
                            ConflictResolution.agent(
                                    h.conflictCommand() != null
                                            ? h.conflictCommand()
                                            : IsolationHints.DEFAULT_CONFLICT_COMMAND,
                                    h.conflictTimeout());
                        case MERGE_STEPS -> ConflictResolution.mergeSteps();
                    });
        }
    }

    /** @return the workflow's hints where it sets them, the configuration's elsewhere */
    static IsolationHints merged(IsolationHints config, IsolationHints workflow) {
        IsolationHints.Mode mode = workflow.mode() != null ? workflow.mode() : config.mode();
        boolean sameMode = workflow.mode() == null || workflow.mode() == config.mode();
        IsolationHints.OnConflict conflict =
                workflow.onConflict() != null ? workflow.onConflict() : config.onConflict();
        boolean sameConflict = workflow.onConflict() == null || workflow.onConflict() == config.onConflict();
        return new IsolationHints(
                mode,
                workflow.poolSize() != null ? workflow.poolSize() : sameMode ? config.poolSize() : null,
                workflow.name() != null ? workflow.name() : sameMode ? config.name() : null,
                conflict,
                workflow.conflictCommand() != null
                        ? workflow.conflictCommand()
                        : sameConflict ? config.conflictCommand() : null,
                workflow.conflictTimeout() != null
                        ? workflow.conflictTimeout()
                        : sameConflict ? config.conflictTimeout() : null,
                workflow.warmDirectories() != null ? workflow.warmDirectories() : config.warmDirectories(),
                workflow.coldDirectories() != null ? workflow.coldDirectories() : config.coldDirectories());
    }

    private static int poolOf(Workflow wf) {
        if (wf != null) {
            for (Stage s : wf.stages()) {
                if (s instanceof Stage.MapReduce mr) {
                    return mr.map().maxParallel();
                }
            }
        }
        return DEFAULT_POOL;
    }
}
