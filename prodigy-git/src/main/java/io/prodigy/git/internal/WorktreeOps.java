package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The git operations on worktrees and branches that every part of the isolation shares. */
public final class WorktreeOps {
    private static final Logger LOG = LoggerFactory.getLogger(WorktreeOps.class);

    private WorktreeOps() {}

    /**
     * @param git the git runner
     * @param dir any worktree of the repository
     * @param ref a ref or revision
     * @return the commit id, or null if it does not resolve
     */
    public static String resolve(GitCli git, Path dir, String ref) {
        GitCli.Result r = git.run(dir, List.of("rev-parse", "--verify", "--quiet", ref + "^{commit}"));
        return r.ok() ? r.line() : null;
    }

    /**
     * @param git the git runner
     * @param dir any worktree of the repository
     * @param branch a branch name
     * @return its commit, or null if there is no such branch
     */
    public static String branchTip(GitCli git, Path dir, String branch) {
        return resolve(git, dir, "refs/heads/" + branch);
    }

    /**
     * @param git the git runner
     * @param dir any worktree of the repository
     * @param ancestor a commit
     * @param descendant another commit
     * @return whether {@code ancestor} is reachable from {@code descendant} (a commit is its own ancestor)
     */
    public static boolean isAncestor(GitCli git, Path dir, String ancestor, String descendant) {
        return ancestor.equals(descendant) || git.test(dir, "merge-base", "--is-ancestor", ancestor, descendant);
    }

    /**
     * Deletes a branch if it exists (serialized per repository in this JVM). The caller decides whether its
     * commits may be lost.
     *
     * @param git the git runner
     * @param repo the repository
     * @param branch the branch
     */
    public static void deleteBranch(GitCli git, Repository repo, String branch) {
        ReentrantLock lock = repo.refLock();
        lock.lock();
        try {
            GitCli.Result r = git.run(repo.topLevel(), List.of("branch", "-D", "--quiet", branch));
            if (!r.ok() && branchTip(git, repo.topLevel(), branch) != null) {
                throw GitCli.failure(repo.topLevel(), List.of("branch", "-D", branch), r);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a worktree with an existing branch checked out.
     *
     * @param git the git runner
     * @param repo the repository
     * @param path the new worktree's directory (must not exist, or be empty)
     * @param branch the branch to check out
     */
    public static void addWorktree(GitCli git, Repository repo, Path path, String branch) {
        createParent(path);
        git.output(repo.topLevel(), "worktree", "add", "--quiet", path.toString(), branch);
    }

    /**
     * Adds a worktree on a new branch.
     *
     * @param git the git runner
     * @param repo the repository
     * @param path the new worktree's directory (must not exist, or be empty)
     * @param branch the new branch (must not exist)
     * @param commit where the branch starts
     */
    public static void addWorktree(GitCli git, Repository repo, Path path, String branch, String commit) {
        createParent(path);
        git.output(repo.topLevel(), "worktree", "add", "--quiet", "-b", branch, path.toString(), commit);
    }

    static void createParent(Path path) {
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new IsolationException("could not create " + path.getParent() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds a worktree on a detached HEAD at a commit (for pool slots between items and temporary merges).
     *
     * @param git the git runner
     * @param repo the repository
     * @param path the new worktree's directory
     * @param commit the commit to check out
     */
    public static void addDetachedWorktree(GitCli git, Repository repo, Path path, String commit) {
        createParent(path);
        git.output(repo.topLevel(), "worktree", "add", "--quiet", "--detach", path.toString(), commit);
    }

    /**
     * Removes a worktree and its directory, whatever it holds, and forgets it in git. A directory git does not
     * know as a worktree is deleted too.
     *
     * @param git the git runner
     * @param repo the repository
     * @param path the worktree's directory
     */
    public static void removeWorktree(GitCli git, Repository repo, Path path) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            GitCli.Result r =
                    git.run(repo.topLevel(), List.of("worktree", "remove", "--force", "--force", path.toString()));
            if (r.ok()) {
                return;
            }
            LOG.debug("git worktree remove {} failed ({}); deleting the directory", path, r.message());
            deleteTree(path);
        }
        git.output(repo.topLevel(), "worktree", "prune");
    }

    /**
     * @param git the git runner
     * @param root a worktree
     * @return the paths with uncommitted changes (untracked included, ignored files not)
     */
    public static List<String> dirtyPaths(GitCli git, Path root) {
        String out = git.output(root, "status", "--porcelain", "-z", "--no-renames");
        List<String> paths = new ArrayList<>();
        for (String entry : out.split("\0")) {
            if (entry.length() > 3) {
                paths.add(entry.substring(3));
            }
        }
        return paths;
    }

    /**
     * @param git the git runner
     * @param root a worktree
     * @return whether it is in the middle of a merge
     */
    public static boolean merging(GitCli git, Path root) {
        return resolve(git, root, "MERGE_HEAD") != null;
    }

    /**
     * @param git the git runner
     * @param root a worktree in the middle of a merge
     * @return the paths still unmerged
     */
    public static List<String> unmergedPaths(GitCli git, Path root) {
        String out = git.output(root, "diff", "--name-only", "-z", "--diff-filter=U");
        List<String> paths = new ArrayList<>();
        for (String p : out.split("\0")) {
            if (!p.isEmpty() && !paths.contains(p)) {
                paths.add(p);
            }
        }
        return paths;
    }

    /**
     * Runs quick cleanup work to its end even when the calling thread was interrupted (a cancelled run still has to
     * release and record its worktrees); the interrupt flag is restored afterwards.
     *
     * @param work the work
     */
    public static void uninterrupted(Runnable work) {
        boolean interrupted = Thread.interrupted();
        try {
            work.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Deletes a directory if it exists and is empty.
     *
     * @param dir the directory
     */
    public static void deleteEmptyDirectory(Path dir) {
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.DirectoryNotEmptyException e) {
            // gone already, or filled meanwhile
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }

    /**
     * Deletes a directory tree; missing is fine.
     *
     * @param root the directory
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new IsolationException("could not delete " + root + ": " + e.getMessage(), e);
        }
    }
}
