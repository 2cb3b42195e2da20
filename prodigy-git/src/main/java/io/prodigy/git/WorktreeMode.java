package io.prodigy.git;

import java.util.Objects;

/**
 * How {@link WorktreeIsolation} gives work items (and runs) their worktrees.
 *
 * <ul>
 *   <li>{@link #onDemand()}: a fresh worktree and branch per item, removed once the item is merged. Fully
 *   isolated, ignored files included; costs a full checkout (and its removal) per item.</li>
 *   <li>{@link #pooled(int)}: at most {@code size} agent worktrees, created when first needed and reused: between
 *   items a worktree is switched to a new branch at the run's current HEAD (only the paths that differ are
 *   rewritten), its index reset, and cleaned of untracked files and of ignored ones except the warm build and
 *   dependency directories ({@link WorktreeIsolation.Builder#warmDirectories}: {@code target/},
 *   {@code node_modules/}, {@code .venv/}...), which are kept. A worktree whose reset fails is replaced. An item
 *   waits for a free worktree when all are busy.</li>
 *   <li>{@link #reuse()} (the default): one reusable worktree per agent slot (worker thread), reset between items
 *   like a pooled one; as many as items run at once, bounded by
 *   {@link WorktreeIsolation.Builder#maxWorktrees(int)}. Choose {@link #onDemand()} when an item must not see
 *   what an earlier item built in a warm directory (or set no warm directories, or opt some out with
 *   {@link WorktreeIsolation.Builder#coldDirectories}). In reused worktrees a step marked
 *   {@link io.prodigy.api.Step#oncePerWorktree()} runs once per worktree instead of once per item.</li>
 *   <li>{@link #dedicated(String)}: the run works in a long-lived worktree with that name (for example one per
 *   experiment, so several experiments run side by side), which survives the run and is picked up again by the
 *   next run with the same name; its items get fresh worktrees on demand.</li>
 * </ul>
 */
public sealed interface WorktreeMode
        permits WorktreeMode.OnDemand, WorktreeMode.Pooled, WorktreeMode.Reuse, WorktreeMode.Dedicated {

    /** @return a fresh worktree per item */
    static WorktreeMode onDemand() {
        return OnDemand.INSTANCE;
    }

    /**
     * @param size the most agent worktrees at once; at least 1
     * @return a pool of reusable agent worktrees
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    static WorktreeMode pooled(int size) {
        return new Pooled(size);
    }

    /** @return one reusable worktree per agent slot (the default) */
    static WorktreeMode reuse() {
        return Reuse.INSTANCE;
    }

    /**
     * @param name the worktree's name (any text; it is made safe for paths and branch names)
     * @return a named, long-lived run worktree
     * @throws IllegalArgumentException if {@code name} is blank
     */
    static WorktreeMode dedicated(String name) {
        return new Dedicated(name);
    }

    /** A fresh worktree per item. */
    final class OnDemand implements WorktreeMode {
        static final OnDemand INSTANCE = new OnDemand();

        private OnDemand() {}

        @Override
        public String toString() {
            return "on-demand";
        }
    }

    /**
     * A pool of reusable agent worktrees.
     *
     * @param size the most agent worktrees at once
     */
    record Pooled(int size) implements WorktreeMode {
        /** Checks the size. */
        public Pooled {
            if (size < 1) {
                throw new IllegalArgumentException("a worktree pool needs at least 1 worktree, not " + size);
            }
        }
    }

    /** One reusable worktree per agent slot. */
    final class Reuse implements WorktreeMode {
        static final Reuse INSTANCE = new Reuse();

        private Reuse() {}

        @Override
        public String toString() {
            return "reuse";
        }
    }

    /**
     * A named, long-lived run worktree.
     *
     * @param name the worktree's name
     */
    record Dedicated(String name) implements WorktreeMode {
        /** Checks the name. */
        public Dedicated {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a dedicated worktree needs a name");
            }
        }
    }
}
