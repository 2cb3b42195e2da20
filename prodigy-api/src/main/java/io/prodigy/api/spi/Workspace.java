package io.prodigy.api.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A directory where a run or one of its items works, handed out by an {@link IsolationStrategy}.
 *
 * @since 0.1
 */
public interface Workspace {

    /** @return the directory steps run in */
    Path directory();

    /** @return a short name for messages (a worktree or directory name) */
    String name();

    /**
     * @return the version control of this workspace, when it has one; steps with {@code commit_required}
     *         and the git context variables ({@code ${step.files_added}} ...) need it
     */
    default Optional<VersionControl> versionControl() {
        return Optional.empty();
    }

    /** @return the branch this workspace works on, when it is a version-controlled checkout with its own branch */
    default Optional<String> branchName() {
        return Optional.empty();
    }

    /**
     * The identity of a reused directory, for steps that run once per worktree
     * ({@link io.prodigy.api.Step#oncePerWorktree()}): the same value exactly while the same directory is handed out
     * again without being re-created in between (a warm pooled worktree), a different one once it is re-created, and
     * never the value of another directory, of this run or of any other. An empty value means the workspace is fresh
     * (or its reuse is unknown): such steps then run for every item.
     *
     * @return the identity of this reused directory, or empty
     * @since 0.1
     */
    default Optional<String> reuseKey() {
        return Optional.empty();
    }
}
