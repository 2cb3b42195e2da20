package io.prodigy.git.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads branch tips and worktree HEADs straight from the files git keeps them in - a loose ref file under
 * {@code refs/heads/}, else its line in {@code packed-refs} - instead of starting a {@code git rev-parse} per
 * question (eight of them per item, before). Git replaces these files by renaming a written lock file over them,
 * so a read sees the old or the new value, never half of one.
 *
 * <p>Only the plain cases are answered here; anything else - a symbolic ref that does not point at a branch, a
 * file that is not a bare object id, a repository with the reftable ref storage, an I/O error - gets {@code null}
 * from {@link #branchTip} with {@link #known} false, and the caller asks git. Thread-safe.
 */
final class RefFiles {
    private final Path commonDir;
    private final boolean usable;

    /** @param commonDir the repository's common git directory (the main {@code .git}) */
    RefFiles(Path commonDir) {
        this.commonDir = commonDir;
        this.usable = !Files.exists(commonDir.resolve("reftable")) && Files.isDirectory(commonDir.resolve("refs"));
    }

    /** The answer of a read: the commit, or null for no such branch; {@code known} false when git must be asked. */
    record Answer(String commit, boolean known) {
        static final Answer ASK_GIT = new Answer(null, false);
    }

    /**
     * @param branch a branch name without {@code refs/heads/}
     * @return its tip, or a null commit if there is no such branch, or an unknown answer
     */
    Answer branchTip(String branch) {
        if (!usable || branch.isEmpty() || branch.contains("..") || branch.startsWith("/")) {
            return Answer.ASK_GIT;
        }
        String ref = "refs/heads/" + branch;
        try {
            String loose = Files.readString(commonDir.resolve(ref), StandardCharsets.UTF_8)
                    .strip();
            return isObjectId(loose) ? new Answer(loose, true) : Answer.ASK_GIT;
        } catch (NoSuchFileException e) {
            return packed(ref);
        } catch (IOException | RuntimeException e) {
            return Answer.ASK_GIT;
        }
    }

    /**
     * @param gitDir a worktree's private git directory (where its {@code HEAD} is)
     * @return the commit its HEAD points at, or an unknown answer (an unborn branch included)
     */
    Answer head(Path gitDir) {
        if (!usable) {
            return Answer.ASK_GIT;
        }
        String head;
        try {
            head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException | RuntimeException e) {
            return Answer.ASK_GIT;
        }
        if (isObjectId(head)) {
            return new Answer(head, true);
        }
        if (head.startsWith("ref: refs/heads/")) {
            Answer tip = branchTip(head.substring("ref: refs/heads/".length()));
            return tip.commit() != null ? tip : Answer.ASK_GIT;
        }
        return Answer.ASK_GIT;
    }

    private Answer packed(String ref) {
        String text;
        try {
            text = Files.readString(commonDir.resolve("packed-refs"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Answer(null, true);
        } catch (IOException | RuntimeException e) {
            return Answer.ASK_GIT;
        }
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '^') {
                continue;
            }
            int space = line.indexOf(' ');
            if (space > 0 && line.length() == space + 1 + ref.length() && line.endsWith(ref)) {
                String id = line.substring(0, space);
                return isObjectId(id) ? new Answer(id, true) : Answer.ASK_GIT;
            }
        }
        return new Answer(null, true);
    }

    static boolean isObjectId(String s) {
        if (s.length() != 40 && s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
