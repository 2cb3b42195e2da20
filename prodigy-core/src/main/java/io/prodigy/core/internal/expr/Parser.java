package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.prodigy.api.ExpressionException;
import io.prodigy.core.internal.expr.Token.Kind;
import io.prodigy.core.text.Spelling;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser for expressions, sort specifications and standalone paths. Precedence, loosest first:
 * {@code OR}/{@code ||}, {@code AND}/{@code &&}, {@code NOT}/{@code !}, then one predicate (a comparison, an
 * {@code in} list, an infix function, or a bare value); parentheses group. Keywords are case-insensitive.
 */
final class Parser {
    private static final int MAX_DEPTH = 128;
    private static final String COMPARISON_OPERATORS =
            "==, !=, <, <=, >, >=, in, contains, starts_with, ends_with, " + "matches";

    private final String text;
    private final List<Token> tokens;
    private int index;
    private int depth;

    private Parser(String text) {
        this.text = text;
        this.tokens = Lexer.tokenize(text);
    }

    /** @throws ExpressionException with the column of the first problem */
    static Ast.Predicate expression(String text) {
        Parser parser = new Parser(text);
        if (parser.peek().is(Kind.END)) {
            throw new ExpressionException(text, 1, "empty expression, expected a condition such as score >= 5");
        }
        Ast.Predicate result = parser.or();
        Token rest = parser.peek();
        if (rest.is(Kind.RPAREN)) {
            throw parser.error(rest, "unexpected ')' without a matching '('");
        }
        if (!rest.is(Kind.END)) {
            throw parser.unexpected(rest, "AND, OR or end of input" + suggestion(rest, "and", "or"));
        }
        return result;
    }

    /** @throws ExpressionException with the column of the first problem */
    static List<SortSpec.Key> sortKeys(String text) {
        Parser parser = new Parser(text);
        if (parser.peek().is(Kind.END)) {
            throw new ExpressionException(
                    text, 1, "empty sort specification, expected a field path such as " + "score DESC");
        }
        List<SortSpec.Key> keys = new ArrayList<>();
        while (true) {
            Token first = parser.next();
            if (!first.is(Kind.WORD)) {
                throw parser.unexpected(first, "a field path");
            }
            Path path = parser.path(first);
            boolean descending = false;
            boolean nullsFirst = false;
            String expected = "ASC, DESC, NULLS FIRST, NULLS LAST, ',' or end of input";
            Token order = parser.peek();
            if (order.isWord("asc")
                    || order.isWord("ascending")
                    || order.isWord("desc")
                    || order.isWord("descending")) {
                parser.next();
                descending = order.value().toLowerCase(Locale.ROOT).startsWith("desc");
                expected = "NULLS FIRST, NULLS LAST, ',' or end of input";
            }
            if (parser.peek().isWord("nulls")) {
                parser.next();
                Token placement = parser.next();
                if (placement.isWord("first")) {
                    nullsFirst = true;
                } else if (!placement.isWord("last")) {
                    throw parser.unexpected(placement, "FIRST or LAST after NULLS");
                }
                expected = "',' or end of input";
            }
            keys.add(new SortSpec.Key(path, descending, nullsFirst));
            Token separator = parser.next();
            if (separator.is(Kind.END)) {
                return keys;
            }
            if (!separator.is(Kind.COMMA)) {
                throw parser.unexpected(separator, expected);
            }
        }
    }

    /** Parses a standalone field path such as {@code a.b[0]}. @throws ExpressionException when it is not one */
    static Path path(String text) {
        Parser parser = new Parser(text);
        Token first = parser.next();
        if (!first.is(Kind.WORD)) {
            throw parser.unexpected(first, "a field path such as id or a.b[0]");
        }
        Path path = parser.path(first);
        Token rest = parser.next();
        if (!rest.is(Kind.END)) {
            throw parser.unexpected(rest, "end of input after the field path");
        }
        return path;
    }

    // ---- expressions ----

