package io.prodigy.core.internal.interpolate;

/**
 * Quotes text for POSIX {@code sh} so that it reaches a command as one literal word.
 *
 * <p>The forms used by the {@link Interpolator} for each place a value can stand in a command are here too:
 * bare (a complete single-quoted word), inside {@code '...'}, inside {@code "..."} and inside an unquoted
 * here-document body.
 */
public final class ShellQuoting {
    private ShellQuoting() {}

    /**
     * Quotes a value as one shell word: wrapped in single quotes, each {@code '} written as {@code '\''}.
     * The empty string becomes {@code ''}. Newlines and any other characters are kept as they are.
     *
     * @param value the text to quote
     * @return a shell word that expands to exactly {@code value}
     */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        appendQuoted(out, value);
        return out.toString();
    }

    /** Appends {@code value} as a complete single-quoted word. */
    static void appendQuoted(StringBuilder out, String value) {
        out.append('\'');
        appendInsideSingleQuotes(out, value);
        out.append('\'');
    }

    /** Appends {@code value} where a single-quoted string is open: each quote closes, escapes and reopens. */
    static void appendInsideSingleQuotes(StringBuilder out, String value) {
        int from = 0;
        int quote = value.indexOf('\'');
        if (quote < 0) {
            out.append(value);
            return;
        }
        while (quote >= 0) {
            out.append(value, from, quote).append("'\\''");
            from = quote + 1;
            quote = value.indexOf('\'', from);
        }
        out.append(value, from, value.length());
    }

    /** Appends {@code value} where a double-quoted string is open: {@code \ " $ `} get a backslash. */
    static void appendInsideDoubleQuotes(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    /**
     * Appends {@code value} inside the body of a here-document with an unquoted delimiter, where {@code \ $ `}
     * are special and quotes are literal.
     */
    static void appendInsideHereDocument(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
    }
}
