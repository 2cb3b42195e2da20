package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The record of an item merge in progress in a run's worktree: {@code prodigy-merge-intent} in the worktree's
 * private git directory, written before {@code git merge} starts and removed once its outcome is known. A git
 * merge killed half way (with the run's process, or by a signal to the process group) can leave the item's files
 * in the run's worktree without a {@code MERGE_HEAD}, where git cannot tell them from local changes; this record is
 * how a resume knows they are the remains of an interrupted merge, not work to keep.
 *
 * <p>A merge made without the worktree ({@link #BY_REF}: {@code merge-tree}, {@code commit-tree}, then
 * {@code update-ref} from {@code before}) writes nothing into the worktree; it is atomic - the run's branch moved or
 * it did not - and the record only tells a resume which of the two happened.
 *
 * @param before the run branch's commit when the merge started
 * @param itemId the item being merged
 * @param itemTip the item branch's commit being merged
 * @param method {@link #IN_WORKTREE} ({@code git merge} in the run's worktree) or {@link #BY_REF}
 */
record MergeIntent(String before, String itemId, String itemTip, String method) {
    static final String FILE = "prodigy-merge-intent";
    /** A {@code git merge} in the run's worktree (the method of records without one). */
    static final String IN_WORKTREE = "worktree";
    /** A merge commit made from {@code git merge-tree} and moved to by {@code update-ref}. */
    static final String BY_REF = "ref";

    /** @return whether the merge wrote nothing into the worktree */
    boolean byRef() {
        return BY_REF.equals(method);
    }

    /** Writes the record (replacing any). */
    void write(Path gitDir) {
        Properties p = new Properties();
        p.setProperty("before", before);
        p.setProperty("item", itemId);
        p.setProperty("item_tip", itemTip);
        p.setProperty("method", method);
        java.io.StringWriter w = new java.io.StringWriter();
        try {
            p.store(w, "an item merge in progress in this worktree (prodigy)");
            Files.writeString(gitDir.resolve(FILE), w.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IsolationException(
                    "could not record the merge of item " + itemId + " in " + gitDir + ": " + e.getMessage(), e);
        }
    }

    /** @return the record in the git directory, if there is one (an unreadable one is reported, not guessed at) */
    static Optional<MergeIntent> read(Path gitDir) {
        String text;
        try {
            text = Files.readString(gitDir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IsolationException("could not read " + gitDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IsolationException(
                    "the merge record " + gitDir.resolve(FILE) + " is corrupt: " + e.getMessage()
                            + "; check the run's worktree with git status, then delete the file",
                    e);
        }
        String before = p.getProperty("before");
        if (before == null || before.isBlank()) {
            // a record cut short by the crash while it was written: the merge had not started
            return Optional.of(new MergeIntent(
                    null, p.getProperty("item", "?"), p.getProperty("item_tip"), p.getProperty("method", IN_WORKTREE)));
        }
        return Optional.of(new MergeIntent(
                before, p.getProperty("item", "?"), p.getProperty("item_tip"), p.getProperty("method", IN_WORKTREE)));
    }

    /** Removes the record of the git directory, if any. */
    static void clear(Path gitDir) {
        try {
            Files.deleteIfExists(gitDir.resolve(FILE));
        } catch (IOException e) {
            throw new IsolationException("could not remove " + gitDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
