package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.WorkspaceChanges;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link VersionControl} of one git worktree, through the git CLI: one short process per question, so the
 * answers always agree with what the user's git (its config, hooks and extensions) would say.
 */
public final class GitVersionControl implements VersionControl {
    private final GitCli git;
    private final Path root;
    private final RefFiles refs;
    private final java.util.function.Supplier<Path> gitDir;
    private final Runnable beforeWorktreeUse;
    /** The last changes computed between two commit ids (commits never change, so neither do they). */
    private volatile Changes lastChanges;

    private record Changes(String base, String head, WorkspaceChanges changes) {}

    /**
     * @param git the git runner
     * @param root the top directory of the worktree
     */
    public GitVersionControl(GitCli git, Path root) {
        this(git, root, null, null, null);
    }

    /**
     * @param git the git runner
     * @param root the top directory of the worktree
     * @param refs reads HEAD from the git files without a process, or null to always ask git
     * @param gitDir the worktree's private git directory (asked when HEAD is read), or null
     * @param beforeWorktreeUse run before every question that looks at the worktree's files or index (brings a
     *                          run's checkout up to the run's branch), or null
     */
    GitVersionControl(
            GitCli git,
            Path root,
            RefFiles refs,
            java.util.function.Supplier<Path> gitDir,
            Runnable beforeWorktreeUse) {
        this.git = git;
        this.root = root;
        this.refs = refs;
        this.gitDir = gitDir;
        this.beforeWorktreeUse = beforeWorktreeUse;
    }

    private void beforeWorktreeUse() {
        if (beforeWorktreeUse != null) {
            beforeWorktreeUse.run();
        }
    }

    @Override
    public String head() {
        if (refs != null) {
            Path dir = gitDir.get();
            if (dir != null) {
                RefFiles.Answer a = refs.head(dir);
                if (a.known() && a.commit() != null) {
                    return a.commit();
                }
            }
        }
        return git.output(root, "rev-parse", "--verify", "HEAD");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Files are compared between the two commits' trees, without rename detection: a renamed file is one
     * deletion and one addition. Binary files count no lines.
     *
     * @throws IsolationException if {@code baseCommit} is not a commit of this repository
     */
    @Override
    public WorkspaceChanges changesSince(String baseCommit) {
        String head = head();
        if (head.equals(baseCommit)) {
            return WorkspaceChanges.NONE;
        }
        Changes last = lastChanges;
        if (last != null && last.base().equals(baseCommit) && last.head().equals(head)) {
            return last.changes();
        }
        // one process for the commits and, when there is one commit on top of the base (the common case), its
        // changes: git log lists each commit with its parents and its own raw and numstat changes
        String log = git.output(
                root,
                "log",
                "-z",
                "--reverse",
                "--no-color",
                "--no-show-signature",
                "--no-renames",
                "--no-ext-diff",
                "--raw",
                "--numstat",
                "--format=" + COMMIT_MARK + "%H %P",
                baseCommit + ".." + head);
        List<String> commits = new ArrayList<>();
        String[] tokens = oneCommitOnTop(log.split("\0", -1), baseCommit, commits);
        if (tokens == null) {
            tokens = git.output(
                            root, "diff", "-z", "--no-renames", "--no-ext-diff", "--raw", "--numstat", baseCommit, head)
                    .split("\0", -1);
        }
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        int insertions = 0;
        int deletions = 0;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.startsWith(":") && i + 1 < tokens.length) {
                char status = t.charAt(t.length() - 1);
                String path = tokens[++i];
                if (status == 'A') {
                    added.add(path);
                } else if (status == 'D') {
                    deleted.add(path);
                } else {
                    modified.add(path);
                }
            } else if (!t.isEmpty()) {
                int tab = t.indexOf('\t');
                int tab2 = tab < 0 ? -1 : t.indexOf('\t', tab + 1);
                if (tab2 > 0) {
                    insertions += count(t.substring(0, tab));
                    deletions += count(t.substring(tab + 1, tab2));
                }
            }
        }
        WorkspaceChanges changes = new WorkspaceChanges(commits, added, modified, deleted, insertions, deletions);
        if (RefFiles.isObjectId(baseCommit)) {
            lastChanges = new Changes(baseCommit, head, changes);
        }
        return changes;
    }

    /**
     * @param base a commit id
     * @param head another
     * @return the commits from {@code base} to {@code head} (oldest first) if {@link #changesSince} last computed
     *     them, else null (nothing is asked of git)
     */
    List<String> knownCommits(String base, String head) {
        Changes last = lastChanges;
        return last != null && last.base().equals(base) && last.head().equals(head)
                ? last.changes().commits()
                : null;
    }

    @Override
    public boolean discardSince(String commit) {
        beforeWorktreeUse();
        GitCli.Result r = git.run(root, List.of("merge-base", "--is-ancestor", commit, "HEAD"));
        if (!r.ok()) {
            return false;
        }
        if (isDirty()) {
            // kept in the stash, not destroyed: git stash list shows it
            git.output(
                    root,
                    "stash",
                    "push",
                    "--include-untracked",
                    "-m",
                    "prodigy: uncommitted changes of an interrupted step");
        }
        git.output(root, "reset", "-q", "--hard", commit);
        return true;
    }

    @Override
    public boolean isDirty() {
        beforeWorktreeUse();
        return !git.output(root, "status", "--porcelain", "-z").isEmpty();
    }

    @Override
    public String commitAll(String message) {
        beforeWorktreeUse();
        git.output(root, "add", "-A");
        if (git.test(root, "diff", "--cached", "--quiet")) {
            return null;
        }
        git.output(root, "commit", "-q", "-m", message);
        return head();
    }

    /** Starts each commit's header in the {@code git log} of {@link #changesSince}; no path starts with it. */
    private static final String COMMIT_MARK = "\u0001";

    /**
     * Reads the commits of the {@code git log -z --raw --numstat} of {@link #changesSince} into {@code commits},
     * token by token: a commit's header, then its raw entries (each followed by its path, which is skipped whatever
     * it holds) and numstat entries.
     *
     * @return the tokens of the only commit's changes when there is exactly one and its sole parent is {@code base}
     *     (then they are the changes since {@code base}, as {@code git diff -z --raw --numstat} prints them), else null
     */
    private static String[] oneCommitOnTop(String[] tokens, String base, List<String> commits) {
        int bodyStart = -1;
        String parents = null;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.startsWith("\n")) {
                t = t.substring(1);
            }
            if (t.startsWith(COMMIT_MARK)) {
                String header = t.substring(1);
                int space = header.indexOf(' ');
                commits.add(space < 0 ? header : header.substring(0, space));
                if (commits.size() == 1) {
                    parents = space < 0 ? "" : header.substring(space + 1);
                    bodyStart = i + 1;
                }
            } else if (t.startsWith(":")) {
                i++; // the entry's path
            }
        }
        if (commits.size() != 1 || !base.equals(parents)) {
            return null;
        }
        String[] body = java.util.Arrays.copyOfRange(tokens, bodyStart, tokens.length);
        if (body.length > 0 && body[0].startsWith("\n")) {
            body[0] = body[0].substring(1);
        }
        return body;
    }

    private static int count(String number) {
        if (number.equals("-")) {
            return 0;
        }
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String l : text.split("\n")) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }
}
