package io.prodigy.git.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns run ids, item ids and worktree names into names that are valid as a single path segment on every
 * file system (including case-insensitive ones) and inside a git branch name.
 *
 * <p>A "plain" name (only {@code [a-z0-9_-]}, starting with a letter, digit or {@code _}, at most
 * {@value #MAX_PLAIN} characters, and not ending in {@code -} plus 16 hex digits) is kept as it is, so
 * ordinary ids such as {@code item_12} stay readable. Anything else becomes a readable prefix (lower-cased, other
 * characters replaced by {@code -}, at most {@value #MAX_PREFIX} characters) plus {@code -} plus 16 hex digits
 * of the SHA-256 of the original text. Plain names never end like a rewritten one, so two different inputs give
 * different names unless 64-bit hashes collide; upper case is rewritten, so names that differ only in case
 * differ in more than case. Dots are never produced, so callers may add suffixes such as {@code .items}
 * without colliding with any name.
 */
public final class Names {
    /** The longest name kept unchanged. */
    public static final int MAX_PLAIN = 64;
    /** The longest readable prefix of a rewritten name. */
    public static final int MAX_PREFIX = 40;

    private static final int HASH_HEX = 16;
    private static final HexFormat HEX = HexFormat.of();

    private Names() {}

    /**
     * @param text any text (an id, a workflow-chosen name)
     * @return a safe, deterministic name for it; never empty
     */
    public static String safe(String text) {
        if (isPlain(text)) {
            return text;
        }
        StringBuilder prefix = new StringBuilder(Math.min(text.length(), MAX_PREFIX));
        for (int i = 0; i < text.length() && prefix.length() < MAX_PREFIX; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            char c = cp < 128 ? Character.toLowerCase((char) cp) : '-';
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            if (allowed) {
                prefix.append(c);
            } else if (prefix.length() > 0 && prefix.charAt(prefix.length() - 1) != '-') {
                prefix.append('-');
            }
        }
        while (prefix.length() > 0 && prefix.charAt(prefix.length() - 1) == '-') {
            prefix.setLength(prefix.length() - 1);
        }
        String hash = hash(text);
        return prefix.length() == 0 ? "x-" + hash : prefix + "-" + hash;
    }

    /**
     * @param text any text
     * @return whether {@link #safe} returns it unchanged
     */
    static boolean isPlain(String text) {
        int n = text.length();
        if (n == 0 || n > MAX_PLAIN || text.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return !looksHashed(text);
    }

    private static boolean looksHashed(String text) {
        int n = text.length();
        if (n < HASH_HEX + 1 || text.charAt(n - HASH_HEX - 1) != '-') {
            return false;
        }
        for (int i = n - HASH_HEX; i < n; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(digest, 0, HASH_HEX / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /**
     * A one-line, printable form of an id for commit messages: control characters become {@code ?}, and it is
     * cut at 200 characters.
     *
     * @param id any id
     * @return the printable form
     */
    public static String printable(String id) {
        StringBuilder sb = new StringBuilder(Math.min(id.length(), 200));
        for (int i = 0; i < id.length() && sb.length() < 200; i++) {
            char c = id.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.length() < id.length() ? sb + "..." : sb.toString();
    }

    /**
     * @param path a path
     * @return the path quoted for a POSIX shell, for commands shown to the user
     */
    public static String shellQuote(String path) {
        if (!path.isEmpty()
                && path.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || "/._-+=:,@".indexOf(c) >= 0)) {
            return path;
        }
        return "'" + path.replace("'", "'\\''") + "'";
    }
}
