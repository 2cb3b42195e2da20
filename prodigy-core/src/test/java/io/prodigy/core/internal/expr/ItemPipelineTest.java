package io.prodigy.core.internal.expr;

import static io.prodigy.core.internal.expr.Json.NO_VARIABLES;
import static io.prodigy.core.internal.expr.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.ExpressionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link ItemPipeline}: filter, sort, distinct, offset and max_items, in that order. */
class ItemPipelineTest {

    private static String ids(List<JsonNode> items) {
        return items.stream().map(i -> i.path("id").asText()).collect(Collectors.joining());
    }

    @Test
    void appliesFilterThenSortThenDistinctThenOffsetThenLimit() {
        List<JsonNode> items = List.of(
                json("{id: 'a', score: 5, group: 'x'}"),
                json("{id: 'b', score: 10, group: 'y', kind: 'skip'}"),
                json("{id: 'c', score: 9, group: 'x'}"),
                json("{id: 'd', score: 6, group: 'y'}"),
                json("{id: 'e', score: 8, group: 'y'}"),
                json("{id: 'f', score: 7, group: 'z'}"),
                json("{id: 'g', score: 4}"),
                json("{id: 'h', score: 3}"));
        ItemPipeline pipeline = ItemPipeline.builder()
                .filter("kind != 'skip'")
                .sortBy("score DESC")
                .distinct("group")
                .offset(1)
                .maxItems(3)
                .build();
        // filter: acdefgh; sort: cefdagh; distinct: cefg (g stands for the items without a group); offset: efg.
        // Any other order differs: distinct before filter drops e for b, distinct before sort keeps a and d,
        // limit before offset gives ef, offset before distinct lets a back in.
        assertThat(ids(pipeline.apply(items, NO_VARIABLES))).isEqualTo("efg");
    }

    @Test
    void eachStageAlone() {
        List<JsonNode> items = List.of(
                json("{id: 'a', n: 2}"), json("{id: 'b', n: 1}"), json("{id: 'c', n: 3}"), json("{id: 'd', n: 1}"));
        assertThat(ids(ItemPipeline.builder().build().apply(items, NO_VARIABLES)))
                .isEqualTo("abcd");
        assertThat(ids(ItemPipeline.builder().filter("n > 1").build().apply(items, NO_VARIABLES)))
                .isEqualTo("ac");
        assertThat(ids(ItemPipeline.builder().sortBy("n").build().apply(items, NO_VARIABLES)))
                .isEqualTo("bdac");
        assertThat(ids(ItemPipeline.builder().distinct("n").build().apply(items, NO_VARIABLES)))
                .isEqualTo("abc");
        assertThat(ids(ItemPipeline.builder().offset(3).build().apply(items, NO_VARIABLES)))
                .isEqualTo("d");
        assertThat(ids(ItemPipeline.builder().maxItems(2).build().apply(items, NO_VARIABLES)))
                .isEqualTo("ab");
    }

    @Test
    void offsetAndLimitAtTheEdges() {
        List<JsonNode> items = List.of(json("{id: 'a'}"), json("{id: 'b'}"), json("{id: 'c'}"));
        assertThat(ItemPipeline.builder().offset(3).build().apply(items, NO_VARIABLES))
                .isEmpty();
        assertThat(ItemPipeline.builder().offset(99).build().apply(items, NO_VARIABLES))
                .isEmpty();
        assertThat(ItemPipeline.builder().maxItems(0).build().apply(items, NO_VARIABLES))
                .isEmpty();
        assertThat(ids(ItemPipeline.builder().maxItems(null).build().apply(items, NO_VARIABLES)))
                .isEqualTo("abc");
        assertThat(ids(ItemPipeline.builder()
                        .offset(2)
                        .maxItems(Integer.MAX_VALUE)
                        .build()
                        .apply(items, NO_VARIABLES)))
                .isEqualTo("c");
        assertThat(ItemPipeline.builder().build().apply(List.of(), NO_VARIABLES))
                .isEmpty();
    }

