package io.prodigy.core.expr;

import io.prodigy.api.ExpressionException;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.core.internal.expr.Expression;
import io.prodigy.core.internal.expr.SortSpec;
import io.prodigy.core.internal.input.JsonPathQuery;
import java.util.Objects;

/**
 * Checks the text of a workflow's expressions with the engine's own parsers, without running anything: a loader
 * calls these while it reads a file and places the error it gets on the file's line and column.
 */
public final class ExpressionSyntax {
    private ExpressionSyntax() {}

    /**
     * Checks a {@code filter} or {@code when} expression.
     *
     * @param text the expression, e.g. {@code "severity in ['high', 'critical'] && score >= 5"}
     * @throws ExpressionException if it is not a valid expression; {@link ExpressionException#column()} points at
     *                             the problem (1-based, 0 when unknown) and {@link ExpressionException#reason()} says
     *                             what was found and what was expected
     * @throws NullPointerException if {@code text} is null
     */
    public static void checkExpression(String text) {
        Expression.parse(Objects.requireNonNull(text, "text"));
    }

    /**
     * Checks a {@code sort_by} specification such as {@code "score DESC NULLS LAST, name"}.
     *
     * @param text the specification
     * @throws ExpressionException if it is malformed (an empty text included), with its column and reason
     * @throws NullPointerException if {@code text} is null
     */
    public static void checkSortBy(String text) {
        SortSpec.parse(Objects.requireNonNull(text, "text"));
    }

    /**
     * Checks a {@code map.json_path} (Jayway JSONPath, without path functions). A blank path is valid: it is the
     * default extraction (a top-level array yields its elements, any other document is one item).
     *
     * @param path the path
     * @throws WorkflowDefinitionException if the path is malformed or uses a path function; the message quotes the
     *                                     path, says what is wrong and, where known, gives the column as
     *                                     {@code " at column N (map.json_path)"}
     * @throws NullPointerException if {@code path} is null
     */
    public static void checkJsonPath(String path) {
        JsonPathQuery.compile(Objects.requireNonNull(path, "path"));
    }
}
