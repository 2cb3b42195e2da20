package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A git repository as seen from a project directory: the top of the working tree the user works in, the
 * common git directory shared by all its worktrees, and where the project directory sits inside the tree.
 *
 * @param topLevel the top of the user's working tree
 * @param commonDir the common git directory (the main repository's {@code .git})
 * @param prefix the project directory relative to {@code topLevel} (empty at the top)
 * @param name a safe name for the repository, used as a directory name under {@code PRODIGY_HOME/worktrees}
 */
public record Repository(Path topLevel, Path commonDir, String prefix, String name) {
    private static final Map<Path, ReentrantLock> REF_LOCKS = new ConcurrentHashMap<>();

    /**
     * Finds the repository of a project directory.
     *
     * @param git the git runner
     * @param projectDirectory the directory the user runs in
     * @return the repository
     * @throws IsolationException if the directory does not exist, is not in a git work tree, or is in a bare
     *     repository
     */
    public static Repository discover(GitCli git, Path projectDirectory) {
        Path dir = projectDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IsolationException("the project directory " + dir + " does not exist");
        }
        GitCli.Result r = git.run(
                dir,
                List.of("rev-parse", "--is-inside-work-tree", "--show-toplevel", "--git-common-dir", "--show-prefix"));
        if (!r.ok()) {
            throw new IsolationException(dir + " is not inside a git repository, and git worktree isolation needs "
                    + "one (git said: " + r.message() + "). Make it one with: cd " + Names.shellQuote(dir.toString())
                    + " && git init && git add -A && git commit -m 'initial commit' - or run without git "
                    + "isolation (DirectoryIsolation)");
        }
        String[] lines = r.stdout().split("\n", -1);
        if (lines.length < 3 || !"true".equals(lines[0])) {
            throw new IsolationException(dir + " is not inside a git working tree (a bare repository?); git "
                    + "worktree isolation needs a checked-out repository");
        }
        Path top = Path.of(lines[1]).toAbsolutePath().normalize();
        Path common = dir.resolve(lines[2]).toAbsolutePath().normalize();
        if (!Files.isDirectory(common)) {
            // git before 2.13 printed a relative common directory against the top of the tree
            common = top.resolve(lines[2]).toAbsolutePath().normalize();
        }
        String prefix = lines.length > 3 ? lines[3] : "";
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        Path main =
                common.getFileName() != null && common.getFileName().toString().equals(".git")
                        ? common.getParent()
                        : common;
        String base =
                main.getFileName() == null ? "repository" : main.getFileName().toString();
        if (base.endsWith(".git") && base.length() > 4) {
            base = base.substring(0, base.length() - 4);
        }
        return new Repository(top, common, prefix, Names.safe(base));
    }

    /**
     * The lock that serializes this JVM's branch deletions and creations in this repository: git takes the
     * {@code packed-refs} lock to delete a ref and gives up after a second, which parallel agents can exceed.
     *
     * @return the lock shared by every user of this repository in this JVM
     */
    public ReentrantLock refLock() {
        return REF_LOCKS.computeIfAbsent(commonDir, k -> new ReentrantLock());
    }

    /**
     * @param worktreeRoot the top of one of this repository's worktrees
     * @return the project directory inside it (the same place relative to the top as the user's)
     */
    public Path projectIn(Path worktreeRoot) {
        return prefix.isEmpty() ? worktreeRoot : worktreeRoot.resolve(prefix);
    }

    /**
     * One entry of {@code git worktree list --porcelain}.
     *
     * @param path the worktree's top directory
     * @param head its HEAD commit, or null for an unborn branch
     * @param branch its branch without {@code refs/heads/}, or null when detached
     * @param prunable whether git reports its directory gone
     * @param locked whether it is locked ({@code git worktree lock})
     */
    public record WorktreeEntry(Path path, String head, String branch, boolean prunable, boolean locked) {}

    /**
     * @param git the git runner
     * @return every worktree of the repository, the main one first
     */
    public List<WorktreeEntry> worktrees(GitCli git) {
        return listWorktrees(git, topLevel);
    }

    /**
     * @param git the git runner
     * @param anyWorktree a directory of any worktree of the repository (or its git directory)
     * @return every worktree of the repository, the main one first
     */
    public static List<WorktreeEntry> listWorktrees(GitCli git, Path anyWorktree) {
        boolean nul = git.atLeast(2, 36);
        List<String> args =
                nul ? List.of("worktree", "list", "--porcelain", "-z") : List.of("worktree", "list", "--porcelain");
        // git worktree add writes .git/worktrees/<name>/ file by file without a lock: a list running beside it
        // (another item's workspace being made) can read the half-made entry and fail; GitCli runs it again
        GitCli.Result r = git.run(anyWorktree, args);
        if (!r.ok()) {
            throw GitCli.failure(anyWorktree, args, r);
        }
        return parseWorktrees(r.line(), nul ? '\0' : '\n');
    }

    /**
     * @param out the output of {@code git worktree list --porcelain}, with {@code -z} or without
     * @param separator {@code \0} with {@code -z}, else {@code \n}
     * @return the entries
     */
    static List<WorktreeEntry> parseWorktrees(String out, char separator) {
        List<WorktreeEntry> entries = new ArrayList<>();
        Path path = null;
        String head = null;
        String branch = null;
        boolean prunable = false;
        boolean locked = false;
        for (String field : out.split(String.valueOf(separator), -1)) {
            if (field.isEmpty()) {
                if (path != null) {
                    entries.add(new WorktreeEntry(path, head, branch, prunable, locked));
                }
                path = null;
                head = null;
                branch = null;
                prunable = false;
                locked = false;
            } else if (field.startsWith("worktree ")) {
                path = Path.of(field.substring("worktree ".length()));
            } else if (field.startsWith("HEAD ")) {
                head = field.substring("HEAD ".length());
            } else if (field.startsWith("branch ")) {
                String ref = field.substring("branch ".length());
                branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
            } else if (field.startsWith("prunable")) {
                prunable = true;
            } else if (field.startsWith("locked")) {
                locked = true;
            }
        }
        if (path != null) {
            entries.add(new WorktreeEntry(path, head, branch, prunable, locked));
        }
        return Collections.unmodifiableList(entries);
    }

    /**
     * @param git the git runner
     * @param branch a branch name without {@code refs/heads/}
     * @return the worktree that has the branch checked out, if any
     */
    public Optional<WorktreeEntry> checkedOut(GitCli git, String branch) {
        for (WorktreeEntry e : worktrees(git)) {
            if (branch.equals(e.branch()) && !e.prunable()) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
