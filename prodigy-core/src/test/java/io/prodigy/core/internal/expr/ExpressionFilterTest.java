package io.prodigy.core.internal.expr;

import static io.prodigy.core.internal.expr.Json.NO_VARIABLES;
import static io.prodigy.core.internal.expr.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Expression#matches}: filter semantics over work items. */
class ExpressionFilterTest {

    private static final JsonNode ITEM = json("{"
            + "id: 7, score: 5, ratio: 0.5, name: 'alpha', severity: 'high', active: true, nothing: null,"
            + "tags: ['fast', 'db', 3], meta: {owner: 'ana', 'x y': 1, counts: [10, 20, 30]},"
            + "empty: '', path: 'src/lib.rs', big: 9007199254740993}");

    private static boolean matches(String expression, JsonNode item) {
        return Expression.parse(expression).matches(item, NO_VARIABLES);
    }

    private static boolean matches(String expression) {
        return matches(expression, ITEM);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "score == 5 :: true",
                "score = 5 :: true",
                "score == 6 :: false",
                "score != 6 :: true",
                "score != 5 :: false",
                "score > 4 :: true",
                "score > 5 :: false",
                "score >= 5 :: true",
                "score >= 6 :: false",
                "score < 6 :: true",
                "score < 5 :: false",
                "score <= 5 :: true",
                "score <= 4 :: false",
                "ratio == 0.5 :: true",
                "ratio < 1 :: true",
                "ratio > -1 :: true",
                "score == 5.0 :: true",
                "score == 5e0 :: true",
                "name == 'alpha' :: true",
                "name == \"alpha\" :: true",
                "name < 'beta' :: true",
                "name > 'Zeta' :: true",
                "name >= 'alpha' :: true",
                "active == true :: true",
                "active != false :: true",
            })
    void comparesNumbersStringsAndBooleans(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "score == '5' :: false",
                "score != '5' :: true",
                "name == 5 :: false",
                "score > '4' :: false",
                "name > 4 :: false",
                "active == 'true' :: false",
                "active > false :: false",
                "meta > 1 :: false",
                "big == 9007199254740992 :: false",
                "big > 9007199254740992 :: true",
                "big == 9007199254740993 :: true",
                "big == 9007199254740992.0 :: false",
                "big > 9007199254740992.0 :: true",
                "ratio == 0.50000 :: true",
            })
    void comparisonsAreTypedAndExact(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "missing == null :: true",
                "nothing == null :: true",
                "missing != null :: false",
                "nothing != null :: false",
                "score == null :: false",
                "score != null :: true",
                "missing != 5 :: true",
                "missing == 5 :: false",
                "missing == item.nothing :: true",
                "missing < 5 :: false",
                "missing >= 0 :: false",
                "nothing <= 0 :: false",
                "missing > 'a' :: false",
                "missing.deeper.still == null :: true",
                "name.first == null :: true",
                "!(missing > 5) :: true",
            })
    void missingEqualsNullAndNeverOrders(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "score == 5 && name == 'alpha' :: true",
                "score == 5 AND name == 'beta' :: false",
                "score == 5 and name == 'alpha' :: true",
                "score == 5 And name == 'alpha' :: true",
                "score == 6 || name == 'alpha' :: true",
                "score == 6 OR name == 'beta' :: false",
                "score == 6 or name == 'alpha' :: true",
                "score == 6 Or name == 'alpha' :: true",
                "!(score == 5) :: false",
                "NOT score == 6 :: true",
                "not score == 5 :: false",
                "Not score == 6 :: true",
                "!!(score == 5) :: true",
                "NOT NOT score == 5 :: true",
            })
    void logicalOperatorsInEverySpelling(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @Test
    void andBindsTighterThanOrAndNotTighterThanBoth() {
        JsonNode item = json("{a: 1, b: 0, c: 0}");
        assertThat(matches("a == 1 OR b == 1 AND c == 1", item)).isTrue();
        assertThat(matches("(a == 1 OR b == 1) AND c == 1", item)).isFalse();
        assertThat(matches("b == 1 AND c == 1 OR a == 1", item)).isTrue();
        assertThat(matches("NOT a == 1 OR c == 0", item))
                .as("NOT applies to one comparison")
                .isTrue();
        assertThat(matches("NOT (a == 1 OR c == 0)", item)).isFalse();
        assertThat(matches("!(a == 0) && !(b == 1 || c == 1)", item)).isTrue();
        assertThat(matches("((((a == 1))))", item)).isTrue();
    }

    @Test
    void logicShortCircuits() {
        // The right-hand sides read a variable, so the lookup count shows whether they were evaluated.
        int[] lookups = {0};
        Function<String, JsonNode> counting = name -> {
            lookups[0]++;
            return json("1");
        };
        Expression.parse("score == 5 || ${x} == 1").matches(ITEM, counting);
        Expression.parse("score == 6 && ${x} == 1").matches(ITEM, counting);
        assertThat(lookups[0]).isZero();
        assertThat(Expression.parse("score == 5 && ${x} == 1").matches(ITEM, counting))
                .isTrue();
        assertThat(lookups[0]).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "severity in ['high', 'critical'] :: true",
                "severity in [\"low\", \"medium\"] :: false",
                "severity in [high, critical] :: true",
                "severity IN ['high'] :: true",
                "severity in [] :: false",
                "severity not in ['low'] :: true",
                "severity NOT IN ['high'] :: false",
                "score in [3, 5] :: true",
                "score in ['5'] :: true",
                "score in [5.0] :: true",
                "score in ['5.0'] :: false",
                "ratio in [0.50] :: true",
                "ratio in ['0.5'] :: true",
                "active in [true] :: true",
                "active in ['true'] :: true",
                "missing in ['a'] :: false",
                "missing not in ['a'] :: true",
                "missing in [null, 'a'] :: true",
                "nothing in [null] :: true",
                "tags in ['fast'] :: false",
            })
    void inComparesAsStrings(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @Test
    void inTreatsANumericStringFieldLikeUpstream() {
        assertThat(matches("code in [3]", json("{code: '3'}"))).isTrue();
        assertThat(matches("code in [3]", json("{code: 3}"))).isTrue();
        assertThat(matches("code in ['3']", json("{code: 3}"))).isTrue();
        assertThat(matches("code in [4, '5']", json("{code: 3}"))).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "name contains 'lph' :: true",
                "name contains 'xyz' :: false",
                "contains(name, 'alp') :: true",
                "tags contains 'db' :: true",
                "tags contains 'slow' :: false",
                "tags contains 3 :: true",
                "tags contains '3' :: false",
                "contains(tags, 'fast') :: true",
                "meta contains 'owner' :: false",
                "missing contains 'a' :: false",
                "score contains '5' :: false",
                "name starts_with 'al' :: true",
                "name starts_with 'ph' :: false",
                "starts_with(name, 'alpha') :: true",
                "name ends_with 'pha' :: true",
                "ends_with(name, 'al') :: false",
                "missing ends_with '' :: false",
                "name STARTS_WITH 'al' :: true",
                "CONTAINS(name, 'a') :: true",
            })
    void stringAndArrayFunctions(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @Test
    void regexIsCompiledOnceAndFoundAnywhere() {
        assertThat(matches("path matches '\\\\.rs$'")).as("escaped backslash").isTrue();
        assertThat(matches("path matches '\\.rs$'")).as("single backslash kept").isTrue();
        assertThat(matches("path matches 'lib'")).isTrue();
        assertThat(matches("path matches '^lib'")).isFalse();
        assertThat(matches("matches(path, '^src/.*\\.rs$')")).isTrue();
        assertThat(matches("matches(name, '\\d+')")).isFalse();
        assertThat(matches("score matches '5'"))
                .as("numbers are not text in filters")
                .isFalse();
        assertThat(matches("missing matches '.*'")).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "is_null(missing) :: true",
                "is_null(nothing) :: true",
                "is_null(score) :: false",
                "is_not_null(score) :: true",
                "is_not_null(missing) :: false",
                "is_not_null(nothing) :: false",
                "is_number(score) :: true",
                "is_number(ratio) :: true",
                "is_number(name) :: false",
                "is_number(missing) :: false",
                "is_string(name) :: true",
                "is_string(score) :: false",
                "is_bool(active) :: true",
                "is_bool(nothing) :: false",
                "is_array(tags) :: true",
                "is_array(meta) :: false",
                "is_object(meta) :: true",
                "is_object(missing) :: false",
                "exists(score) :: true",
                "exists(nothing) :: true",
                "exists(missing) :: false",
                "length(name, 5) :: true",
                "length(name, 4) :: false",
                "length(tags, 3) :: true",
                "length(meta, 3) :: true",
                "length(empty, 0) :: true",
                "length(score, 1) :: false",
                "length(missing, 0) :: false",
                "length(tags) > 2 :: true",
                "length(tags) == 3.0 :: true",
                "length(name) < 5 :: false",
                "is_null(missing) == true :: true",
                "!is_null(score) :: true",
                "IS_NULL(missing) :: true",
            })
    void typeNullLengthAndExistsFunctions(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @Test
    void lengthCountsCodePoints() {
        assertThat(matches("length(s, 3)", json("{s: 'a\uD83D\uDE00b'}"))).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "meta.owner == 'ana' :: true", "meta[\"x y\"] == 1 :: true", "meta['x y'] == 1 :: true",
                "meta.counts[0] == 10 :: true", "meta.counts[2] == 30 :: true", "meta.counts[3] == null :: true",
                "meta.counts[-1] == 30 :: true", "meta.counts[-3] == 10 :: true", "meta.counts[-4] == null :: true",
                "tags[0] == 'fast' :: true", "name[0] == null :: true", "meta.counts.x == null :: true",
            })
    void pathsWalkObjectsAndArrays(String expression, boolean expected) {
        assertThat(matches(expression)).isEqualTo(expected);
    }

    @Test
    void namesMayContainHyphensAndKeywords() {
        JsonNode item = json("{'file-name': 'a.rs', in: 1, matches: 'x'}");
        assertThat(matches("file-name == 'a.rs'", item)).isTrue();
        assertThat(matches("item.in == 1", item)).isTrue();
        assertThat(matches("matches == 'x'", item)).isTrue();
    }

    @Test
    void itemPrefixIsOptionalUnlessTheItemHasAnItemField() {
        JsonNode plain = json("{priority: 'high', score: 3}");
        assertThat(matches("item.priority == 'high'", plain)).isTrue();
        assertThat(matches("priority == 'high'", plain)).isTrue();
        assertThat(matches("${item.priority} == 'high'", plain)).isTrue();
        assertThat(matches("is_object(item)", plain))
                .as("bare item is the item")
                .isTrue();

        JsonNode wrapped = json("{item: {priority: 'low'}, priority: 'high'}");
        assertThat(matches("item.priority == 'low'", wrapped))
                .as("a real item field wins")
                .isTrue();
        assertThat(matches("priority == 'high'", wrapped)).isTrue();

        JsonNode line = json("{item: 'src/main.rs'}");
        assertThat(matches("item ends_with '.rs'", line))
                .as("command input lines")
                .isTrue();

        JsonNode text = json("'just text'");
        assertThat(matches("item == 'just text'", text)).isTrue();
    }

    @Test
    void bareWordOnTheRightIsTextInFilters() {
        assertThat(matches("severity == high")).isTrue();
        assertThat(matches("severity != high")).isFalse();
        assertThat(matches("name == alpha.beta", json("{name: 'alpha.beta'}"))).isTrue();
        assertThat(matches("name starts_with al")).isTrue();
        assertThat(matches("contains(tags, db)")).isTrue();
    }

    @Test
    void itemQualifiedPathOnTheRightIsAField() {
        JsonNode item = json("{a: 3, b: 3, c: 4, label: 'b'}");
        assertThat(matches("a == item.b", item)).isTrue();
        assertThat(matches("a < item.c", item)).isTrue();
        assertThat(matches("label == b", item)).as("unqualified: the text 'b'").isTrue();
        assertThat(matches("a == b", item))
                .as("unqualified: the text 'b', not field b")
                .isFalse();
    }

    @Test
    void variablesResolveThroughTheFunction() {
        Function<String, JsonNode> vars = Json.variables("{min: 4, wanted: 'alpha', limits: {max: 6}}");
        Expression e = Expression.parse("score >= ${min} && score <= ${limits.max} && name == ${wanted}");
        assertThat(e.matches(ITEM, vars)).isTrue();
        assertThat(e.matches(json("{score: 7, name: 'alpha'}"), vars)).isFalse();
        assertThat(Expression.parse("score > ${undefined}").matches(ITEM, vars)).isFalse();
        assertThat(Expression.parse("${undefined} == null").matches(ITEM, vars)).isTrue();
        assertThat(Expression.parse("${ min } == 4").matches(ITEM, vars))
                .as("spaces inside ${ }")
                .isTrue();
        assertThat(Expression.parse("score == ${min}").matches(ITEM, name -> MissingNode.getInstance()))
                .isFalse();
    }

    @Test
    void literalsAndEscapes() {
        JsonNode item = json("{s: \"it's \\\"quoted\\\"\\n\", e: '\u00e9', n: -2.5, t: true, z: null}");
        assertThat(matches("s == 'it\\'s \"quoted\"\\n'", item)).isTrue();
        assertThat(matches("s == \"it's \\\"quoted\\\"\\n\"", item)).isTrue();
        assertThat(matches("e == '\\u00e9'", item)).isTrue();
        assertThat(matches("n == -2.5 && n < -2 && n > -3", item)).isTrue();
        assertThat(matches("t == TRUE && z == NULL && t != False", item)).isTrue();
        assertThat(matches("true")).isTrue();
        assertThat(matches("false || null")).isFalse();
    }

    @Test
    void bareValuesAreTruthy() {
        JsonNode item = json("{t: true, f: false, one: 1, zero: 0, s: 'x', blank: '', no: 'False', z: '0',"
                + " list: [1], none: [], obj: {a: 1}, nil: null}");
        List<String> truthy =
                List.of("t", "f", "one", "zero", "s", "blank", "no", "z", "list", "none", "obj", "nil", "missing")
                        .stream()
                        .filter(name -> matches(name, item))
                        .collect(Collectors.toList());
        assertThat(truthy).containsExactly("t", "one", "s", "list", "obj");
    }

    @Test
    void nestedStructuresCompareDeeplyWithNumbersByValue() {
        JsonNode item = json("{a: {x: [1, 2.0]}, b: {x: [1.0, 2]}, c: {x: [1, 3]}}");
        assertThat(matches("a == item.b", item)).isTrue();
        assertThat(matches("a == item.c", item)).isFalse();
    }

    @Test
    void upstreamDebtmapFilter() {
        Expression e = Expression.parse("File.score >= 10 OR Function.unified_score.final_score >= 10");
        JsonNode hotFile = json("{File: {path: 'src/big.rs', score: 42.5, metrics: {lines: 900}}}");
        JsonNode coldFile = json("{File: {path: 'src/small.rs', score: 3}}");
        JsonNode hotFunction = json("{Function: {name: 'parse', location: {file: 'src/p.rs', line: 10},"
                + " unified_score: {final_score: 10, complexity_factor: 8.1}}}");
        JsonNode coldFunction = json("{Function: {name: 'tiny', unified_score: {final_score: 9.99}}}");
        JsonNode unrelated = json("{Module: {score: 100}}");
        assertThat(e.matches(hotFile, NO_VARIABLES)).isTrue();
        assertThat(e.matches(coldFile, NO_VARIABLES)).isFalse();
        assertThat(e.matches(hotFunction, NO_VARIABLES)).isTrue();
        assertThat(e.matches(coldFunction, NO_VARIABLES)).isFalse();
        assertThat(e.matches(unrelated, NO_VARIABLES)).isFalse();
    }

    @Test
    void upstreamPriorityFilter() {
        Expression e = Expression.parse("item.priority == 'high'");
        assertThat(e.matches(json("{id: 'T-1', priority: 'high', title: 'Fix login'}"), NO_VARIABLES))
                .isTrue();
        assertThat(e.matches(json("{id: 'T-2', priority: 'low'}"), NO_VARIABLES))
                .isFalse();
        assertThat(e.matches(json("{id: 'T-3'}"), NO_VARIABLES)).isFalse();
        assertThat(e.text()).isEqualTo("item.priority == 'high'");
    }

    @Test
    void compiledExpressionIsSafeToShareBetweenThreads() throws InterruptedException {
        Expression e = Expression.parse("n >= 500 && tag in ['a', 'b'] && name matches '^x[0-9]+$'");
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(json("{n: " + i + ", tag: '" + (i % 3 == 0 ? "a" : "c") + "', name: 'x" + i + "'}"));
        }
        long expected = items.stream()
                .filter(i -> i.get("n").asInt() >= 500 && i.get("n").asInt() % 3 == 0)
                .count();
        long[] counts = new long[4];
        Thread[] threads = new Thread[counts.length];
        for (int t = 0; t < threads.length; t++) {
            int slot = t;
            threads[t] = new Thread(() -> {
                for (int round = 0; round < 20; round++) {
                    counts[slot] += items.stream()
                            .filter(i -> e.matches(i, NO_VARIABLES))
                            .count();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(counts).containsOnly(expected * 20);
    }
}
