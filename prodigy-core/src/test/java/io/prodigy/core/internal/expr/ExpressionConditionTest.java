package io.prodigy.core.internal.expr;

import static io.prodigy.core.internal.expr.Json.NO_VARIABLES;
import static io.prodigy.core.internal.expr.Json.json;
import static io.prodigy.core.internal.expr.Json.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Expression#test}: {@code when:} condition semantics over variables. */
class ExpressionConditionTest {

    private static final Function<String, JsonNode> VARS = strings(
            "count",
            "10",
            "small",
            "9",
            "ratio",
            "0.5",
            "env",
            "production",
            "flag",
            "true",
            "off",
            "FALSE",
            "zero",
            "0",
            "blank",
            "  ",
            "name",
            "alpha",
            "exit",
            "0\n",
            "one",
            "1.0",
            "map.total",
            "5",
            "build.success",
            "true",
            "result",
            "{\"data\": {\"status\": \"ok\", \"items\": [1, 2]}, \"exists\": false}",
            "list",
            "[\"a\", \"b\"]");

    private static boolean test(String expression) {
        return Expression.parse(expression).test(VARS);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "${count} == 10 :: true",
                "${count} == '10' :: true",
                "${count} = 10.0 :: true",
                "${count} != 10 :: false",
                "${count} > 9 :: true",
                "${count} >= 10 :: true",
                "${count} < 9 :: false",
                "${count} <= 10 :: true",
                "10 == ${count} :: true",
                "${ratio} < 1 :: true",
                "${exit} == 0 :: true",
                "${one} == 1 :: true",
                "${count} > ${small} :: true",
                "${small} < ${count} :: true",
                "${count} == ${small} :: false",
                "${one} == '1' :: false",
                "${name} > 5 :: false",
                "${name} == 5 :: false",
                "${name} >= 'alpha' :: true",
            })
    void numericStringsCompareAsNumbers(String expression, boolean expected) {
        assertThat(test(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "${flag} :: true",
                "${off} :: false",
                "${zero} :: false",
                "${blank} :: false",
                "${name} :: true",
                "${count} :: true",
                "${undefined} :: false",
                "!${off} :: true",
                "!${flag} :: false",
                "${flag} == true :: true",
                "${off} == false :: true",
                "${flag} != false :: true",
                "${name} == true :: false",
                "${flag} && ${count} :: true",
                "${flag} && ${zero} :: false",
                "${zero} || ${name} :: true",
            })
    void truthinessAndBooleanStrings(String expression, boolean expected) {
        assertThat(test(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "${undefined:-0} == 0 :: true",
                "${undefined:-3} > 2 :: true",
                "${count:-0} == 10 :: true",
                "${undefined:-production} == ${env} :: true",
                "${undefined:-} == '' :: true",
                "${undefined:-a b} == 'a b' :: true",
                "${result.data.status:-none} == 'ok' :: true",
                "${result.data.missing:-none} == 'none' :: true",
                "${undefined:-false} :: false",
                "${undefined:-yes} && ${flag} :: true",
            })
    void defaultsApplyOnlyWhenTheVariableIsUndefined(String expression, boolean expected) {
        assertThat(test(expression)).isEqualTo(expected);
    }

    @Test
    void truthinessOfJsonValues() {
        Function<String, JsonNode> vars = Json.variables("{t: true, f: false, n: 2, z: 0, d: 0.0, s: 'x',"
                + " nil: null, arr: [0], none: [], obj: {a: 1}, empty: {}}");
        List<String> truthy = new ArrayList<>();
        for (String name : List.of("t", "f", "n", "z", "d", "s", "nil", "arr", "none", "obj", "empty", "missing")) {
            if (Expression.parse("${" + name + "}").test(vars)) {
                truthy.add(name);
            }
        }
        assertThat(truthy).containsExactly("t", "n", "s", "arr", "obj");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "${name.exists} :: true",
                "${undefined.exists} :: false",
                "name.exists :: true",
                "undefined.exists :: false",
                "!${undefined.exists} :: true",
                "${result.exists} == false :: true",
                "${result.data.exists} :: true",
                "${result.data.nope.exists} :: false",
                "exists(name) :: true",
                "exists(undefined) :: false",
                "is_null(undefined) :: true",
                "is_not_null(name) :: true",
            })
    void existsTestsDefinedness(String expression, boolean expected) {
        assertThat(test(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "env == 'production' :: true",
                "map.total > 3 :: true",
                "${map.total} == 5 :: true",
                "build.success :: true",
                "${build.success} == true :: true",
                "${result.data.status} == 'ok' :: true",
                "result.data.items[1] == 2 :: true",
                "${list[0]} == 'a' :: true",
                "length(result.data.items, 2) :: true",
                "${result.data.items} contains 2 :: true",
                "${result.data.missing} == null :: true",
                "${name.first} == null :: true",
            })
    void barePathsAndFlatKeysResolveThroughVariables(String expression, boolean expected) {
        assertThat(test(expression)).isEqualTo(expected);
    }

    @Test
    void bareWordOnTheRightIsAVariableInConditions() {
        Function<String, JsonNode> vars = strings("env", "production", "prod", "production");
        assertThat(Expression.parse("${env} == prod").test(vars)).isTrue();
        assertThat(Expression.parse("${env} == staging").test(vars))
                .as("undefined variable is null")
                .isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "${undefined} == null :: true", "${undefined} != 'x' :: true", "${undefined} > 1 :: false",
                "${undefined} <= 1 :: false", "${undefined} == '' :: false", "${undefined} contains 'a' :: false",
            })
    void undefinedVariablesAreNull(String expression, boolean expected) {
        assertThat(test(expression)).isEqualTo(expected);
    }

    @Test
    void nullAndMissingNodeBothMeanUndefined() {
        Expression e = Expression.parse("${x.exists}");
        assertThat(e.test(name -> null)).isFalse();
        assertThat(e.test(name -> MissingNode.getInstance())).isFalse();
        assertThat(e.test(name -> "x".equals(name) ? json("null") : null))
                .as("a variable set to null is defined")
                .isTrue();
    }

    @Test
    void stringFunctionsSeeNumbersAsText() {
        Function<String, JsonNode> vars = Json.variables("{code: 404, version: '1.2.3', tags: ['1', '2']}");
        assertThat(Expression.parse("${code} starts_with '4'").test(vars)).isTrue();
        assertThat(Expression.parse("${code} matches '^4\\d\\d$'").test(vars)).isTrue();
        assertThat(Expression.parse("${version} ends_with 3").test(vars)).isTrue();
        assertThat(Expression.parse("${tags} contains 2").test(vars))
                .as("array membership coerces")
                .isTrue();
        assertThat(Expression.parse("${code} in [404, 500]").test(vars)).isTrue();
    }

    @Test
    void sameTextDiffersBetweenFilterAndCondition() {
        Expression e = Expression.parse("x == 5");
        assertThat(e.matches(json("{x: '5'}"), NO_VARIABLES))
                .as("filter: typed")
                .isFalse();
        assertThat(e.test(strings("x", "5"))).as("condition: coerced").isTrue();
        assertThat(e.test(NO_VARIABLES)).isFalse();
    }

    @Test
    void conditionsIgnoreTheItemPrefixRule() {
        Function<String, JsonNode> vars = strings("item.priority", "high");
        assertThat(Expression.parse("item.priority == 'high'").test(vars)).isTrue();
        assertThat(Expression.parse("${item.priority} == 'high'").test(vars)).isTrue();
    }
}
