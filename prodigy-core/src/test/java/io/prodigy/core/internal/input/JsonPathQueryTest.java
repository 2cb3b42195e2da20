package io.prodigy.core.internal.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.prodigy.api.WorkflowDefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPathQueryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String ITEMS_DOCUMENT = """
            {
              "items": [
                {"id": "a", "score": 3, "path": "src/a.rs"},
                {"id": "b", "score": 7, "path": "src/b.rs"},
                {"id": "c", "score": 9.5, "path": "src/c.rs"}
              ],
              "meta": {"score": 1, "note": null}
            }
            """;

    @TempDir
    Path dir;

    private Path itemsFile;

    @BeforeEach
    void writeItemsFile() throws IOException {
        itemsFile = write("items.json", ITEMS_DOCUMENT);
    }

    @Test
    void wildcardYieldsTheElementsOfTheArray() {
        List<JsonNode> items = WorkItemReader.fromJsonFile(itemsFile, "$.items[*]");

        assertThat(items).extracting(item -> item.get("id").asText()).containsExactly("a", "b", "c");
    }

    @Test
    void wildcardOnATopLevelArrayYieldsItsElements() throws IOException {
        Path file = write("array.json", "[{\"n\": 1}, {\"n\": 2}, 3]");

        assertThat(WorkItemReader.fromJsonFile(file, "$[*]"))
                .containsExactly(json("{\"n\": 1}"), json("{\"n\": 2}"), json("3"));
    }

    @Test
    void emptyOrBlankPathOnAnArrayYieldsItsElements() throws IOException {
        Path file = write("array.json", "[{\"n\": 1}, {\"n\": 2}]");

        for (String path : new String[] {"", "   ", null}) {
            assertThat(WorkItemReader.fromJsonFile(file, path))
                    .as("path %s", path)
                    .containsExactly(json("{\"n\": 1}"), json("{\"n\": 2}"));
        }
    }

    @Test
    void emptyPathOnAnObjectOrScalarYieldsTheDocumentAsOneItem() throws IOException {
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "")).containsExactly(json(ITEMS_DOCUMENT));
        assertThat(WorkItemReader.fromJsonFile(write("scalar.json", "42"), "")).containsExactly(json("42"));
    }

    @Test
    void pathEndingAtAnArrayWithoutWildcardYieldsTheArrayAsOneItem() {
        List<JsonNode> items = WorkItemReader.fromJsonFile(itemsFile, "$.items");

        assertThat(items).hasSize(1);
        assertThat(items.get(0).isArray()).isTrue();
        assertThat(items.get(0)).hasSize(3);
    }

    @Test
    void rootPathYieldsTheWholeDocumentEvenWhenItIsAnArray() throws IOException {
        Path file = write("array.json", "[1, 2, 3]");

        assertThat(WorkItemReader.fromJsonFile(file, "$")).containsExactly(json("[1, 2, 3]"));
    }

    @Test
    void recursiveDescentFindsTheFieldAtEveryDepth() {
        List<JsonNode> scores = WorkItemReader.fromJsonFile(itemsFile, "$..score");

        assertThat(scores).containsExactlyInAnyOrder(json("3"), json("7"), json("9.5"), json("1"));
    }

    @Test
    void filterKeepsTheMatchingElements() {
        List<JsonNode> items = WorkItemReader.fromJsonFile(itemsFile, "$.items[?(@.score > 5)]");

        assertThat(items).extracting(item -> item.get("id").asText()).containsExactly("b", "c");
    }

    @Test
    void filtersCombineConditionsAndMatchRegularExpressions() {
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.items[?(@.score > 5 && @.path =~ /.*c\\.rs/)].id"))
                .containsExactly(json("\"c\""));
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.items[?(@.id == 'a' || @.score >= 9)].id"))
                .containsExactly(json("\"a\""), json("\"c\""));
    }

    @Test
    void pathWithoutDollarIsRelativeToTheRoot() {
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "items[*].id"))
                .containsExactly(json("\"a\""), json("\"b\""), json("\"c\""));
    }

    @Test
    void pathMatchingNothingYieldsNoItems() {
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.missing")).isEmpty();
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.missing[*]")).isEmpty();
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.items[?(@.score > 100)]"))
                .isEmpty();
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.meta.score.deeper"))
                .isEmpty();
    }

    @Test
    void indexOutOfRangeYieldsNothingButAnExplicitNullIsAnItem() {
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.items[5]")).isEmpty();
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.items[-7]")).isEmpty();
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.items[-1].id")).containsExactly(json("\"c\""));
        assertThat(WorkItemReader.fromJsonFile(itemsFile, "$.meta.note")).containsExactly(NullNode.getInstance());
    }

    @Test
    void selectDoesNotCopyTheSelectedNodes() {
        JsonNode document = json(ITEMS_DOCUMENT);

        List<JsonNode> items = JsonPathQuery.compile("$.items[*]").select(document);

        assertThat(items.get(1)).isSameAs(document.get("items").get(1));
    }

    @Test
    void compiledQueryReportsItsExpression() {
        assertThat(JsonPathQuery.compile("  $.items[*] ").expression()).isEqualTo("$.items[*]");
        assertThat(JsonPathQuery.compile("$.items[*]").isDefault()).isFalse();
        assertThat(JsonPathQuery.compile(" ").isDefault()).isTrue();
        assertThat(JsonPathQuery.compile(null).expression()).isEmpty();
    }

    @Test
    void debtmapLikeReportIsSelectedAndFilteredByNestedScores() throws IOException {
        Path report = write("debtmap.json", """
                {
                  "timestamp": "2025-10-01T12:00:00Z",
                  "total_debt_score": 412.7,
                  "items": [
                    {"File": {"metrics": {"path": "src/cook/orchestrator.rs", "total_lines": 2481,
                                          "function_count": 96, "avg_complexity": 7.4},
                              "score": 88.5,
                              "recommendation": {"action": "Split into focused modules", "priority": "high"}}},
                    {"Function": {"location": {"file": "src/config/mapreduce.rs", "function": "parse_input",
                                               "line": 142},
                                  "debt_type": {"ComplexityHotspot": {"cyclomatic": 21, "cognitive": 34}},
                                  "unified_score": {"complexity_factor": 8.0, "coverage_factor": 10.0,
                                                    "dependency_factor": 2.5, "final_score": 9.2},
                                  "recommendation": {"primary_action": "Extract the validation steps"}}},
                    {"Function": {"location": {"file": "src/cook/execution/claude.rs", "function": "run",
                                               "line": 57},
                                  "debt_type": {"TestingGap": {"coverage": 0.12}},
                                  "unified_score": {"complexity_factor": 3.0, "coverage_factor": 6.0,
                                                    "dependency_factor": 1.0, "final_score": 4.1},
                                  "recommendation": {"primary_action": "Add tests"}}},
                    {"File": {"metrics": {"path": "src/main.rs", "total_lines": 310, "function_count": 12,
                                          "avg_complexity": 2.1},
                              "score": 12.0,
                              "recommendation": {"action": "None", "priority": "low"}}},
                    {"Function": {"location": {"file": "src/storage/global.rs", "function": "migrate",
                                               "line": 9},
                                  "debt_type": {"ComplexityHotspot": {"cyclomatic": 15, "cognitive": 18}},
                                  "unified_score": {"complexity_factor": 6.5, "coverage_factor": 7.0,
                                                    "dependency_factor": 3.0, "final_score": 6.8},
                                  "recommendation": {"primary_action": "Simplify branching"}}}
                  ]
                }
                """);

        assertThat(WorkItemReader.fromJsonFile(report, "$.items[*]")).hasSize(5);
        assertThat(WorkItemReader.fromJsonFile(report, "$.items[?(@.Function.unified_score.final_score >= 5)]"))
                .extracting(item -> item.at("/Function/location/function").asText())
                .containsExactly("parse_input", "migrate");
        assertThat(WorkItemReader.fromJsonFile(report, "$.items[?(@.File.score > 50)]"))
                .extracting(item -> item.at("/File/metrics/path").asText())
                .containsExactly("src/cook/orchestrator.rs");
        assertThat(WorkItemReader.fromJsonFile(report, "$..final_score"))
                .containsExactly(json("9.2"), json("4.1"), json("6.8"));
        assertThat(WorkItemReader.fromJsonFile(report, "$.items[*].Function.location.file"))
                .containsExactly(
                        json("\"src/config/mapreduce.rs\""),
                        json("\"src/cook/execution/claude.rs\""),
                        json("\"src/storage/global.rs\""));
    }

    @Test
    void invalidFilterIsReportedWithTheColumnAndACaret() {
        String path = "$.items[?(@.score >)]";

        assertThatThrownBy(() -> JsonPathQuery.compile(path))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageStartingWith("invalid json_path \"$.items[?(@.score >)]\": Failed to parse filter")
                .hasMessageContaining("at column 20 (map.json_path)")
                .hasMessageEndingWith("\n    $.items[?(@.score >)]\n    " + " ".repeat(19) + "^");
    }

    @Test
    void unterminatedWildcardIsReportedAtTheEndOfThePath() {
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items[*"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("\"$.items[*\"")
                .hasMessageContaining("Expected wildcard token to end with ']'")
                .hasMessageContaining("at column 10")
                .hasMessageEndingWith("    $.items[*\n    " + " ".repeat(9) + "^");
    }

    @Test
    void jaywayTokenErrorsPointAtTheToken() {
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items[]"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessage("invalid json_path \"$.items[]\": Could not parse token. Expected ?, ', 0-9, *"
                        + " at column 8 (map.json_path)\n    $.items[]\n           ^");
    }

    @Test
    void columnsOfPathsWithoutDollarAreCountedInThePathAsWritten() {
        assertThatThrownBy(() -> JsonPathQuery.compile("my items"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("blank characters")
                .hasMessageContaining("at column 1 ")
                .hasMessageEndingWith("    my items\n    ^");
    }

    @Test
    void malformedTailsThatJaywayIgnoresAreRefused() {
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items["))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("'[' is never closed at column 8");
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items[?(@.score > 5)]x"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("unexpected 'x'")
                .hasMessageContaining("at column 24");
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items[0]]"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("unexpected ']'");
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items]"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("in a property name")
                .hasMessageContaining("at column 8");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "$.items[*].path",
                "$['items'][*]",
                "$.items[0:2]",
                "$..[*]",
                "$.meta.*",
                "$.items[?(@.path == 'a]b')]",
                "$.items[?(@.path =~ /src\\/[a-c]\\.rs/)]",
                "$['we[ird', 'na]me']",
                "@.items[*]",
                "[*]"
            })
    void wellFormedPathsPassTheStructureCheck(String path) {
        assertThat(JsonPathQuery.compile(path).expression()).isEqualTo(path);
    }

    @Test
    void pathEndingTooEarlyIsReported() {
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items."))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("Path must not end with a '.' or '..' at column 8");
        assertThatThrownBy(() -> JsonPathQuery.compile("$["))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("the path ends unexpectedly at column 3");
    }

    @Test
    void pathFunctionsAreRefusedAtCompileTime() {
        assertThatThrownBy(() -> JsonPathQuery.compile("$.items.length()"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("\"$.items.length()\"")
                .hasMessageContaining("path functions");
    }

    @Test
    void filterFormsThatNeedJsonSmartFailWithAPointerToMapFilter() throws IOException {
        Path file = write("tags.json", "{\"items\": [{\"tags\": [\"x\"], \"name\": \"a\"}]}");

        assertThatThrownBy(() -> JsonPathQuery.compile("$.items[?(@.name in ['a', 'b'])]"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("use map.filter");
        for (String path : new String[] {"$.items[?(@.tags contains 'x')]", "$.items[?(@.name)]"}) {
            JsonPathQuery query = JsonPathQuery.compile(path);
            // twice: the second attempt meets a class that already failed to load, a different error
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> WorkItemReader.fromJsonFile(file, query.expression()))
                        .as(path)
                        .isInstanceOf(WorkflowDefinitionException.class)
                        .hasMessageContaining("\"" + path + "\"")
                        .hasMessageContaining("use map.filter");
            }
        }
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
