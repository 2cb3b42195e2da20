package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** The parsed form of an expression: {@link Predicate}s (true or false) over {@link Term}s (values). */
sealed interface Ast {

    /** A node that evaluates to true or false. */
    sealed interface Predicate extends Ast {}

    /** A node that evaluates to a JSON value (possibly missing). */
    sealed interface Term extends Ast {}

    /** {@code left || right}, {@code left OR right}. */
    record Or(Predicate left, Predicate right) implements Predicate {}

    /** {@code left && right}, {@code left AND right}. */
    record And(Predicate left, Predicate right) implements Predicate {}

    /** {@code !operand}, {@code NOT operand}. */
    record Not(Predicate operand) implements Predicate {}

    /** {@code left OP right} for one of the six comparison operators. */
    record Comparison(Term left, Operator operator, Term right) implements Predicate {}

    /**
     * {@code subject in [v1, v2]} or {@code subject not in [...]}.
     *
     * @param values literal elements: text, number, boolean or null nodes
     */
    record Membership(Term subject, List<JsonNode> values, boolean negated) implements Predicate {
        public Membership {
            values = List.copyOf(values);
        }
    }

    /** A value used as a condition: true when {@link JsonValues#truthy truthy}. */
    record Truthy(Term term) implements Predicate {}

    /** A literal string, number, boolean or null. */
    record Literal(JsonNode value) implements Term {}

    /**
     * A bare path such as {@code score} or {@code item.a.b}.
     *
     * @param valuePosition whether it stands where a value is expected (right of a comparison, later function
     *     arguments): filters read such a bare word as text, as upstream does ({@code severity == high})
     */
    record Field(Path path, boolean valuePosition) implements Term {}

    /**
     * A {@code ${name.path}} or {@code ${name.path:-default}} reference.
     *
     * @param fallback the text used when the variable is not defined, or {@code null} for none
     */
    record Variable(Path path, JsonNode fallback) implements Term {}

    /**
     * A call of a whitelisted function; the infix forms ({@code a contains 'x'}) parse to the same node.
     *
     * @param pattern the compiled regular expression of {@code matches}, otherwise {@code null}
     */
    record Call(Builtin function, List<Term> arguments, Pattern pattern) implements Term {
        public Call {
            Objects.requireNonNull(function, "function");
            arguments = List.copyOf(arguments);
        }
    }

    /** The comparison operators; {@code =} is an alias of {@code ==}. */
    enum Operator {
        EQ,
        NE,
        LT,
        LE,
        GT,
        GE
    }
}
