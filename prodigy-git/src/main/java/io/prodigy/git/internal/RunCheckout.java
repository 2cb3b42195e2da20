package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files and index of a run's worktree, which item merges made by {@code update-ref} leave at an older commit of
 * the run's branch. Before the first such merge moves the branch, the commit the checkout still shows is recorded in
 * {@code prodigy-checkout} in the worktree's private git directory; {@link #sync()} brings the checkout up to the
 * branch ({@code git read-tree -m -u <recorded> <head>}: only the paths that differ are written, local changes
 * elsewhere are kept) and removes the record. A crash in between leaves the record, and the resume syncs. Not
 * thread-safe: the {@link Integrator} calls it under its lock.
 */
final class RunCheckout {
    private static final Logger LOG = LoggerFactory.getLogger(RunCheckout.class);
    static final String FILE = "prodigy-checkout";

    private final RunWorktree run;
    private final GitCli git;
    /** The commit the checkout shows while the branch is ahead of it, else null. */
    private volatile String shows;

    RunCheckout(RunWorktree run) {
        this.run = run;
        this.git = run.git();
        this.shows = read(run.gitDir());
    }

    /** @return whether the branch may be ahead of the checkout */
    boolean stale() {
        return shows != null;
    }

    /**
     * Records, before the branch moves away from it, that the checkout shows {@code head} (once: while it is stale
     * it keeps showing the commit recorded first).
     *
     * @param head the run branch's commit, which the checkout shows
     */
    void leaving(String head) {
        if (shows != null) {
            return;
        }
        Path file = run.gitDir().resolve(FILE);
        try {
            Files.writeString(file, head + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IsolationException(
                    "could not record the checkout of the run's worktree in " + file + ": " + e.getMessage(), e);
        }
        shows = head;
    }

    /** The checkout is known to show the branch's head (a reset, a merge in the worktree): the record goes. */
    void current() {
        if (shows == null) {
            return;
        }
        try {
            Files.deleteIfExists(run.gitDir().resolve(FILE));
        } catch (IOException e) {
            throw new IsolationException("could not remove " + run.gitDir().resolve(FILE) + ": " + e.getMessage(), e);
        }
        shows = null;
    }

    /**
     * Brings the checkout up to the run's branch, if it is behind. Local changes in the paths to update (which
     * nothing makes during a map phase) make git refuse; then the worktree is reset to the branch, with a warning
     * naming them.
     */
    void sync() {
        String from = shows;
        if (from == null) {
            return;
        }
        Path root = run.root();
        String head = run.versionControl().orElseThrow().head();
        if (!from.equals(head)) {
            GitCli.Result r = git.run(root, List.of("read-tree", "-m", "-u", from, head));
            if (!r.ok()) {
                LOG.warn(
                        "Bringing the run's worktree {} up to its branch {} met local changes ({}); resetting the "
                                + "worktree to the branch",
                        root,
                        run.branch(),
                        r.message());
                git.output(root, "reset", "--quiet", "--hard", head);
            }
            LOG.debug("The run's worktree {} now shows {}", root, RunWorktree.abbrev(head));
        }
        current();
    }

    private static String read(Path gitDir) {
        try {
            String text = Files.readString(gitDir.resolve(FILE), StandardCharsets.UTF_8)
                    .strip();
            return RefFiles.isObjectId(text) ? text : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IsolationException("could not read " + gitDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
