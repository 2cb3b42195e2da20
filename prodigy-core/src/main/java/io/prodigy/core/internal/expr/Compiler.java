package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns an {@link Ast} into a tree of closures, once per expression and {@link Mode}. The closures are immutable and
 * stateless, so a compiled tree is safe to share between threads.
 */
final class Compiler {

    /** How bare names resolve and whether values are coerced. */
    enum Mode {
        /**
         * MapReduce {@code filter}: bare paths look up the item, and a bare word where a value belongs is text
         * ({@code severity == high}) unless it is qualified with {@code item.}; {@code ${item...}} also means the
         * item, other {@code ${...}} go through the variables. Comparisons are typed.
         */
        FILTER,
        /**
         * Step {@code when}: bare paths and {@code ${...}} both go through the variables, and numeric strings compare
         * as numbers.
         */
        CONDITION
    }

    /** A compiled predicate. {@code item} is {@link MissingNode} in {@link Mode#CONDITION}. */
    interface Condition {
        boolean test(JsonNode item, Function<String, JsonNode> variables);
    }

    /** A compiled term; never returns {@code null} (absence is {@link MissingNode}). */
    interface Operand {
        JsonNode evaluate(JsonNode item, Function<String, JsonNode> variables);
    }

    private final Mode mode;
    private final boolean coerce;

    private Compiler(Mode mode) {
        this.mode = mode;
        this.coerce = mode == Mode.CONDITION;
    }

    static Condition compile(Ast.Predicate predicate, Mode mode) {
        return new Compiler(mode).predicate(predicate);
    }

    private Condition predicate(Ast.Predicate p) {
        if (p instanceof Ast.Or) {
            Condition left = predicate(((Ast.Or) p).left());
            Condition right = predicate(((Ast.Or) p).right());
            return (item, vars) -> left.test(item, vars) || right.test(item, vars);
        }
        if (p instanceof Ast.And) {
            Condition left = predicate(((Ast.And) p).left());
            Condition right = predicate(((Ast.And) p).right());
            return (item, vars) -> left.test(item, vars) && right.test(item, vars);
        }
        if (p instanceof Ast.Not) {
            Condition operand = predicate(((Ast.Not) p).operand());
            return (item, vars) -> !operand.test(item, vars);
        }
        if (p instanceof Ast.Comparison) {
            return comparison((Ast.Comparison) p);
        }
        if (p instanceof Ast.Membership) {
            return membership((Ast.Membership) p);
        }
        Ast.Term term = ((Ast.Truthy) p).term();
        if (term instanceof Ast.Call && isPredicate(((Ast.Call) term).function())) {
            return call((Ast.Call) term);
        }
        Operand operand = term(term);
        return (item, vars) -> JsonValues.truthy(operand.evaluate(item, vars));
    }

    private Condition comparison(Ast.Comparison c) {
        Operand left = term(c.left());
        Operand right = term(c.right());
        boolean co = coerce;
        switch (c.operator()) {
            case EQ:
                return (item, vars) -> JsonValues.equal(left.evaluate(item, vars), right.evaluate(item, vars), co);
            case NE:
                return (item, vars) -> !JsonValues.equal(left.evaluate(item, vars), right.evaluate(item, vars), co);
            case LT:
                return (item, vars) -> {
                    int r = JsonValues.compare(left.evaluate(item, vars), right.evaluate(item, vars), co);
                    return r != JsonValues.INCOMPARABLE && r < 0;
                };
            case LE:
                return (item, vars) -> {
                    int r = JsonValues.compare(left.evaluate(item, vars), right.evaluate(item, vars), co);
                    return r != JsonValues.INCOMPARABLE && r <= 0;
                };
            case GT:
                return (item, vars) ->
                        JsonValues.compare(left.evaluate(item, vars), right.evaluate(item, vars), co) > 0;
            case GE:
                return (item, vars) ->
                        JsonValues.compare(left.evaluate(item, vars), right.evaluate(item, vars), co) >= 0;
            default:
                throw new IllegalStateException("unknown operator " + c.operator());
        }
    }

    private Condition membership(Ast.Membership m) {
        Operand subject = term(m.subject());
        Set<String> keys = new HashSet<>();
        boolean containsNull = false;
        for (JsonNode value : m.values()) {
            if (value.isNull()) {
                containsNull = true;
            } else {
                keys.add(JsonValues.membershipKey(value));
            }
        }
        boolean matchesAbsent = containsNull;
        boolean negated = m.negated();
        return (item, vars) -> {
            JsonNode v = subject.evaluate(item, vars);
            boolean in;
            if (JsonValues.isAbsent(v)) {
                in = matchesAbsent;
            } else {
                String key = JsonValues.membershipKey(v);
                in = key != null && keys.contains(key);
            }
            return in != negated;
        };
    }