    @Test
    void distinctKeepsTheFirstOfEachValueWithMissingCountedAsNull() {
        List<JsonNode> items = List.of(
                json("{id: 'a', v: 1}"),
                json("{id: 'b', v: 1.0}"),
                json("{id: 'c', v: '1'}"),
                json("{id: 'd'}"),
                json("{id: 'e', v: null}"),
                json("{id: 'f', v: true}"),
                json("{id: 'g', v: {k: [1]}}"),
                json("{id: 'h', v: {k: [1]}}"),
                json("{id: 'i', v: '[1]'}"),
                json("{id: 'j', v: [1]}"),
                json("{id: 'k', v: 10000000000000000000000.5}"),
                json("{id: 'l', v: 1e1}"),
                json("{id: 'm', v: 10}"));
        assertThat(ids(ItemPipeline.builder().distinct("v").build().apply(items, NO_VARIABLES)))
                .isEqualTo("acdfgijkl");
        assertThat(ids(ItemPipeline.builder().distinct("item.v").build().apply(items, NO_VARIABLES)))
                .isEqualTo("acdfgijkl");
    }

    @Test
    void distinctOnANestedPath() {
        List<JsonNode> items = List.of(
                json("{id: 'a', loc: {file: 'x.rs', line: 1}}"),
                json("{id: 'b', loc: {file: 'y.rs', line: 1}}"),
                json("{id: 'c', loc: {file: 'x.rs', line: 9}}"));
        assertThat(ids(ItemPipeline.builder().distinct("loc.file").build().apply(items, NO_VARIABLES)))
                .isEqualTo("ab");
    }

