package io.prodigy.api.spi;

/** The version-control view of a {@link Workspace}: what the engine needs for commit checks and git variables. */
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
    String commitAll(String message);
}
