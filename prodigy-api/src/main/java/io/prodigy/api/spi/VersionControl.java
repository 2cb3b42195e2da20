package io.prodigy.api.spi;

import org.jspecify.annotations.Nullable;

/**
 * The version-control view of a {@link Workspace}: what the engine needs for commit checks and git variables.
 *
 * @since 0.1
 */
public interface VersionControl {

    /** @return the current commit id */
    String head();

    /**
     * @param baseCommit a commit id returned earlier by {@link #head()}
     * @return the commits and file changes from {@code baseCommit} to the current head
     */
    WorkspaceChanges changesSince(String baseCommit);

    /** @return whether the working tree has uncommitted changes */
    boolean isDirty();

    /**
     * Commits every change in the working tree.
     *
     * @param message the commit message
     * @return the new commit id, or null when there was nothing to commit
     */
    @Nullable
    String commitAll(String message);

    /**
     * Throws away what happened in the working tree since a commit: commits on top of it and uncommitted changes
     * (untracked files too; ignored files stay). Used on resume to undo the partial work of a step that a crash
     * interrupted, so that the step runs again from where it started and its commits land exactly once.
     *
     * @param commit a commit id returned earlier by {@link #head()}
     * @return false, changing nothing, when {@code commit} is not an ancestor of (or equal to) the current head
     * @throws UnsupportedOperationException if this version control cannot do it (the default)
     */
    default boolean discardSince(String commit) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot discard changes");
    }
}
