package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.prodigy.api.ExpressionException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A parsed {@code filter} or {@code when} expression, compiled once and safe to share between threads.
 *
 * <pre>{@code
 * Expression high = Expression.parse("File.score >= 10 OR Function.unified_score.final_score >= 10");
 * items.stream().filter(item -> high.matches(item, variables::get));
 *
 * Expression when = Expression.parse("${tests.exit_code} == 0 && !${skip}");
 * if (when.test(variables::get)) { ... }
 * }</pre>
 *
 * <h2>Grammar</h2>
 * <ul>
 *   <li>Logic, loosest first: {@code ||} / {@code OR}, {@code &&} / {@code AND}, {@code !} / {@code NOT}; parentheses
 *       group. {@code NOT a == 1} means {@code NOT (a == 1)}. Keywords and function names are case-insensitive.</li>
 *   <li>Comparisons {@code == != < <= > >=}, with {@code =} an alias of {@code ==}.</li>
 *   <li>{@code x in [a, 'b', "c", 3, null]} and {@code x not in [...]}. Elements are literals; a bare word is text.
 *       Both sides compare as strings, as upstream does: a number in canonical form ({@code 3} matches {@code 3},
 *       {@code 3.0} and {@code '3'}, not {@code '3.0'}), a boolean as {@code true}/{@code false}. Null or missing
 *       is in the list only when the list holds {@code null}; {@code not in} is the exact negation.</li>
 *   <li>Infix {@code contains}, {@code starts_with}, {@code ends_with}, {@code matches}, and the functions
 *       {@code contains(f, v)}, {@code starts_with}, {@code ends_with}, {@code matches(f, 're')}, {@code is_null(f)},
 *       {@code is_not_null}, {@code is_number}, {@code is_string}, {@code is_bool}, {@code is_array},
 *       {@code is_object}, {@code exists(f)}, {@code length(f)} (a number) and {@code length(f, n)} (equal to n).
 *       {@code contains} tests membership on an array and a substring on a string. {@code matches} finds the Java
 *       regular expression anywhere in the string; the regex must be a quoted literal and is compiled here.
 *       {@code length} counts code points of a string, elements of an array, fields of an object.</li>
 *   <li>Values: {@code 'single'} or {@code "double"} quoted strings (escapes {@code \\ \' \" \n \r \t \}{@code uXXXX};
 *       other backslash pairs are kept, so {@code '\.rs$'} is the regex {@code \.rs$}), numbers ({@code -3},
 *       {@code 2.5}, {@code 1e3}), {@code true}, {@code false}, {@code null}.</li>
 *   <li>Paths: {@code a.b[0].c}, {@code a["x y"]}, {@code list[-1]} (from the end); {@code ${name.path}} for
 *       variables. A path ending in {@code .exists} tests whether its parent is defined, unless the parent has a
 *       field named {@code exists}.</li>
 * </ul>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Missing equals null: {@code f == null} is true when {@code f} is absent; {@code !=} is always the negation
 *       of {@code ==}. Ordering involving null, missing or unrelated types is false. Functions on a missing value
 *       are false, except {@code is_null}. {@code exists} is true for a present null.</li>
 *   <li>Numbers compare by value ({@code 1 == 1.0}); strings compare lexically; arrays and objects only by
 *       equality.</li>
 *   <li>Filters ({@link #matches}) are typed: {@code 5 != "5"}. Conditions ({@link #test}) coerce, because
 *       variables are usually strings: a numeric string compares numerically with a number (and with another
 *       numeric string when ordering: {@code "10" > "9"}), and {@code "true"}/{@code "false"} equal the booleans.</li>
 *   <li>A value used as a condition is truthy when it is true, a non-zero number, a non-empty array or object, or
 *       a string other than blank, {@code "0"} and {@code "false"} (any case).</li>
 * </ul>
 *
 * <p>Evaluation never throws on data: whatever the item holds, an expression is simply true or false.
 */
public final class Expression {
    private final String text;
    private final Compiler.Condition filter;
    private final Compiler.Condition condition;
    private final Set<String> filterVariables;

    private Expression(String text, Ast.Predicate ast) {
        this.text = text;
        this.filter = Compiler.compile(ast, Compiler.Mode.FILTER);
        this.condition = Compiler.compile(ast, Compiler.Mode.CONDITION);
        Set<String> names = new LinkedHashSet<>();
        collectFilterVariables(ast, names);
        this.filterVariables = Collections.unmodifiableSet(names);
    }

    /**
     * Parses and compiles an expression.
     *
     * @param text the expression, e.g. {@code "severity in ['high', 'critical'] && score >= 5"}
     * @return the compiled expression
     * @throws ExpressionException when the text is not a valid expression; its column points at the problem and its
     *     reason says what was found and what was expected (an unknown function names the closest valid one)
     * @throws NullPointerException when {@code text} is null
     */
    public static Expression parse(String text) {
        Objects.requireNonNull(text, "expression text");
        return new Expression(text, Parser.expression(text));
    }

    /**
     * Evaluates the expression as a MapReduce {@code filter} against one work item.
     *
     * <p>Bare paths are looked up on the item. A leading {@code item.} is the item itself unless the item has a
     * top-level field named {@code item}, so {@code item.score} and {@code score} both work; {@code ${item.x}} means
     * the same. A bare word where a value belongs is text, as upstream reads it: {@code severity == high} compares
     * with the string {@code "high"}; write {@code item.other} to compare with another field. Other
     * {@code ${name.path}} references are looked up through {@code variables}. Comparisons are typed.
     *
     * @param item the work item
     * @param variables returns a variable's value, or {@code null} or a {@link MissingNode} when it is undefined
     * @return whether the item passes the filter
     */
    public boolean matches(JsonNode item, Function<String, JsonNode> variables) {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(variables, "variables");
        return filter.test(item, variables);
    }

    /**
     * Evaluates the expression as a step {@code when} condition.
     *
     * <p>Both {@code ${name.path}} and bare paths are looked up through {@code variables}: the longest dotted prefix
     * that names a defined variable wins (a variable may be literally named {@code map.total}), the rest of the path
     * walks into its value, and a string value holding a JSON object or array is parsed for that walk. Numeric
     * strings compare as numbers, and a bare value is tested for truthiness.
     *
     * @param variables returns a variable's value, or {@code null} or a {@link MissingNode} when it is undefined
     * @return whether the condition holds
     */
    public boolean test(Function<String, JsonNode> variables) {
        Objects.requireNonNull(variables, "variables");
        return condition.test(MissingNode.getInstance(), variables);
    }

    /**
     * @return every name {@link #matches} may pass to its {@code variables} function, so a caller can look them up
     *     once before filtering many items
     */
    Set<String> filterVariables() {
        return filterVariables;
    }

    private static void collectFilterVariables(Ast node, Set<String> names) {
        if (node instanceof Ast.Or) {
            collectFilterVariables(((Ast.Or) node).left(), names);
            collectFilterVariables(((Ast.Or) node).right(), names);
        } else if (node instanceof Ast.And) {
            collectFilterVariables(((Ast.And) node).left(), names);
            collectFilterVariables(((Ast.And) node).right(), names);
        } else if (node instanceof Ast.Not) {
            collectFilterVariables(((Ast.Not) node).operand(), names);
        } else if (node instanceof Ast.Comparison) {
            collectFilterVariables(((Ast.Comparison) node).left(), names);
            collectFilterVariables(((Ast.Comparison) node).right(), names);
        } else if (node instanceof Ast.Membership) {
            collectFilterVariables(((Ast.Membership) node).subject(), names);
        } else if (node instanceof Ast.Truthy) {
            collectFilterVariables(((Ast.Truthy) node).term(), names);
        } else if (node instanceof Ast.Call) {
            for (Ast.Term argument : ((Ast.Call) node).arguments()) {
                collectFilterVariables(argument, names);
            }
        } else if (node instanceof Ast.Variable && !((Ast.Variable) node).path().startsWithItem()) {
            names.addAll(((Ast.Variable) node).path().variableNames());
        }
    }

    /** @return the expression as it was written */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