    @Test
    void filterVariablesAreLookedUpOncePerCall() {
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(json("{id: " + i + "}"));
        }
        AtomicInteger lookups = new AtomicInteger();
        Function<String, JsonNode> variables = name -> {
            lookups.incrementAndGet();
            return "min".equals(name) ? IntNode.valueOf(990) : null;
        };
        ItemPipeline pipeline = ItemPipeline.builder()
                .filter("id >= ${min} && ${undefined} == null")
                .build();
        assertThat(pipeline.apply(items, variables)).hasSize(10);
        assertThat(lookups.get()).isEqualTo(2);
    }

    @Test
    void largeInputsNeverCallTheVariablesFunctionOffTheCallingThread() {
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < 2 * SortSpec.PARALLEL_THRESHOLD; i++) {
            items.add(JsonNodeFactory.instance.objectNode().put("id", i).put("group", i % 7));
        }
        Thread caller = Thread.currentThread();
        List<String> calls = new ArrayList<>();
        Function<String, JsonNode> variables = name -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            calls.add(name);
            return name.equals("limits") ? json("{group: 3}") : null;
        };
        for (String sortBy : new String[] {null, "id DESC"}) {
            calls.clear();
            List<JsonNode> result = ItemPipeline.builder()
                    .filter("group == ${limits.group} && ${missing.exists} == false")
                    .sortBy(sortBy)
                    .build()
                    .apply(items, variables);
            assertThat(calls).containsExactlyInAnyOrder("limits.group", "limits", "missing.exists", "missing");
            assertThat(result).hasSize((2 * SortSpec.PARALLEL_THRESHOLD + 3) / 7);
            assertThat(result)
                    .allSatisfy(item -> assertThat(item.get("group").asInt()).isEqualTo(3));
            assertThat(result.get(0).get("id").asInt()).isEqualTo(sortBy == null ? 3 : 39_994);
        }
    }

    @Test
    void nullItemsAreRejected() {
        List<JsonNode> items = new ArrayList<>(List.of(json("{id: 'a'}")));
        items.add(null);
        assertThatThrownBy(() -> ItemPipeline.builder().build().apply(items, NO_VARIABLES))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(
                        () -> ItemPipeline.builder().filter("id == 'a'").build().apply(items, NO_VARIABLES))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ItemPipeline.builder().sortBy("id").build().apply(items, NO_VARIABLES))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void resultIsUnmodifiableAndInputIsUntouched() {
        List<JsonNode> input = new ArrayList<>(List.of(json("{id: 'b', n: 2}"), json("{id: 'a', n: 1}")));
        List<JsonNode> result = ItemPipeline.builder().sortBy("n").build().apply(input, NO_VARIABLES);
        assertThat(ids(result)).isEqualTo("ab");
        assertThat(ids(input)).isEqualTo("ba");
        assertThatThrownBy(() -> result.add(json("{}"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedPartsFailAtBuildWithTheirColumn() {
        ExpressionException filter = catchThrowableOfType(
                ExpressionException.class,
                () -> ItemPipeline.builder().filter("score >> 3").build());
        assertThat(filter.column()).isEqualTo(8);
        assertThat(filter.expression()).isEqualTo("score >> 3");
        ExpressionException sort = catchThrowableOfType(
                ExpressionException.class,
                () -> ItemPipeline.builder().sortBy("score UP").build());
        assertThat(sort.column()).isEqualTo(7);
        ExpressionException distinct = catchThrowableOfType(
                ExpressionException.class,
                () -> ItemPipeline.builder().distinct("a b").build());
        assertThat(distinct.column()).isEqualTo(3);
        assertThat(catchThrowableOfType(
                                ExpressionException.class,
                                () -> ItemPipeline.builder().filter("").build())
                        .column())
                .isEqualTo(1);
    }

    @Test
    void builderRejectsNegativeNumbers() {
        assertThatThrownBy(() -> ItemPipeline.builder().offset(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset");
        assertThatThrownBy(() -> ItemPipeline.builder().maxItems(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_items");
    }

    @Test
    void filtersAndSortsTwoHundredThousandItems() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Random random = new Random(42);
        String[] severities = {"high", "low", "critical", "medium"};
        List<JsonNode> items = new ArrayList<>(200_000);
        for (int i = 0; i < 200_000; i++) {
            ObjectNode item = f.objectNode().put("id", i);
            int r = random.nextInt(100);
            if (r < 4) {
                item.putNull("score");
            } else if (r > 4) {
                item.put("score", random.nextInt(1000));
            }
            if (random.nextInt(50) != 0) {
                item.put("severity", severities[random.nextInt(severities.length)]);
            }
            item.putObject("unified_score").put("final_score", random.nextInt(100) / 4.0);
            items.add(item);
        }
        ItemPipeline pipeline = ItemPipeline.builder()
                .filter("(item.score >= 500 || is_null(score)) && severity in ['high', 'critical']")
                .sortBy("score DESC NULLS LAST, unified_score.final_score DESC, id")
                .build();

        List<JsonNode> result = pipeline.apply(items, NO_VARIABLES);

        Comparator<JsonNode> byScore = Comparator.comparing(
                (JsonNode i) -> i.path("score").isNumber() ? i.get("score").asInt() : null,
                Comparator.nullsLast(Comparator.<Integer>reverseOrder()));
        List<Integer> expected = items.stream()
                .filter(i -> !i.path("score").isNumber() || i.get("score").asInt() >= 500)
                .filter(i ->
                        List.of("high", "critical").contains(i.path("severity").asText()))
                .sorted(byScore.thenComparing(
                                i -> i.get("unified_score").get("final_score").asDouble(), Comparator.reverseOrder())
                        .thenComparing(i -> i.get("id").asInt()))
                .map(i -> i.get("id").asInt())
                .collect(Collectors.toList());
        assertThat(expected).hasSizeGreaterThan(40_000);
        assertThat(result.stream().map(i -> i.get("id").asInt()).collect(Collectors.toList()))
                .isEqualTo(expected);
    }
}
