package io.prodigy.core.internal.interpolate;

import java.util.Arrays;

/**
 * A parsed variable path such as {@code item}, {@code map.total}, {@code item.tags[1]} or {@code 1}.
 *
 * <p>Grammar: the first segment is a shell-style name ({@code [A-Za-z_][A-Za-z0-9_]*}) or a run of digits
 * (a positional argument); then any number of {@code .segment} (letters, digits, {@code _} and {@code -}) or
 * {@code [index]} (decimal digits). A hyphen is never allowed in the first segment, so {@code ${x-default}}
 * stays a shell expansion. Anything else is not a path, and a {@code ${...}} holding it is left to the shell.
 *
 * <p>Parsed once per template; the flat-key prefixes used by {@link Variables} are precomputed.
 */
final class VariablePath {
    private static final int MAX_INDEX_DIGITS = 9;

    private final String text;
    /** Field name per segment, or null where the segment is an index. */
    private final String[] names;
    /** Array index per segment, or -1 where the segment is a name. */
    private final int[] indexes;
    /** prefixKeys[k] is the text of the first k + 1 segments, e.g. "a", "a.b", "a.b[0]". */
    private final String[] prefixKeys;

    private VariablePath(String text, String[] names, int[] indexes, String[] prefixKeys) {
        this.text = text;
        this.names = names;
        this.indexes = indexes;
        this.prefixKeys = prefixKeys;
    }

    /**
     * Parses a path.
     *
     * @param text the candidate path
     * @return the path, or null when {@code text} is not a valid variable path
     */
    static VariablePath parse(String text) {
        int n = text.length();
        if (n == 0) {
            return null;
        }
        String[] names = new String[4];
        int[] indexes = new int[4];
        int[] ends = new int[4];
        int count = 0;
        int i = 0;
        char first = text.charAt(0);
        if (isAsciiDigit(first)) {
            while (i < n && isAsciiDigit(text.charAt(i))) {
                i++;
            }
        } else if (isNameStart(first)) {
            i++;
            while (i < n && isNamePart(text.charAt(i))) {
                i++;
            }
        } else {
            return null;
        }
        names[0] = text.substring(0, i);
        indexes[0] = -1;
        ends[0] = i;
        count = 1;
        while (i < n) {
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                indexes = Arrays.copyOf(indexes, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            char c = text.charAt(i);
            if (c == '.') {
                int start = ++i;
                while (i < n && isFieldPart(text.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return null;
                }
                names[count] = text.substring(start, i);
                indexes[count] = -1;
            } else if (c == '[') {
                int start = ++i;
                while (i < n && isAsciiDigit(text.charAt(i))) {
                    i++;
                }
                if (i == start || i - start > MAX_INDEX_DIGITS || i >= n || text.charAt(i) != ']') {
                    return null;
                }
                indexes[count] = Integer.parseInt(text, start, i, 10);
                names[count] = null;
                i++;
            } else {
                return null;
            }
            ends[count] = i;
            count++;
        }
        String[] prefixKeys = new String[count];
        for (int k = 0; k < count - 1; k++) {
            prefixKeys[k] = text.substring(0, ends[k]);
        }
        prefixKeys[count - 1] = text;
        return new VariablePath(text, Arrays.copyOf(names, count), Arrays.copyOf(indexes, count), prefixKeys);
    }

    /**
     * A path of one plain name, for the short {@code $NAME} form (the caller has checked the syntax).
     */
    static VariablePath simple(String name) {
        return new VariablePath(name, new String[] {name}, new int[] {-1}, new String[] {name});
    }

    static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isNamePart(char c) {
        return isNameStart(c) || isAsciiDigit(c);
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isFieldPart(char c) {
        return isNamePart(c) || c == '-' || (c > 127 && Character.isLetterOrDigit(c));
    }

    /** @return the path as written */
    String text() {
        return text;
    }

    /** @return the number of segments (at least 1) */
    int size() {
        return names.length;
    }

    /** @return the field name of segment {@code i}, or null when it is an index */
    String name(int i) {
        return names[i];
    }

    /** @return the array index of segment {@code i}, or -1 when it is a name */
    int index(int i) {
        return indexes[i];
    }

    /** @return the text of the first {@code segments} segments, used as a flat variable name */
    String prefixKey(int segments) {
        return prefixKeys[segments - 1];
    }

    /** @return true when the path is one plain name, with no fields and no index */
    boolean isPlainName() {
        return names.length == 1;
    }

    @Override
    public String toString() {
        return text;
    }
}
