package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.git.ConflictResolution;
import io.prodigy.git.MergeConfirmation;
import io.prodigy.git.WorktreeMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration of a {@code WorktreeIsolation}, as the internals see it.
 *
 * @param home {@code PRODIGY_HOME}; worktrees live under {@code home/worktrees}
 * @param mode how runs and items get worktrees
 * @param maxWorktrees the most agent worktrees in use at once
 * @param keepFailed whether failed items' worktrees stay on disk
 * @param conflicts what to do when an item's merge conflicts
 * @param confirmation asked before the final merge
 * @param git the git runner
 * @param warmDirectories names of ignored directories a reused (pooled) worktree keeps between items, each ending
 *                        in {@code /}
 * @param mergeInWorktree whether item merges are made by {@code git merge} in the run's worktree even when git
 *                        could make them without it (see {@link Integrator})
 * @param coldPaths paths (relative to the repository's top, each ending in {@code /}) of ignored directories a reused
 *                  worktree cleans between items although their name is warm
 */
public record Settings(
        Path home,
        WorktreeMode mode,
        int maxWorktrees,
        boolean keepFailed,
        ConflictResolution conflicts,
        MergeConfirmation confirmation,
        GitCli git,
        java.util.List<String> warmDirectories,
        boolean mergeInWorktree,
        java.util.List<String> coldPaths) {

    /** Copies the lists. */
    public Settings {
        warmDirectories = warmDirectories == null ? java.util.List.of() : java.util.List.copyOf(warmDirectories);
        coldPaths = coldPaths == null ? java.util.List.of() : java.util.List.copyOf(coldPaths);
    }

    /** Settings without cold paths. */
    public Settings(
            Path home,
            WorktreeMode mode,
            int maxWorktrees,
            boolean keepFailed,
            ConflictResolution conflicts,
            MergeConfirmation confirmation,
            GitCli git,
            java.util.List<String> warmDirectories,
            boolean mergeInWorktree) {
        this(
                home,
                mode,
                maxWorktrees,
                keepFailed,
                conflicts,
                confirmation,
                git,
                warmDirectories,
                mergeInWorktree,
                java.util.List.of());
    }

    /** Settings without warm directories (every ignored file of a reused worktree is removed between items). */
    public Settings(
            Path home,
            WorktreeMode mode,
            int maxWorktrees,
            boolean keepFailed,
            ConflictResolution conflicts,
            MergeConfirmation confirmation,
            GitCli git) {
        this(home, mode, maxWorktrees, keepFailed, conflicts, confirmation, git, java.util.List.of());
    }

    /** Settings whose item merges are made without the run's worktree where git can. */
    public Settings(
            Path home,
            WorktreeMode mode,
            int maxWorktrees,
            boolean keepFailed,
            ConflictResolution conflicts,
            MergeConfirmation confirmation,
            GitCli git,
            java.util.List<String> warmDirectories) {
        this(home, mode, maxWorktrees, keepFailed, conflicts, confirmation, git, warmDirectories, false);
    }

    /**
     * @param dir another state directory
     * @return these settings with worktrees under {@code dir}
     */
    public Settings withHome(Path dir) {
        return dir.equals(home)
                ? this
                : new Settings(
                        dir,
                        mode,
                        maxWorktrees,
                        keepFailed,
                        conflicts,
                        confirmation,
                        git,
                        warmDirectories,
                        mergeInWorktree,
                        coldPaths);
    }

    /**
     * @param repo the repository
     * @return {@code home/worktrees/<repo>}, where that repository's worktrees and run files live, created if
     *         needed and with symbolic links resolved (git reports worktree paths that way)
     * @throws IsolationException if it cannot be created
     */
    public Path repoDir(Repository repo) {
        Path dir = home.resolve("worktrees").resolve(repo.name());
        try {
            Files.createDirectories(dir);
            return dir.toRealPath();
        } catch (IOException e) {
            throw new IsolationException("could not create the worktree directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
