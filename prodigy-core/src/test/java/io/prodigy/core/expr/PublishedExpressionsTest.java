package io.prodigy.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.ExpressionException;
import io.prodigy.api.InterpolationException;
import io.prodigy.api.MapPhase;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.WorkflowDefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published expression API (io.prodigy.core.expr) the YAML loader, the dry run and hosts use. */
class PublishedExpressionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void syntaxChecksAcceptValidTextAndPointAtTheErrorInInvalidText() {
        ExpressionSyntax.checkExpression("score >= 5 && severity in ['high', 'critical']");
        ExpressionSyntax.checkSortBy("score DESC NULLS LAST, name");
        ExpressionSyntax.checkJsonPath("$.items[*]");
        ExpressionSyntax.checkJsonPath("  ");

        assertThatThrownBy(() -> ExpressionSyntax.checkExpression("score >= "))
                .isInstanceOfSatisfying(
                        ExpressionException.class, e -> assertThat(e.column()).isPositive());
        assertThatThrownBy(() -> ExpressionSyntax.checkSortBy("score SIDEWAYS"))
                .isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> ExpressionSyntax.checkJsonPath("$.items["))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("$.items[");
        assertThatThrownBy(() -> ExpressionSyntax.checkExpression(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text");
    }

    @Test
    void aFilterMatchesItemsAndAConditionHoldsOverVariables() throws Exception {
        ItemFilter filter = ItemFilter.parse("score >= ${min}");
        assertThat(filter.matches(json("{\"score\": 7}"), name -> IntNode.valueOf(5)))
                .isTrue();
        assertThat(filter.matches(json("{\"score\": 3}"), name -> IntNode.valueOf(5)))
                .isFalse();
        assertThat(filter.text()).isEqualTo("score >= ${min}");
        assertThat(ItemFilter.parse("count > 2").holds(name -> IntNode.valueOf(3)))
                .isTrue();
        assertThatThrownBy(() -> ItemFilter.parse("(")).isInstanceOf(ExpressionException.class);
    }

    @Test
    void aSelectionFiltersSortsDeduplicatesAndPagesInTheEnginesOrder() throws Exception {
        List<JsonNode> items = List.of(
                json("{\"f\": \"a\", \"s\": 1}"),
                json("{\"f\": \"b\", \"s\": 9}"),
                json("{\"f\": \"b\", \"s\": 8}"),
                json("{\"f\": \"c\", \"s\": 5}"),
                json("{\"f\": \"d\", \"s\": 0}"));
        MapPhase map = MapPhase.builder()
                .input(WorkInput.values(List.of()))
                .agentTemplate(Step.shell("true"))
                .filter("s > 0")
                .sortBy("s DESC")
                .distinct("f")
                .offset(1)
                .maxItems(1)
                .build();

        List<JsonNode> selected = ItemSelection.of(map).apply(items, name -> null);

        assertThat(selected).extracting(n -> n.get("f").asText()).containsExactly("c");
        assertThatThrownBy(() -> ItemSelection.builder().sortBy("").build()).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> ItemSelection.builder().offset(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPreviewReadsFilesAndValuesButNotCommands() throws Exception {
        Files.writeString(dir.resolve("items.json"), "{\"items\": [{\"s\": 1}, {\"s\": 5}, {\"s\": 7}]}");
        MapPhase.Builder map =
                MapPhase.builder().agentTemplate(Step.shell("true")).filter("s > 2");

        MapItemsPreview.Items file = MapItemsPreview.of(
                        map.input(WorkInput.jsonFile("items.json", "$.items[*]"))
                                .build(),
                        dir)
                .orElseThrow();
        assertThat(file.inputCount()).isEqualTo(3);
        assertThat(file.selected()).hasSize(2);

        MapItemsPreview.Items detected = MapItemsPreview.of(
                        map.input(WorkInput.detect("items.json", "$.items[*]")).build(), dir)
                .orElseThrow();
        assertThat(detected.selected()).hasSize(2);

        MapItemsPreview.Items values = MapItemsPreview.of(
                        map.input(WorkInput.values(List.of(Map.of("s", 3), Map.of("s", 1))))
                                .build(),
                        dir)
                .orElseThrow();
        assertThat(values.inputCount()).isEqualTo(2);
        assertThat(values.selected()).hasSize(1);

        assertThat(MapItemsPreview.of(map.input(WorkInput.command("echo '[1]'")).build(), dir))
                .isEmpty();
        assertThat(MapItemsPreview.of(
                        map.input(WorkInput.jsonFile("${out}/items.json", null)).build(), dir))
                .isEmpty();
        assertThatThrownBy(() -> MapItemsPreview.of(
                        map.input(WorkInput.jsonFile("missing.json", null)).build(), dir))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("missing.json");
    }

    @Test
    void interpolationFillsPlaceholdersAsStepsDo() throws Exception {
        Interpolation vars = Interpolation.builder()
                .put("item", json("{\"test\": \"it's\"}"))
                .putString("map.total", "42")
                .build();

        assertThat(vars.render("${item.test} of ${map.total}")).isEqualTo("it's of 42");
        assertThat(vars.renderForShell("echo ${item.test}")).isEqualTo("echo 'it'\\''s'");
        assertThatThrownBy(() -> vars.render("${nope}"))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("nope");
    }
}