    private Operand term(Ast.Term t) {
        if (t instanceof Ast.Literal) {
            JsonNode value = ((Ast.Literal) t).value();
            return (item, vars) -> value;
        }
        if (t instanceof Ast.Field) {
            Ast.Field field = (Ast.Field) t;
            Path path = field.path();
            if (mode == Mode.CONDITION) {
                return (item, vars) -> path.inVariables(vars);
            }
            if (field.valuePosition() && !path.isItemQualified()) {
                JsonNode word = TextNode.valueOf(path.text());
                return (item, vars) -> word;
            }
            return (item, vars) -> path.onItem(item);
        }
        if (t instanceof Ast.Variable) {
            Path path = ((Ast.Variable) t).path();
            JsonNode fallback = ((Ast.Variable) t).fallback();
            Operand lookup = mode == Mode.FILTER && path.startsWithItem()
                    ? (item, vars) -> path.onItem(item)
                    : (item, vars) -> path.inVariables(vars);
            if (fallback == null) {
                return lookup;
            }
            return (item, vars) -> {
                JsonNode value = lookup.evaluate(item, vars);
                return value == null || value.isMissingNode() ? fallback : value;
            };
        }
        Ast.Call call = (Ast.Call) t;
        if (call.function() == Builtin.LENGTH && call.arguments().size() == 1) {
            Operand subject = term(call.arguments().get(0));
            return (item, vars) -> length(subject.evaluate(item, vars));
        }
        Condition condition = call(call);
        return (item, vars) -> BooleanNode.valueOf(condition.test(item, vars));
    }

    private static boolean isPredicate(Builtin function) {
        return function != Builtin.LENGTH;
    }

    private Condition call(Ast.Call call) {
        List<Ast.Term> args = call.arguments();
        Operand subject = term(args.get(0));
        Operand second = args.size() > 1 ? term(args.get(1)) : null;
        boolean co = coerce;
        switch (call.function()) {
            case CONTAINS:
                return (item, vars) -> contains(subject.evaluate(item, vars), second.evaluate(item, vars), co);
            case STARTS_WITH:
                return (item, vars) -> {
                    String s = JsonValues.text(subject.evaluate(item, vars), co);
                    String prefix = s == null ? null : JsonValues.text(second.evaluate(item, vars), co);
                    return prefix != null && s.startsWith(prefix);
                };
            case ENDS_WITH:
                return (item, vars) -> {
                    String s = JsonValues.text(subject.evaluate(item, vars), co);
                    String suffix = s == null ? null : JsonValues.text(second.evaluate(item, vars), co);
                    return suffix != null && s.endsWith(suffix);
                };
            case MATCHES:
                Pattern pattern = call.pattern();
                return (item, vars) -> {
                    String s = JsonValues.text(subject.evaluate(item, vars), co);
                    return s != null && pattern.matcher(s).find();
                };
            case IS_NULL:
                return (item, vars) -> JsonValues.isAbsent(subject.evaluate(item, vars));
            case IS_NOT_NULL:
                return (item, vars) -> !JsonValues.isAbsent(subject.evaluate(item, vars));
            case IS_NUMBER:
                return (item, vars) -> subject.evaluate(item, vars).isNumber();
            case IS_STRING:
                return (item, vars) -> subject.evaluate(item, vars).isTextual();
            case IS_BOOL:
                return (item, vars) -> subject.evaluate(item, vars).isBoolean();
            case IS_ARRAY:
                return (item, vars) -> subject.evaluate(item, vars).isArray();
            case IS_OBJECT:
                return (item, vars) -> subject.evaluate(item, vars).isObject();
            case EXISTS:
                return (item, vars) -> !subject.evaluate(item, vars).isMissingNode();
            case LENGTH:
                return (item, vars) -> {
                    JsonNode length = length(subject.evaluate(item, vars));
                    return !length.isMissingNode() && JsonValues.equal(length, second.evaluate(item, vars), co);
                };
            default:
                throw new IllegalStateException("unknown function " + call.function());
        }
    }

    /** Arrays test membership (by {@link JsonValues#equal}); strings test for a substring. */
    private static boolean contains(JsonNode haystack, JsonNode needle, boolean coerce) {
        if (haystack.isArray()) {
            for (JsonNode element : haystack) {
                if (JsonValues.equal(element, needle, coerce)) {
                    return true;
                }
            }
            return false;
        }
        String s = JsonValues.text(haystack, coerce);
        String part = s == null ? null : JsonValues.text(needle, coerce);
        return part != null && s.contains(part);
    }

    /** @return the length in code points of a string, or the size of an array or object; otherwise missing */
    private static JsonNode length(JsonNode value) {
        if (value.isTextual()) {
            String s = value.textValue();
            return IntNode.valueOf(s.codePointCount(0, s.length()));
        }
        if (value.isContainerNode()) {
            return IntNode.valueOf(value.size());
        }
        return MissingNode.getInstance();
    }
}