    private Ast.Predicate or() {
        Ast.Predicate left = and();
        while (peek().is(Kind.OR) || peek().isWord("or")) {
            next();
            left = new Ast.Or(left, and());
        }
        return left;
    }

    private Ast.Predicate and() {
        Ast.Predicate left = unary();
        while (peek().is(Kind.AND) || peek().isWord("and")) {
            next();
            left = new Ast.And(left, unary());
        }
        return left;
    }

    private Ast.Predicate unary() {
        Token t = peek();
        if (t.is(Kind.NOT) || t.isWord("not")) {
            next();
            enter(t);
            Ast.Predicate operand = unary();
            depth--;
            return new Ast.Not(operand);
        }
        if (t.is(Kind.LPAREN)) {
            next();
            enter(t);
            Ast.Predicate inner = or();
            depth--;
            Token close = next();
            if (close.is(Kind.END)) {
                throw error(t, "unclosed '(', expected ')' before end of input");
            }
            if (!close.is(Kind.RPAREN)) {
                throw unexpected(
                        close,
                        "AND, OR or ')' to close the '(' at column " + t.column() + suggestion(close, "and", "or"));
            }
            return inner;
        }
        return predicate();
    }

    private Ast.Predicate predicate() {
        Token start = peek();
        Ast.Term left = term(false);
        Token op = peek();
        Ast.Operator operator = comparison(op);
        if (operator != null) {
            next();
            return new Ast.Comparison(left, operator, term(true));
        }
        if (op.isWord("in")) {
            next();
            return membership(left, false);
        }
        if (op.isWord("not")) {
            next();
            Token in = next();
            if (!in.isWord("in")) {
                throw unexpected(in, "'in' after 'not'");
            }
            return membership(left, true);
        }
        Builtin infix = infix(op);
        if (infix != null) {
            next();
            Token rightStart = peek();
            Ast.Term right = term(true);
            return new Ast.Truthy(call(infix, List.of(left, right), List.of(start, rightStart)));
        }
        boolean valueFollows = (op.is(Kind.WORD) && !op.isWord("and") && !op.isWord("or"))
                || op.is(Kind.STRING)
                || op.is(Kind.NUMBER)
                || op.is(Kind.VAR_OPEN);
        if (valueFollows) {
            throw unexpected(
                    op,
                    "an operator (" + COMPARISON_OPERATORS + "), AND, OR or end of input"
                            + suggestion(op, "and", "or", "in", "contains", "starts_with", "ends_with", "matches"));
        }
        return new Ast.Truthy(left);
    }

    private Ast.Term term(boolean valuePosition) {
        Token t = next();
        switch (t.kind()) {
            case STRING:
                return new Ast.Literal(TextNode.valueOf(t.value()));
            case NUMBER:
                return new Ast.Literal(JsonValues.numberLiteral(t.value()));
            case VAR_OPEN:
                return variable(t);
            case WORD:
                JsonNode keyword = keywordLiteral(t);
                if (keyword != null) {
                    return new Ast.Literal(keyword);
                }
                if (t.isWord("and") || t.isWord("or") || t.isWord("not") || t.isWord("in")) {
                    throw unexpected(t, "a value");
                }
                if (peek().is(Kind.LPAREN)) {
                    return functionCall(t);
                }
                return new Ast.Field(path(t), valuePosition);
            default:
                throw unexpected(t, "a value");
        }
    }

    private Ast.Term variable(Token open) {
        Token name = next();
        if (!name.is(Kind.WORD)) {
            throw name.is(Kind.END)
                    ? error(open, "unclosed '${', expected a variable name and '}'")
                    : unexpected(name, "a variable name after '${'");
        }
        Path path = path(name);
        JsonNode fallback = null;
        if (peek().is(Kind.DEFAULT)) {
            fallback = TextNode.valueOf(next().value());
        }
        Token close = next();
        if (close.is(Kind.END)) {
            throw error(open, "unclosed '${', expected '}' before end of input");
        }
        if (!close.is(Kind.RBRACE)) {
            throw unexpected(close, "'}' to close the '${' at column " + open.column());
        }
        return new Ast.Variable(path, fallback);
    }

