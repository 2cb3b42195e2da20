package io.prodigy.core.internal.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.prodigy.api.WorkflowDefinitionException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkItemReaderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    // --- JSON files ---

    @Test
    void missingFileNamesThePathAndTheSetting() {
        Path missing = dir.resolve("nope/items.json");

        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(missing, "$.items[*]"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessage("work-item file not found: " + missing + " (map.input)");
    }

    @Test
    void invalidJsonIsReportedWithLineAndColumn() throws IOException {
        Path file = write("broken.json", """
                {
                  "items": [
                    {"id": 1},
                    {"id": 2,}
                  ]
                }
                """);

        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(file, "$.items[*]"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageStartingWith("work-item file " + file + " is not valid JSON at line 4, column 14: ")
                .hasMessageContaining("was expecting double-quote to start field name")
                .hasMessageEndingWith("(map.input)");
    }

    @Test
    void truncatedJsonSaysWhatWasExpectedWithoutJacksonSourceNoise() throws IOException {
        Path file = write("truncated.json", "[\n  {\"id\": 1},\n  {\"id\": 2}\n");

        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(file, ""))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("is not valid JSON at line 4, column 1: ")
                .hasMessageContaining("expected close marker for Array (start marker at line 1, column 1)")
                .hasMessageNotContaining("Source:");
    }

    @Test
    void contentAfterTheDocumentIsRefusedWithItsLocation() throws IOException {
        Path file = write("lines.json", "{\"id\": 1}\n{\"id\": 2}\n");

        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(file, ""))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("holds more than one JSON value: unexpected content at line 2, column 1")
                .hasMessageContaining("JSON Lines is not supported");
    }

    @Test
    void emptyFileAndDirectoryAreRefused() throws IOException {
        Path empty = write("empty.json", "  \n");

        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(empty, ""))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining(empty + " is empty");
        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(dir, ""))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining(dir + " is a directory");
    }

    @Test
    void invalidPathIsReportedBeforeTheFileIsRead() {
        assertThatThrownBy(() -> WorkItemReader.fromJsonFile(dir.resolve("absent.json"), "$.items[*"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageStartingWith("invalid json_path");
    }

    @Test
    void fileIsReadWhateverItsExtensionAndEncodingMarks() throws IOException {
        Path file = dir.resolve("items.txt");
        Files.write(file, "\uFEFF[{\"name\": \"caf\u00e9\"}]".getBytes(StandardCharsets.UTF_8));

        assertThat(WorkItemReader.fromJsonFile(file, "")).containsExactly(json("{\"name\": \"caf\u00e9\"}"));
    }

    @Test
    void largeFileLoads() throws IOException {
        int count = 200_000;
        Path file = dir.resolve("large.json");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("{\"items\": [");
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write("{\"id\": \"f" + i + "\", \"path\": \"src/module_" + i + "/file.rs\", \"score\": "
                        + (i % 100) / 10.0 + "}");
            }
            out.write("]}");
        }

        List<JsonNode> items = WorkItemReader.fromJsonFile(file, "$.items[*]");

        assertThat(items).hasSize(count);
        assertThat(items.get(0).get("id").asText()).isEqualTo("f0");
        assertThat(items.get(count - 1).get("path").asText()).isEqualTo("src/module_199999/file.rs");
        assertThat(ItemIds.assignIds(items, "id")).doesNotHaveDuplicates().hasSize(count);
    }

    // --- command output ---

    @Test
    void commandOutputThatIsAJsonArrayYieldsItsElements() {
        assertThat(WorkItemReader.fromCommandOutput("[{\"a\": 1},\n {\"a\": 2}]\n"))
                .containsExactly(json("{\"a\": 1}"), json("{\"a\": 2}"));
    }

    @Test
    void commandOutputThatIsOneOtherJsonValueIsOneItem() {
        assertThat(WorkItemReader.fromCommandOutput("{\n  \"status\": \"ok\",\n  \"items\": [1]\n}\n"))
                .containsExactly(json("{\"status\": \"ok\", \"items\": [1]}"));
        assertThat(WorkItemReader.fromCommandOutput("42\n")).containsExactly(json("42"));
    }

    @Test
    void jsonLinesYieldOneItemPerLine() {
        assertThat(WorkItemReader.fromCommandOutput("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n"))
                .containsExactly(json("{\"a\": 1}"), json("{\"a\": 2}"), json("{\"a\": 3}"));
    }

    @Test
    void plainLinesBecomeStrings() {
        assertThat(WorkItemReader.fromCommandOutput("src/a.rs\nsrc/b c.rs\n"))
                .containsExactly(TextNode.valueOf("src/a.rs"), TextNode.valueOf("src/b c.rs"));
    }

    @Test
    void blankLinesAreSkipped() {
        assertThat(WorkItemReader.fromCommandOutput("\n\na\n   \n\t\nb\n\n"))
                .containsExactly(TextNode.valueOf("a"), TextNode.valueOf("b"));
        assertThat(WorkItemReader.fromCommandOutput("")).isEmpty();
        assertThat(WorkItemReader.fromCommandOutput(" \n\r\n ")).isEmpty();
    }

    @Test
    void mixedLinesAreParsedOneByOne() {
        String output = String.join(
                "\n",
                "{\"file\": \"a.rs\"}",
                "plain text",
                "42",
                "true",
                "[1, 2]",
                "\"quoted\"",
                "2024-01-01 report",
                "{not json}",
                "  indented line  ");

        assertThat(WorkItemReader.fromCommandOutput(output))
                .containsExactly(
                        json("{\"file\": \"a.rs\"}"),
                        TextNode.valueOf("plain text"),
                        json("42"),
                        json("true"),
                        json("[1, 2]"),
                        TextNode.valueOf("quoted"),
                        TextNode.valueOf("2024-01-01 report"),
                        TextNode.valueOf("{not json}"),
                        TextNode.valueOf("  indented line  "));
    }

    @Test
    void crlfLineEndingsAreRemoved() {
        assertThat(WorkItemReader.fromCommandOutput("a.rs\r\nb.rs\r\n\r\n{\"n\": 1}\r\n"))
                .containsExactly(TextNode.valueOf("a.rs"), TextNode.valueOf("b.rs"), json("{\"n\": 1}"));
        assertThat(WorkItemReader.fromCommandOutput("[1,\r\n2]\r\n")).containsExactly(json("1"), json("2"));
    }

    @Test
    void lastLineWithoutNewlineIsKept() {
        assertThat(WorkItemReader.fromCommandOutput("a\nb"))
                .containsExactly(TextNode.valueOf("a"), TextNode.valueOf("b"));
    }

    // --- host values ---

    @Test
    void hostValuesAreConvertedToJson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("path", "src/a.rs");
        map.put("score", 7);
        map.put("tags", List.of("x", "y"));
        map.put("owner", null);

        List<JsonNode> items = WorkItemReader.fromValues(
                Arrays.asList(map, List.of(1, 2), null, "{\"stays\": \"a string\"}", 2.5, true));

        assertThat(items)
                .containsExactly(
                        json("{\"path\": \"src/a.rs\", \"score\": 7, \"tags\": [\"x\", \"y\"], \"owner\": null}"),
                        json("[1, 2]"),
                        NullNode.getInstance(),
                        TextNode.valueOf("{\"stays\": \"a string\"}"),
                        json("2.5"),
                        json("true"));
    }

    @Test
    void hostJsonNodesAreCopied() {
        ObjectNode node = MAPPER.createObjectNode().put("id", "a");

        JsonNode item = WorkItemReader.fromValues(List.of(node)).get(0);
        node.put("id", "changed");

        assertThat(item).isEqualTo(json("{\"id\": \"a\"}"));
    }

    @Test
    void unconvertibleHostValueNamesItsIndexAndType() {
        assertThatThrownBy(() -> WorkItemReader.fromValues(List.of("ok", new Object())))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageStartingWith("work item 1 (a java.lang.Object) cannot be converted to JSON");
    }

    // --- input detection ---

    @Test
    void existingFileRelativeToTheWorkingDirectoryIsAFile() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Path file = write("data/items.json", "[]");

        assertThat(WorkItemReader.looksLikeFile(dir, "data/items.json")).isTrue();
        assertThat(WorkItemReader.looksLikeFile(dir, " data/items.json\n")).isTrue();
        assertThat(WorkItemReader.looksLikeFile(dir.resolve("elsewhere"), file.toString()))
                .isTrue();
    }

    @Test
    void anythingElseIsACommand() throws IOException {
        Files.createDirectories(dir.resolve("data"));

        assertThat(WorkItemReader.looksLikeFile(dir, "missing.json")).isFalse();
        assertThat(WorkItemReader.looksLikeFile(dir, "data")).isFalse();
        assertThat(WorkItemReader.looksLikeFile(dir, "find . -name '*.rs'")).isFalse();
        assertThat(WorkItemReader.looksLikeFile(dir, "cat a.json |\n jq '.items'"))
                .isFalse();
        assertThat(WorkItemReader.looksLikeFile(dir, "bad\0name")).isFalse();
        assertThat(WorkItemReader.looksLikeFile(dir, "   ")).isFalse();
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
