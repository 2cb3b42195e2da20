package io.prodigy.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.prodigy.api.ExpressionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parse errors: the exact column and a reason that says what was found and what was expected. */
class ExpressionErrorTest {

    private static ExpressionException error(String expression) {
        ExpressionException e = catchThrowableOfType(ExpressionException.class, () -> Expression.parse(expression));
        assertThat(e).as("parse error for %s", expression).isNotNull();
        assertThat(e.expression()).isEqualTo(expression);
        return e;
    }

    @ParameterizedTest(name = "[{0}] at column {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "score >= >= 5 :: 10 :: unexpected '>=', expected a value",
                "score >= :: 9 :: unexpected end of input, expected a value",
                "a == 1 AND :: 11 :: unexpected end of input, expected a value",
                "name == 'abc :: 9 :: unterminated string, expected a closing ' before end of input",
                "name == \"abc :: 9 :: unterminated string, expected a closing \" before end of input",
                "(a == 1 && b == 2 :: 1 :: unclosed '(', expected ')' before end of input",
                "((a == 1) || (b == 2) :: 1 :: unclosed '('",
                "(a == 1 b :: 9 :: unexpected 'b', expected AND, OR or ')' to close the '(' at column 1",
                "a == 1) :: 7 :: unexpected ')' without a matching '('",
                "a & b :: 3 :: unknown operator '&', did you mean '&&'?",
                "a | b :: 3 :: unknown operator '|', did you mean '||'?",
                "a => 1 :: 3 :: unknown operator '=>', did you mean '>='?",
                "a =< 1 :: 3 :: unknown operator '=<', did you mean '<='?",
                "a <> 1 :: 3 :: unknown operator '<>', did you mean '!='?",
                "a === 1 :: 3 :: unknown operator '===', did you mean '=='?",
                "a =~ 'x' :: 3 :: unknown operator '=~', did you mean 'matches'?",
                "a == 1 # c :: 8 :: unexpected character '#'",
                "${x:-1 == 1 :: 4 :: unclosed '${name:-default}', expected '}' after the default",
                "a : 1 :: 3 :: unexpected character ':'",
                "a == 1 b :: 8 :: unexpected 'b', expected AND, OR or end of input",
                "a == 1 ANDD b == 2 :: 8 :: unexpected 'ANDD', expected AND, OR or end of input; did you mean 'and'?",
                "a == 1 == 2 :: 8 :: unexpected '==', expected AND, OR or end of input",
                "a b :: 3 :: unexpected 'b', expected an operator (==, !=, <, <=, >, >=, in, contains, starts_with",
                "a contain 'x' :: 3 :: did you mean 'contains'?",
                "a not b :: 7 :: unexpected 'b', expected 'in' after 'not'",
                "a in 'x' :: 6 :: unexpected string 'x', expected '[' to start a list",
                "a in ['x', 'y' :: 6 :: unclosed '[', expected ']' before end of input",
                "a in ['x' 'y'] :: 11 :: unexpected string 'y', expected ',' or ']'",
                "a in ['x', ] :: 12 :: unexpected ']', expected a list element",
                "a in [${b}] :: 7 :: unexpected '${', expected a list element",
                "startswith(name, 'x') :: 1 :: unknown function 'startswith', did you mean 'starts_with'?",
                "x && is_nul(y) :: 6 :: unknown function 'is_nul', did you mean 'is_null'?",
                "frobnicate(y) :: 1 :: unknown function 'frobnicate', expected one of contains, starts_with",
                "is_null(a, b) :: 1 :: is_null takes 1 argument, found 2",
                "contains(a) :: 1 :: contains takes 2 arguments, found 1",
                "length() :: 1 :: length takes 1 or 2 arguments, found 0",
                "contains(a, 'x' :: 9 :: unclosed '(' of contains, expected ')' before end of input",
                "contains(a 'x') :: 12 :: unexpected string 'x', expected ',' or ')'",
                "path matches '[abc' :: 14 :: invalid regular expression: Unclosed character class",
                "matches(path, '(x') :: 15 :: invalid regular expression: Unclosed group",
                "matches(path, pattern) :: 15 :: matches needs a quoted regular expression, found 'pattern'",
                "path matches ${re} :: 14 :: matches needs a quoted regular expression, found '${'",
                "${x == 1 :: 5 :: unexpected '==', expected '}' to close the '${' at column 1",
                "${x :: 1 :: unclosed '${', expected '}' before end of input",
                "${} == 1 :: 3 :: unexpected '}', expected a variable name after '${'",
                "$x == 1 :: 1 :: unexpected '$', expected '${' to start a variable",
                "x == 1.2.3 :: 6 :: invalid number '1.2.3', quote text values: '1.2.3'",
                "x == 5abc :: 6 :: invalid number '5abc'",
                "a. b == 1 :: 3 :: expected a field name right after '.'",
                "a[x] == 1 :: 3 :: unexpected 'x', expected an array index such as [0]",
                "a[0 == 1 :: 5 :: unexpected '==', expected ']'",
                "a == 'x\\u12' :: 8 :: invalid unicode escape",
                "== 1 :: 1 :: unexpected '==', expected a value",
                "and == 1 :: 1 :: unexpected 'and', expected a value",
                "a == in :: 6 :: unexpected 'in', expected a value",
                "! :: 2 :: unexpected end of input, expected a value",
                "() :: 2 :: unexpected ')', expected a value",
                "java.lang.Runtime.getRuntime() :: 29 :: unexpected '(', expected AND, OR or end of input",
                "''.getClass() :: 3 :: unexpected '.', expected AND, OR or end of input",
            })
    void reportsTheColumnAndWhatWasExpected(String expression, int column, String reason) {
        ExpressionException e = error(expression);
        assertThat(e.column())
                .as("column of %s (reason: %s)", expression, e.reason())
                .isEqualTo(column);
        assertThat(e.reason()).contains(reason);
    }

    @Test
    void emptyExpressionIsAnError() {
        assertThat(error("").column()).isEqualTo(1);
        assertThat(error("   ").reason()).isEqualTo("empty expression, expected a condition such as score >= 5");
    }

    @Test
    void messageRendersACaretUnderTheColumn() {
        ExpressionException e = error("score >= >= 5");
        assertThat(e.getMessage())
                .isEqualTo("unexpected '>=', expected a value at column 10\n" + "  score >= >= 5\n" + "           ^");
        String[] lines = e.getMessage().split("\n");
        int caret = lines[2].indexOf('^');
        assertThat(lines[1].charAt(caret)).isEqualTo('>');
        assertThat(lines[1].substring(caret)).isEqualTo(">= 5");
    }

    @Test
    void caretPointsAtAnUnknownFunction() {
        ExpressionException e = error("score > 1 && lenght(tags, 2)");
        assertThat(e.reason()).isEqualTo("unknown function 'lenght', did you mean 'length'?");
        String[] lines = e.getMessage().split("\n");
        assertThat(lines[1].substring(lines[2].indexOf('^'))).startsWith("lenght(");
    }

    @Test
    void deepNestingIsRejectedInsteadOfOverflowingTheStack() {
        String deep = "(".repeat(200) + "a" + ")".repeat(200);
        assertThat(error(deep).column()).isEqualTo(129);
        String fine = "(".repeat(100) + "a == 1" + ")".repeat(100);
        assertThat(Expression.parse(fine).matches(Json.json("{a: 1}"), Json.NO_VARIABLES))
                .isTrue();
    }

    @Test
    void nullTextIsRejected() {
        assertThatThrownBy(() -> Expression.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
