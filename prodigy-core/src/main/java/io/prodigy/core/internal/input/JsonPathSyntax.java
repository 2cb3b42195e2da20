package io.prodigy.core.internal.input;

import com.jayway.jsonpath.InvalidPathException;
import io.prodigy.api.WorkflowDefinitionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error reporting for {@code map.json_path}: turns Jayway's parse errors into messages with a caret under
 * the offending column, and catches the malformed paths Jayway accepts without complaint.
 */
final class JsonPathSyntax {

    /**
     * The position phrases in Jayway's messages, all 0-based: "starting at position 7", "on position 9",
     * "at position 3", ", error on position: 10, char: )" (relative to the filter text) and ". position: 2".
     */
    private static final Pattern POSITION =
            Pattern.compile("(?:,\\s*error)?\\s+(?:starting\\s+)?(?:on|at)\\s+position:?\\s*(\\d+)(?:,\\s*char:\\s*.)?"
                    + "|\\.?\\s*\\bposition:\\s*(\\d+)");

    private static final String FILTER_PREFIX = "Failed to parse filter: ";
    private static final String FIELD = " (map.json_path)";

    private JsonPathSyntax() {}

    /**
     * Describes a path Jayway refused.
     *
     * @param expression the path as given to Jayway (stripped)
     * @param e Jayway's error
     */
    static WorkflowDefinitionException fromJayway(String expression, InvalidPathException e) {
        Throwable cause = e.getCause();
        if (cause != null && !(cause instanceof InvalidPathException)) {
            // Jayway's tokenizer ran past the end of the text: "$.[", "$["
            return invalid(expression, expression.length(), "the path ends unexpectedly", e);
        }
        String message =
                e.getMessage() == null ? "invalid path" : e.getMessage().strip();
        if (message.startsWith("Path must not end with")) {
            return invalid(expression, expression.length() - 1, message, e);
        }
        Matcher matcher = POSITION.matcher(message);
        if (!matcher.find()) {
            return invalid(expression, -1, message, e);
        }
        int position = Integer.parseInt(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        int column = columnOf(expression, message, matcher.start(), position);
        String reason = (message.substring(0, matcher.start()) + message.substring(matcher.end())).strip();
        return invalid(expression, column, reason, e);
    }

    /**
     * Maps a Jayway position to a 0-based column of {@code expression}, or -1 when it cannot be placed.
     * Filter errors count from the start of the filter; Jayway puts "$." in front of paths that start with
     * neither {@code $} nor {@code @}.
     */
    private static int columnOf(String expression, String message, int positionPhraseStart, int position) {
        int column;
        if (message.startsWith(FILTER_PREFIX)) {
            String filter = message.substring(FILTER_PREFIX.length(), positionPhraseStart);
            int filterStart = expression.indexOf(filter);
            if (filterStart < 0) {
                return -1;
            }
            column = filterStart + position;
        } else {
            char first = expression.charAt(0);
            column = first == '$' || first == '@' ? position : position - 2;
        }
        return Math.max(0, Math.min(column, expression.length()));
    }

    /**
     * Refuses the malformed paths Jayway compiles anyway by dropping part of them: an unclosed bracket
     * ({@code $.items[}), text after a bracket ({@code $[?(@.a)]x}, {@code $.a[0]]}) and stray brackets in a
     * property name ({@code $.a]}).
     *
     * @param expression a stripped, non-empty path that Jayway has compiled
     * @throws WorkflowDefinitionException naming the column of the first problem
     */
    static void checkStructure(String expression) {
        int length = expression.length();
        char first = expression.charAt(0);
        int i;
        if (first == '$' || first == '@') {
            i = 1;
        } else if (first == '.' || first == '[') {
            i = 0;
        } else {
            i = skipName(expression, 0);
        }
        while (i < length) {
            char c = expression.charAt(i);
            if (c == '[') {
                i = skipBracket(expression, i);
            } else if (c == '.') {
                i += i + 1 < length && expression.charAt(i + 1) == '.' ? 2 : 1;
                if (i < length && expression.charAt(i) != '[') {
                    i = skipName(expression, i);
                }
            } else {
                throw invalid(
                        expression, i, "unexpected '" + c + "'; a ']' must be followed by '.', '..' or '['", null);
            }
        }
    }

    /** Skips a dot-notation property name starting at {@code start}; returns the index after it. */
    private static int skipName(String expression, int start) {
        int i = start;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '.' || c == '[') {
                break;
            }
            if (c == ']' || c == ')') {
                throw invalid(
                        expression,
                        i,
                        "unexpected '" + c + "' in a property name; write a name with"
                                + " special characters in brackets, as in ['name']",
                        null);
            }
            i++;
        }
        if (i == start) {
            throw invalid(expression, start, "expected a property name", null);
        }
        return i;
    }

    /**
     * Skips the bracket opened at {@code open}, with nested brackets, quoted strings and regular expressions
     * ({@code /re/}) inside; returns the index after its closing {@code ]}.
     */
    private static int skipBracket(String expression, int open) {
        int length = expression.length();
        int depth = 0;
        char quote = 0;
        for (int i = open; i < length; i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\'' || c == '"' || c == '/') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        throw invalid(expression, open, "'[' is never closed", null);
    }

    /**
     * Builds the error for an invalid path.
     *
     * @param expression the path
     * @param column the 0-based column of the problem, or -1 when unknown
     * @param reason what is wrong
     * @param cause the underlying error, or {@code null}
     */
    static WorkflowDefinitionException invalid(String expression, int column, String reason, Throwable cause) {
        StringBuilder message = new StringBuilder(96 + 2 * expression.length())
                .append("invalid json_path \"")
                .append(expression)
                .append("\": ")
                .append(reason);
        if (column >= 0) {
            message.append(" at column ")
                    .append(column + 1)
                    .append(FIELD)
                    .append("\n    ")
                    .append(expression)
                    .append("\n    ");
            for (int i = 0; i < column; i++) {
                // keep tabs so that the caret lines up with the path above it
                message.append(expression.charAt(i) == '\t' ? '\t' : ' ');
            }
            message.append('^');
        } else {
            message.append(FIELD);
        }
        return new WorkflowDefinitionException(message.toString(), cause);
    }
}