    private Ast.Term functionCall(Token name) {
        Builtin function = Builtin.named(name.value());
        if (function == null) {
            Builtin closest = Builtin.closestTo(name.value());
            throw error(
                    name,
                    "unknown function '" + name.value() + "', "
                            + (closest != null
                                    ? "did you mean '" + closest.spelling() + "'?"
                                    : "expected one of " + Builtin.allSpellings()));
        }
        Token open = next();
        List<Ast.Term> arguments = new ArrayList<>();
        List<Token> starts = new ArrayList<>();
        if (peek().is(Kind.RPAREN)) {
            next();
        } else {
            while (true) {
                starts.add(peek());
                arguments.add(term(!arguments.isEmpty()));
                Token separator = next();
                if (separator.is(Kind.RPAREN)) {
                    break;
                }
                if (separator.is(Kind.END)) {
                    throw error(
                            open, "unclosed '(' of " + function.spelling() + ", expected ')' before end of " + "input");
                }
                if (!separator.is(Kind.COMMA)) {
                    throw unexpected(separator, "',' or ')'");
                }
            }
        }
        if (arguments.size() < function.minArguments() || arguments.size() > function.maxArguments()) {
            String expected = function.minArguments() == function.maxArguments()
                    ? function.minArguments() + (function.minArguments() == 1 ? " argument" : " arguments")
                    : function.minArguments() + " or " + function.maxArguments() + " arguments";
            throw error(name, function.spelling() + " takes " + expected + ", found " + arguments.size());
        }
        return call(function, arguments, starts);
    }

    private Ast.Call call(Builtin function, List<Ast.Term> arguments, List<Token> starts) {
        Pattern pattern = null;
        if (function == Builtin.MATCHES) {
            Token regex = starts.get(1);
            if (!(arguments.get(1) instanceof Ast.Literal) || !regex.is(Kind.STRING)) {
                throw error(regex, "matches needs a quoted regular expression, found " + regex.describe(text));
            }
            try {
                pattern = Pattern.compile(regex.value());
            } catch (PatternSyntaxException e) {
                throw error(
                        regex,
                        "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex() + " of '"
                                + e.getPattern() + "'");
            }
        }
        return new Ast.Call(function, arguments, pattern);
    }

    private Ast.Predicate membership(Ast.Term subject, boolean negated) {
        Token open = next();
        if (!open.is(Kind.LBRACKET)) {
            throw unexpected(open, "'[' to start a list such as ['a', 'b']");
        }
        List<JsonNode> values = new ArrayList<>();
        if (peek().is(Kind.RBRACKET)) {
            next();
            return new Ast.Membership(subject, values, negated);
        }
        while (true) {
            Token element = next();
            if (element.is(Kind.STRING)) {
                values.add(TextNode.valueOf(element.value()));
            } else if (element.is(Kind.NUMBER)) {
                values.add(JsonValues.numberLiteral(element.value()));
            } else if (element.is(Kind.WORD)) {
                JsonNode keyword = keywordLiteral(element);
                values.add(
                        keyword != null
                                ? keyword
                                : TextNode.valueOf(path(element).text()));
            } else if (element.is(Kind.END)) {
                throw error(open, "unclosed '[', expected ']' before end of input");
            } else {
                throw unexpected(element, "a list element (a string, number, true, false or null)");
            }
            Token separator = next();
            if (separator.is(Kind.RBRACKET)) {
                return new Ast.Membership(subject, values, negated);
            }
            if (separator.is(Kind.END)) {
                throw error(open, "unclosed '[', expected ']' before end of input");
            }
            if (!separator.is(Kind.COMMA)) {
                throw unexpected(separator, "',' or ']'");
            }
        }
    }

    // ---- paths ----

