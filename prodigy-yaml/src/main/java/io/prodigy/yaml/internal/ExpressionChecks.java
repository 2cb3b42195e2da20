package io.prodigy.yaml.internal;

import io.prodigy.api.ExpressionException;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.core.expr.ExpressionSyntax;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@code filter}, {@code when}, {@code sort_by} and {@code json_path} values while a file is loaded, with the
 * engine's own parsers, and places an error on its line and column inside the file.
 */
final class ExpressionChecks {
    private static final Pattern JSON_PATH_COLUMN = Pattern.compile(" at column (\\d+) \\(map\\.json_path\\)");

    private ExpressionChecks() {}

    /** Checks a {@code filter} or {@code when} expression. @return whether it is valid */
    static boolean expression(Node node, String text, String path, String what, Diagnostics d) {
        try {
            ExpressionSyntax.checkExpression(text);
            return true;
        } catch (ExpressionException e) {
            report(node, text, e, path, "invalid " + what + " expression: ", d);
            return false;
        }
    }

    /** Checks a {@code sort_by} specification. @return whether it is valid */
    static boolean sort(Node node, String text, String path, Diagnostics d) {
        try {
            ExpressionSyntax.checkSortBy(text);
            return true;
        } catch (ExpressionException e) {
            report(node, text, e, path, "invalid sort_by: ", d);
            return false;
        }
    }

    /** Checks a {@code json_path}. @return whether it is valid */
    static boolean jsonPath(Node node, String text, String path, Diagnostics d) {
        try {
            ExpressionSyntax.checkJsonPath(text);
            return true;
        } catch (WorkflowDefinitionException e) {
            String message = e.getMessage();
            Matcher m = JSON_PATH_COLUMN.matcher(message);
            Location at = node.location();
            if (m.find()) {
                int lead = text.length() - text.stripLeading().length();
                at = locate(node, Integer.parseInt(m.group(1)) + lead, d);
                message = message.substring(0, m.start()) + " (column " + (Integer.parseInt(m.group(1)) + lead)
                        + " of the path)" + message.substring(m.end());
            }
            d.error(at, path, message);
            return false;
        }
    }

    private static void report(
            Node node, String text, ExpressionException e, String path, String prefix, Diagnostics d) {
        Location at = e.column() > 0 ? locate(node, e.column(), d) : node.location();
        StringBuilder sb = new StringBuilder(prefix).append(e.reason());
        if (e.column() > 0) {
            sb.append(" (column ").append(e.column()).append(" of the expression)");
        }
        sb.append("\n    ").append(text.replace("\n", " "));
        if (e.column() > 0) {
            sb.append("\n    ").append(" ".repeat(e.column() - 1)).append('^');
        }
        d.error(at, path, sb.toString());
    }

    /**
     * Places a 1-based column of a scalar's text on the line and column of the file, undoing YAML quoting; falls
     * back to the scalar's own position where the text spans lines in a way that cannot be followed.
     */
    static Location locate(Node node, int column, Diagnostics d) {
        if (!(node instanceof ScalarNode)) {
            return node.location();
        }
        ScalarNode s = (ScalarNode) node;
        Location start = s.location();
        SourceText src = d.source(start.source());
        if (src == null || start.line() == 0) {
            return start;
        }
        String text = s.text();
        int index = column - 1;
        if (index < 0 || index > text.length()) {
            return start;
        }
        switch (s.style()) {
            case PLAIN:
                return text.indexOf('\n') < 0 ? start.shifted(index) : start;
            case SINGLE_QUOTED:
            case DOUBLE_QUOTED:
                return text.indexOf('\n') < 0
                        ? quoted(src, start, index, s.style() == ScalarNode.Style.DOUBLE_QUOTED)
                        : start;
            case LITERAL:
                return literal(src, start, text, index);
            case FOLDED:
            default:
                return start;
        }
    }

    private static Location quoted(SourceText src, Location start, int index, boolean dbl) {
        String line = src.line(start.line());
        int raw = start.column(); // 0-based index of the first character after the quote
        int decoded = 0;
        while (decoded < index && raw < line.length()) {
            char c = line.charAt(raw);
            if (!dbl && c == '\'' && raw + 1 < line.length() && line.charAt(raw + 1) == '\'') {
                raw += 2;
            } else if (dbl && c == '\\' && raw + 1 < line.length()) {
                char e = line.charAt(raw + 1);
                raw += e == 'x' ? 4 : e == 'u' ? 6 : e == 'U' ? 10 : 2;
            } else {
                raw++;
            }
            decoded++;
        }
        return new Location(start.source(), start.line(), raw + 1);
    }

    private static Location literal(SourceText src, Location start, String text, int index) {
        int lineInText = 0;
        int lineStart = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                lineInText++;
                lineStart = i + 1;
            }
        }
        int fileLine = start.line() + 1 + lineInText;
        String line = src.line(fileLine);
        String textLine = text.substring(
                lineStart,
                Math.max(lineStart, text.indexOf('\n', lineStart) < 0 ? text.length() : text.indexOf('\n', lineStart)));
        int indent = line.endsWith(textLine) ? line.length() - textLine.length() : -1;
        if (indent < 0) {
            return start;
        }
        return new Location(start.source(), fileLine, indent + (index - lineStart) + 1);
    }
}
