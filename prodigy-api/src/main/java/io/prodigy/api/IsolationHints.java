package io.prodigy.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a workflow file asks to be isolated: the worktree mode and what to do when merging an item's work back
 * conflicts (the YAML {@code worktree:} block). Isolation strategies that have these notions (git worktrees) apply
 * them; others ignore them. Unset fields (null) leave the choice to the strategy's own configuration.
 *
 * @param mode the worktree mode, or null
 * @param poolSize the most agent worktrees of {@link Mode#POOLED}, or null for the map phase's max_parallel
 * @param name the long-lived worktree's name for {@link Mode#DEDICATED}, or null
 * @param onConflict what to do on a merge conflict, or null
 * @param conflictCommand the agent command of {@link OnConflict#AGENT}, or null for the Rust tool's
 *                        {@code /prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}}
 * @param conflictTimeout the time limit of the conflict agent, or null for none
 * @since 0.1
 */
public record IsolationHints(
        @Nullable Mode mode,
        @Nullable Integer poolSize,
        @Nullable String name,
        @Nullable OnConflict onConflict,
        @Nullable String conflictCommand,
        @Nullable Duration conflictTimeout) {
    /** Nothing asked. */
    public static final IsolationHints NONE = new IsolationHints(null, null, null, null, null, null);

    /** The Rust tool's conflict agent command. */
    public static final String DEFAULT_CONFLICT_COMMAND =
            "/prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}";

    /**
     * Validates.
     *
     * @param mode the worktree mode, or null
     * @param poolSize the most agent worktrees of {@link Mode#POOLED}, or null for the map phase's max_parallel
     * @param name the long-lived worktree's name for {@link Mode#DEDICATED}, or null
     * @param onConflict what to do on a merge conflict, or null
     * @param conflictCommand the agent command of {@link OnConflict#AGENT}, or null for the Rust tool's
     *        {@code /prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}}
     * @param conflictTimeout the time limit of the conflict agent, or null for none
     */
    public IsolationHints {
        if (poolSize != null) {
            Checks.positive(poolSize, "pool_size");
        }
        name = Checks.blankToNull(name);
        conflictCommand = Checks.blankToNull(conflictCommand);
        if (mode == Mode.DEDICATED && name == null) {
            throw new WorkflowDefinitionException(
                    "worktree mode 'dedicated' needs a 'name' for the long-lived " + "worktree");
        }
    }

    /**
     * How work items get their worktrees.
     *
     * @since 0.1
     */
    public enum Mode {
        /** A fresh worktree per item (the default). */
        ON_DEMAND,
        /** A pool of reusable agent worktrees, build caches kept warm. */
        POOLED,
        /** One reusable worktree per agent slot. */
        REUSE,
        /** The run works in a long-lived, named worktree that later runs pick up again. */
        DEDICATED
    }

    /**
     * What to do when merging an item's work into the run conflicts.
     *
     * @since 0.1
     */
    public enum OnConflict {
        /** Abort the merge; the item fails with its conflicting paths and goes to the Dead Letter Queue. */
        DLQ,
        /** An agent resolves the conflict in place (the Rust tool's behaviour). */
        AGENT,
        /** The workflow's {@code merge:} steps resolve it. */
        MERGE_STEPS
    }

    /** @return whether nothing is asked */
    public boolean isEmpty() {
        return this.equals(NONE);
    }

    /**
     * @param name the long-lived worktree's name
     * @return hints asking for the {@link Mode#DEDICATED} worktree of that name
     */
    public static IsolationHints dedicated(String name) {
        return new IsolationHints(Mode.DEDICATED, null, Checks.notNull(name, "name"), null, null, null);
    }

    /**
     * @param worktreeMode the worktree mode, or null to leave it to the strategy ({@link Mode#DEDICATED} needs a
     *                     name: see {@link #dedicated(String)})
     * @return a copy with that mode
     */
    public IsolationHints withMode(@Nullable Mode worktreeMode) {
        return new IsolationHints(worktreeMode, poolSize, name, onConflict, conflictCommand, conflictTimeout);
    }

    /**
     * @param size the most agent worktrees of {@link Mode#POOLED}, or null for the map phase's max_parallel
     * @return a copy with that size
     */
    public IsolationHints withPoolSize(@Nullable Integer size) {
        return new IsolationHints(mode, size, name, onConflict, conflictCommand, conflictTimeout);
    }

    /**
     * @param worktreeName the long-lived worktree's name, or null
     * @return a copy with that name
     */
    public IsolationHints withName(@Nullable String worktreeName) {
        return new IsolationHints(mode, poolSize, worktreeName, onConflict, conflictCommand, conflictTimeout);
    }

    /**
     * @param action what to do on a merge conflict, or null to leave it to the strategy
     * @return a copy with that action
     */
    public IsolationHints withOnConflict(@Nullable OnConflict action) {
        return new IsolationHints(mode, poolSize, name, action, conflictCommand, conflictTimeout);
    }

    /**
     * @param command the agent command of {@link OnConflict#AGENT}, or null for {@link #DEFAULT_CONFLICT_COMMAND}
     * @return a copy with that command
     */
    public IsolationHints withConflictCommand(@Nullable String command) {
        return new IsolationHints(mode, poolSize, name, onConflict, command, conflictTimeout);
    }

    /**
     * @param limit the time limit of the conflict agent, or null for none
     * @return a copy with that limit
     */
    public IsolationHints withConflictTimeout(@Nullable Duration limit) {
        return new IsolationHints(mode, poolSize, name, onConflict, conflictCommand, limit);
    }
}
