package io.prodigy.core.internal.expr;

import static io.prodigy.core.internal.expr.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.ExpressionException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SortSpec}: keys, directions, null placement, type ranks and stability. */
class SortSpecTest {

    /** Items {id, score}: ids a..f with scores 3, null, 1, missing, 2, 10. */
    private static final List<JsonNode> SCORES = List.of(
            json("{id: 'a', score: 3}"),
            json("{id: 'b', score: null}"),
            json("{id: 'c', score: 1}"),
            json("{id: 'd'}"),
            json("{id: 'e', score: 2.5}"),
            json("{id: 'f', score: 10}"));

    private static String ids(List<JsonNode> items) {
        return items.stream().map(i -> i.path("id").asText()).collect(Collectors.joining());
    }

    /** Sorts with both {@link SortSpec#sort} and {@link SortSpec#comparator} and checks they agree. */
    private static String sorted(String spec, List<JsonNode> items) {
        SortSpec sortSpec = SortSpec.parse(spec);
        String decorated = ids(sortSpec.sort(items));
        List<JsonNode> copy = new ArrayList<>(items);
        copy.sort(sortSpec.comparator());
        assertThat(ids(copy)).as("comparator agrees with sort for %s", spec).isEqualTo(decorated);
        return decorated;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "score :: ceafbd",
                "score ASC :: ceafbd",
                "score asc nulls last :: ceafbd",
                "score ASCENDING :: ceafbd",
                "score ASC NULLS FIRST :: bdceaf",
                "score nulls first :: bdceaf",
                "score DESC :: faecbd",
                "score descending :: faecbd",
                "score DESC NULLS LAST :: faecbd",
                "score DESC NULLS FIRST :: bdfaec",
                "score Desc Nulls First :: bdfaec",
                "item.score DESC :: faecbd",
                "missing :: abcdef",
                "missing DESC NULLS FIRST :: abcdef",
            })
    void nullsGoWhereAskedWhateverTheDirection(String spec, String expected) {
        assertThat(sorted(spec, SCORES)).isEqualTo(expected);
    }

    @Test
    void multipleKeysBreakTiesInOrder() {
        List<JsonNode> items = List.of(
                json("{id: 'a', team: 'red', score: 1}"), json("{id: 'b', team: 'blue', score: 5}"),
                json("{id: 'c', team: 'red', score: 9}"), json("{id: 'd', team: 'blue', score: 5}"),
                json("{id: 'e', score: 7}"), json("{id: 'f', team: 'blue', score: 8}"));
        assertThat(sorted("team, score DESC", items)).isEqualTo("fbdcae");
        assertThat(sorted("team DESC, score", items)).isEqualTo("acbdfe");
        assertThat(sorted("team NULLS FIRST, score DESC, id DESC", items)).isEqualTo("efdbca");
    }

    @Test
    void sortIsStable() {
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add(json("{id: " + i + ", bucket: " + (i % 3) + "}"));
        }
        List<JsonNode> result = SortSpec.parse("bucket DESC").sort(items);
        for (int i = 1; i < result.size(); i++) {
            JsonNode previous = result.get(i - 1);
            JsonNode current = result.get(i);
            if (previous.get("bucket").equals(current.get("bucket"))) {
                assertThat(previous.get("id").asInt())
                        .isLessThan(current.get("id").asInt());
            }
        }
        assertThat(result.get(0).get("bucket").asInt()).isEqualTo(2);
    }

    @Test
    void mixedTypesOrderByTypeRank() {
        List<JsonNode> items = List.of(
                json("{id: 'o', v: {a: 1}}"),
                json("{id: 's', v: 'text'}"),
                json("{id: 'n', v: 4}"),
                json("{id: 'z', v: null}"),
                json("{id: 'a', v: [1, 2]}"),
                json("{id: 'b', v: true}"));
        assertThat(sorted("v", items)).isEqualTo("bnsaoz");
        assertThat(sorted("v DESC", items)).isEqualTo("oasnbz");
        assertThat(sorted("v NULLS FIRST", items)).isEqualTo("zbnsao");
    }

    @Test
    void valuesOfOneTypeOrderNaturally() {
        List<JsonNode> numbers = List.of(
                json("{id: 'a', v: 10}"),
                json("{id: 'b', v: 9.5}"),
                json("{id: 'c', v: -1}"),
                json("{id: 'd', v: 9007199254740993}"),
                json("{id: 'e', v: 9007199254740992}"),
                json("{id: 'f', v: 1e300}"));
        assertThat(sorted("v", numbers)).isEqualTo("cbaedf");
        List<JsonNode> strings = List.of(
                json("{id: 'a', v: 'b'}"),
                json("{id: 'b', v: 'B'}"),
                json("{id: 'c', v: 'a'}"),
                json("{id: 'd', v: ''}"));
        assertThat(sorted("v", strings)).as("lexical: uppercase first").isEqualTo("dbca");
        List<JsonNode> booleans = List.of(json("{id: 'a', v: true}"), json("{id: 'b', v: false}"));
        assertThat(sorted("v", booleans)).isEqualTo("ba");
        List<JsonNode> arrays = List.of(
                json("{id: 'a', v: [1, 2, 3]}"),
                json("{id: 'b', v: []}"),
                json("{id: 'c', v: [9]}"),
                json("{id: 'd', v: {x: 1, y: 2}}"),
                json("{id: 'e', v: {}}"));
        assertThat(sorted("v", arrays)).as("arrays, then objects, each by size").isEqualTo("bcaed");
    }

    @Test
    void pathsWithIndexesAndQuotedNames() {
        List<JsonNode> items =
                List.of(json("{id: 'a', s: [5, 1], 'x y': {k: 2}}"), json("{id: 'b', s: [3, 9], 'x y': {k: 1}}"));
        assertThat(sorted("s[0]", items)).isEqualTo("ba");
        assertThat(sorted("s[-1]", items)).isEqualTo("ab");
        assertThat(sorted("item[\"x y\"].k", items)).isEqualTo("ba");
    }

    @Test
    void upstreamDebtmapSort() {
        List<JsonNode> items = List.of(
                json("{id: 'f1', File: {path: 'a.rs', score: 12.5}}"),
                json("{id: 'g1', Function: {name: 'x', unified_score: {final_score: 7}}}"),
                json("{id: 'f2', File: {path: 'b.rs', score: 40}}"),
                json("{id: 'g2', Function: {name: 'y', unified_score: {final_score: 9.5}}}"),
                json("{id: 'f3', File: {path: 'c.rs', score: 12.5}}"),
                json("{id: 'g3', Function: {name: 'z', unified_score: {}}}"));
        String spec = "File.score DESC NULLS LAST, Function.unified_score.final_score DESC NULLS LAST";
        List<JsonNode> result = SortSpec.parse(spec).sort(items);
        assertThat(result.stream().map(i -> i.get("id").asText()).collect(Collectors.toList()))
                .containsExactly("f2", "f1", "f3", "g2", "g1", "g3");
        assertThat(sorted(
                        "item.File.score DESC NULLS LAST, item.Function.unified_score.final_score DESC NULLS LAST",
                        items))
                .isEqualTo("f2f1f3g2g1g3");
    }

    @Test
    void sortDoesNotModifyItsInput() {
        List<JsonNode> input = new ArrayList<>(SCORES);
        List<JsonNode> result = SortSpec.parse("score").sort(input);
        assertThat(input).isEqualTo(SCORES);
        result.add(json("{}"));
        assertThat(result).hasSize(SCORES.size() + 1);
    }

    @Test
    void parallelSortAgreesWithTheComparatorOnMixedData() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Random random = new Random(7);
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < 3 * SortSpec.PARALLEL_THRESHOLD; i++) {
            ObjectNode item = f.objectNode().put("id", i);
            switch (random.nextInt(9)) {
                case 0:
                    break;
                case 1:
                    item.putNull("v");
                    break;
                case 2:
                    item.put("v", random.nextInt(50));
                    break;
                case 3:
                    item.put("v", random.nextInt(50) / 2.0);
                    break;
                case 4:
                    item.put("v", BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.valueOf(random.nextInt(3))));
                    break;
                case 5:
                    item.put("v", 9_007_199_254_740_992L + random.nextInt(3));
                    break;
                case 6:
                    item.put("v", "s" + random.nextInt(30));
                    break;
                case 7:
                    item.put("v", random.nextBoolean());
                    break;
                default:
                    item.putArray("v").add(1).add(random.nextInt(3));
                    break;
            }
            item.put("w", random.nextInt(4));
            items.add(item);
        }
        for (String spec : List.of("v", "v DESC NULLS FIRST", "w DESC, v NULLS FIRST", "item.w, v DESC")) {
            SortSpec sortSpec = SortSpec.parse(spec);
            List<JsonNode> expected = new ArrayList<>(items);
            expected.sort(sortSpec.comparator());
            assertThat(sortSpec.sort(items)).as(spec).isEqualTo(expected);
        }
    }

    @Test
    void nullItemsAreRejected() {
        List<JsonNode> items = new ArrayList<>(SCORES);
        items.add(null);
        assertThatThrownBy(() -> SortSpec.parse("score").sort(items))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("item 6 is null");
    }

    @ParameterizedTest(name = "[{0}] at column {1}")
    @CsvSource(
            delimiterString = " :: ",
            quoteCharacter = '`',
            value = {
                "score DESCX :: 7 :: unexpected 'DESCX', expected ASC, DESC, NULLS FIRST, NULLS LAST, ',' or end of input",
                "score DESC DESC :: 12 :: unexpected 'DESC', expected NULLS FIRST, NULLS LAST, ',' or end of input",
                "score DESC NULLS MIDDLE :: 18 :: unexpected 'MIDDLE', expected FIRST or LAST after NULLS",
                "score NULLS :: 12 :: unexpected end of input, expected FIRST or LAST after NULLS",
                "score NULLS LAST ASC :: 18 :: unexpected 'ASC', expected ',' or end of input",
                "score, :: 7 :: unexpected end of input, expected a field path",
                "a,, b :: 3 :: unexpected ',', expected a field path",
                "'score' DESC :: 1 :: unexpected string 'score', expected a field path",
                "score > 1 :: 7 :: unexpected '>', expected ASC, DESC",
                "a[x] :: 3 :: unexpected 'x', expected an array index",
            })
    void reportsErrorsWithTheirColumn(String spec, int column, String reason) {
        ExpressionException e = catchThrowableOfType(ExpressionException.class, () -> SortSpec.parse(spec));
        assertThat(e).as("parse error for %s", spec).isNotNull();
        assertThat(e.column()).as("column (reason: %s)", e.reason()).isEqualTo(column);
        assertThat(e.reason()).contains(reason);
        assertThat(e.expression()).isEqualTo(spec);
    }

    @Test
    void emptySpecificationIsAnError() {
        ExpressionException e = catchThrowableOfType(ExpressionException.class, () -> SortSpec.parse(" "));
        assertThat(e.column()).isEqualTo(1);
        assertThat(e.reason()).startsWith("empty sort specification");
    }
}
