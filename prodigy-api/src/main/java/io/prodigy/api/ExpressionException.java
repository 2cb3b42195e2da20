package io.prodigy.api;

/**
 * A {@code filter}, {@code sort_by} or {@code when} expression could not be parsed or evaluated.
 *
 * <p>The message shows the expression with a caret under the offending column, for example:
 * <pre>
 * unexpected token '&gt;=' at column 7, expected a value
 *   score &gt;= &gt;= 5
 *         ^
 * </pre>
 *
 * @since 0.1
 */
public class ExpressionException extends WorkflowDefinitionException {
    private static final long serialVersionUID = 1L;

    /** The full expression text. */
    private final String expression;
    /** The 1-based column of the problem, or 0 for the whole expression. */
    private final int column;
    /** What was wrong, without the caret rendering. */
    private final String reason;

    /**
     * @param expression the full expression text
     * @param column the 1-based column of the problem, or 0 when it concerns the whole expression
     * @param reason what was wrong and what was expected, without the caret rendering
     */
    public ExpressionException(String expression, int column, String reason) {
        super(render(expression, column, reason));
        this.expression = expression;
        this.column = column;
        this.reason = reason;
    }

    /** @return the full expression text */
    public String expression() {
        return expression;
    }

    /** @return the 1-based column of the problem, or 0 when it concerns the whole expression */
    public int column() {
        return column;
    }

    /** @return the reason without the expression and caret */
    public String reason() {
        return reason;
    }

    private static String render(String expression, int column, String reason) {
        StringBuilder sb = new StringBuilder(reason);
        if (column > 0) {
            sb.append(" at column ").append(column);
        }
        sb.append("\n  ").append(expression);
        if (column > 0) {
            sb.append("\n  ").append(" ".repeat(column - 1)).append('^');
        }
        return sb.toString();
    }
}
