package io.prodigy.git;

import java.nio.file.Path;

/**
 * A worktree (or a branch without one) that {@link WorktreeIsolation} made, as {@link Worktrees} finds it.
 *
 * @param kind what it is for
 * @param runId the run it belongs to (its safe name when the run's record is gone)
 * @param repository the top of the user's working tree
 * @param path the worktree's directory, or null for a branch that has no worktree
 * @param branch the branch, or null for a detached (idle pool) worktree
 * @param dirty whether the worktree has uncommitted changes (untracked files included, ignored files not)
 * @param unmergedCommits how many of its commits are on none of the branches its work is merged into (for an
 *                        item: the run's branch or a user branch; for a run: a user branch)
 * @param live whether its run may still be running (a process on this host that is alive, or another host)
 * @param kept whether it is a failed item's worktree kept for debugging (locked)
 */
public record ManagedWorktree(
        Kind kind,
        String runId,
        Path repository,
        Path path,
        String branch,
        boolean dirty,
        int unmergedCommits,
        boolean live,
        boolean kept) {

    /** What a managed worktree is for. */
    public enum Kind {
        /** A run's worktree ({@code prodigy-<run-id>}). */
        RUN,
        /** An item's worktree or branch ({@code prodigy/<run-id>/<item>}). */
        ITEM,
        /** An idle worktree of a pool. */
        POOL,
        /** A named, long-lived run worktree; never an orphan. */
        DEDICATED,
        /** A temporary worktree of a final merge. */
        MERGE
    }

    /** @return whether no live run uses it and it is not a dedicated worktree, so it may be cleaned */
    public boolean orphan() {
        return !live && kind != Kind.DEDICATED;
    }

    /** @return whether removing it would lose work: uncommitted changes, or commits on no other branch */
    public boolean holdsWork() {
        return dirty || unmergedCommits > 0;
    }
}