    /** Parses the rest of a path whose first name is {@code first}; its parts must not be separated by spaces. */
    private Path path(Token first) {
        List<String> names = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        names.add(first.value());
        indexes.add(0);
        Token last = first;
        while (peek().start() == last.end()) {
            Token t = peek();
            if (t.is(Kind.DOT)) {
                next();
                Token name = next();
                if (name.start() != t.end() || !(name.is(Kind.WORD) || isWholeNumber(name))) {
                    throw new ExpressionException(text, t.end() + 1, "expected a field name right after '.'");
                }
                names.add(name.value());
                indexes.add(0);
                last = name;
            } else if (t.is(Kind.LBRACKET)) {
                next();
                Token inside = next();
                if (inside.is(Kind.STRING)) {
                    names.add(inside.value());
                    indexes.add(0);
                } else if (isWholeNumber(inside)) {
                    names.add(null);
                    indexes.add(arrayIndex(inside));
                } else {
                    throw unexpected(inside, "an array index such as [0] or a quoted field name such as [\"x y\"]");
                }
                last = next();
                if (!last.is(Kind.RBRACKET)) {
                    throw unexpected(last, "']'");
                }
            } else {
                break;
            }
        }
        int[] indexArray = new int[indexes.size()];
        for (int i = 0; i < indexArray.length; i++) {
            indexArray[i] = indexes.get(i);
        }
        return new Path(text.substring(first.start(), last.end()), names.toArray(new String[0]), indexArray);
    }

    private int arrayIndex(Token t) {
        try {
            return Integer.parseInt(t.value());
        } catch (NumberFormatException e) {
            throw error(t, "array index " + t.value() + " is out of range");
        }
    }

    private static boolean isWholeNumber(Token t) {
        if (!t.is(Kind.NUMBER)) {
            return false;
        }
        String v = t.value();
        for (int i = v.startsWith("-") ? 1 : 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    // ---- tokens ----

    private static JsonNode keywordLiteral(Token t) {
        if (t.isWord("true")) {
            return BooleanNode.TRUE;
        }
        if (t.isWord("false")) {
            return BooleanNode.FALSE;
        }
        if (t.isWord("null")) {
            return NullNode.getInstance();
        }
        return null;
    }

    private static Ast.Operator comparison(Token t) {
        switch (t.kind()) {
            case EQ:
                return Ast.Operator.EQ;
            case NE:
                return Ast.Operator.NE;
            case LT:
                return Ast.Operator.LT;
            case LE:
                return Ast.Operator.LE;
            case GT:
                return Ast.Operator.GT;
            case GE:
                return Ast.Operator.GE;
            default:
                return null;
        }
    }

    private static Builtin infix(Token t) {
        if (t.isWord("contains")) {
            return Builtin.CONTAINS;
        }
        if (t.isWord("starts_with")) {
            return Builtin.STARTS_WITH;
        }
        if (t.isWord("ends_with")) {
            return Builtin.ENDS_WITH;
        }
        if (t.isWord("matches")) {
            return Builtin.MATCHES;
        }
        return null;
    }

    /** @return {@code ", did you mean 'x'?"} when {@code t} is a word close to one of {@code candidates}, else "" */
    private static String suggestion(Token t, String... candidates) {
        if (!t.is(Kind.WORD)) {
            return "";
        }
        String word = t.value().toLowerCase(Locale.ROOT);
        int allowed = word.length() <= 4 ? 1 : 2;
        for (String candidate : candidates) {
            if (Spelling.distance(word, candidate) <= allowed) {
                return "; did you mean '" + candidate + "'?";
            }
        }
        return "";
    }

    private void enter(Token t) {
        if (++depth > MAX_DEPTH) {
            throw error(t, "expression is nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    private Token peek() {
        return tokens.get(index);
    }

    private Token next() {
        Token t = tokens.get(index);
        if (!t.is(Kind.END)) {
            index++;
        }
        return t;
    }

    private ExpressionException unexpected(Token t, String expected) {
        return error(t, "unexpected " + t.describe(text) + ", expected " + expected);
    }

    private ExpressionException error(Token t, String reason) {
        return new ExpressionException(text, t.column(), reason);
    }
}
