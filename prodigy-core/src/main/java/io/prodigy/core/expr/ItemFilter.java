package io.prodigy.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.ExpressionException;
import io.prodigy.core.internal.expr.Expression;
import java.util.Objects;
import java.util.function.Function;

/**
 * A parsed {@code filter} / {@code when} expression. Immutable and thread-safe; parse once, evaluate many times.
 * Evaluation never throws on data: whatever an item holds, the expression is true or false.
 */
public final class ItemFilter {
    private final Expression expression;

    private ItemFilter(Expression expression) {
        this.expression = expression;
    }

    /**
     * @param text the expression, e.g. {@code "File.score >= 10 OR priority == 'high'"}
     * @return the parsed expression
     * @throws ExpressionException if the text is not a valid expression, with its column and reason
     * @throws NullPointerException if {@code text} is null
     */
    public static ItemFilter parse(String text) {
        return new ItemFilter(Expression.parse(Objects.requireNonNull(text, "text")));
    }

    /**
     * Evaluates the expression as a map {@code filter} against one work item: bare paths (and {@code item.path})
     * are looked up on the item, other {@code ${name}} references through {@code variables}.
     *
     * @param item the work item
     * @param variables returns a variable's value, or null or a missing node when it is undefined
     * @return whether the item passes
     * @throws NullPointerException if an argument is null
     */
    public boolean matches(JsonNode item, Function<String, JsonNode> variables) {
        return expression.matches(item, variables);
    }

    /**
     * Evaluates the expression as a step {@code when} condition: every path is looked up through
     * {@code variables}, and a bare value is tested for truthiness.
     *
     * @param variables returns a variable's value, or null or a missing node when it is undefined
     * @return whether the condition holds
     * @throws NullPointerException if {@code variables} is null
     */
    public boolean holds(Function<String, JsonNode> variables) {
        return expression.test(variables);
    }

    /** @return the expression as it was written */
    public String text() {
        return expression.text();
    }

    @Override
    public String toString() {
        return expression.text();
    }
}
