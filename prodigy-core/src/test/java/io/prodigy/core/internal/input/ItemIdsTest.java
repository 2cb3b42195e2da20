package io.prodigy.core.internal.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemIdsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    // --- idFor ---

    @Test
    void idFieldValueIsTheId() {
        JsonNode item = json("{\"id\": \"parser-fix\", \"meta\": {\"key\": 42, \"flag\": true}}");

        assertThat(ItemIds.idFor(item, 3, "id")).isEqualTo("parser-fix");
        assertThat(ItemIds.idFor(item, 3, "meta.key")).isEqualTo("42");
        assertThat(ItemIds.idFor(item, 3, "meta.flag")).isEqualTo("true");
    }

    @Test
    void withoutAUsableIdFieldTheIdComesFromTheIndex() {
        JsonNode item = json("{\"id\": null, \"blank\": \"  \", \"meta\": {\"key\": [1]}, \"obj\": {}}");

        assertThat(ItemIds.idFor(item, 0, null)).isEqualTo("item_0");
        assertThat(ItemIds.idFor(item, 7, " ")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(item, 7, "id")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(item, 7, "blank")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(item, 7, "missing")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(item, 7, "meta.key")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(item, 7, "obj")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(item, 7, "meta.key.deeper")).isEqualTo("item_7");
        assertThat(ItemIds.idFor(TextNode.valueOf("src/a.rs"), 2, "id")).isEqualTo("item_2");
        assertThatThrownBy(() -> ItemIds.idFor(item, -1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- assignIds ---

    @Test
    void duplicateIdsGetNumberedSuffixesInOrder() {
        List<JsonNode> items = List.of(
                json("{\"id\": \"a\"}"),
                json("{\"id\": \"b\"}"),
                json("{\"id\": \"a\"}"),
                json("{\"id\": \"a\"}"),
                json("{}"),
                json("{\"id\": \"item_4\"}"));

        assertThat(ItemIds.assignIds(items, "id")).containsExactly("a", "b", "a-2", "a-3", "item_4", "item_4-2");
    }

    @Test
    void suffixesSkipIdsThatAreAlreadyTaken() {
        List<JsonNode> items = List.of(
                json("{\"id\": \"a\"}"), json("{\"id\": \"a-2\"}"), json("{\"id\": \"a\"}"), json("{\"id\": \"a-2\"}"));

        List<String> ids = ItemIds.assignIds(items, "id");

        assertThat(ids).containsExactly("a", "a-2", "a-3", "a-2-2").doesNotHaveDuplicates();
    }

    @Test
    void indexIdsAreUniqueWithoutAnIdField() {
        assertThat(ItemIds.assignIds(List.of(json("1"), json("1"), json("1")), null))
                .containsExactly("item_0", "item_1", "item_2");
    }

    // --- sanitize ---

    @Test
    void safeIdsAreUnchanged() {
        for (String id : new String[] {"item_0", "parser-fix", "v1.2.3", "A_b-C.d", "x--y", "trailing-"}) {
            assertThat(ItemIds.sanitize(id)).isEqualTo(id);
        }
    }

    @Test
    void pathTraversalIsDefused() {
        assertThat(ItemIds.sanitize("../../x")).isEqualTo("x-" + hash("../../x"));
        assertThat(ItemIds.sanitize("..")).isEqualTo(hash(".."));
        assertThat(ItemIds.sanitize(".")).isEqualTo(hash("."));
        assertThat(ItemIds.sanitize(".hidden")).isEqualTo("hidden-" + hash(".hidden"));
    }

    @Test
    void spacesSlashesAndOtherCharactersBecomeSingleDashes() {
        assertThat(ItemIds.sanitize("a b")).isEqualTo("a-b-" + hash("a b"));
        assertThat(ItemIds.sanitize("refs/heads/x")).isEqualTo("refs-heads-x-" + hash("refs/heads/x"));
        assertThat(ItemIds.sanitize("a  /\\  b")).isEqualTo("a-b-" + hash("a  /\\  b"));
        assertThat(ItemIds.sanitize("-rf *")).isEqualTo("rf-" + hash("-rf *"));
    }

    @Test
    void gitRefHazardsAreRemoved() {
        assertThat(ItemIds.sanitize("a..b")).isEqualTo("a.b-" + hash("a..b"));
        assertThat(ItemIds.sanitize("name.")).isEqualTo("name-" + hash("name."));
        assertThat(ItemIds.sanitize("branch.lock")).isEqualTo("branch.lock-" + hash("branch.lock"));
        assertThat(ItemIds.sanitize("x@{1}")).isEqualTo("x-1-" + hash("x@{1}"));
    }

    @Test
    void unicodeIsReplacedAndIdsDifferingOnlyThereStayDistinct() {
        String cafe = ItemIds.sanitize("caf\u00e9");
        String japanese = ItemIds.sanitize("\u65e5\u672c\u8a9e");
        String emoji = ItemIds.sanitize("fix \uD83D\uDE80 now");

        assertThat(cafe).isEqualTo("caf-" + hash("caf\u00e9"));
        assertThat(japanese).isEqualTo(hash("\u65e5\u672c\u8a9e"));
        assertThat(emoji).isEqualTo("fix-now-" + hash("fix \uD83D\uDE80 now"));
        assertThat(ItemIds.sanitize("caf\u00e8")).isNotEqualTo(cafe);
    }

    @Test
    void emptyIdBecomesItsHash() {
        assertThat(ItemIds.sanitize("")).isEqualTo(hash("")).isEqualTo("e3b0c442");
    }

    @Test
    void longIdsAreCutAndHashed() {
        String longId = "a".repeat(300);
        String otherLongId = "a".repeat(299) + "b";

        String sanitized = ItemIds.sanitize(longId);

        assertThat(sanitized).hasSize(ItemIds.MAX_SANITIZED_LENGTH).isEqualTo("a".repeat(71) + "-" + hash(longId));
        assertThat(ItemIds.sanitize(otherLongId)).hasSize(80).isNotEqualTo(sanitized);
        assertThat(ItemIds.sanitize("a".repeat(80))).isEqualTo("a".repeat(80));
        assertThat(ItemIds.sanitize("a".repeat(81))).hasSize(80);
    }

    @Test
    void sanitizedIdsAreStableSafeAndUsableAsFileNames(@TempDir Path dir) throws IOException {
        String[] hostile = {
            "../../x",
            "a b",
            "refs/heads/x",
            "x".repeat(300),
            "\u00fc\u00f1\u00ee",
            "",
            ".",
            "..",
            "-",
            "a/./b",
            "con:out",
            "tab\there",
            "new\nline",
            "..lock",
            "\u0000nul"
        };
        for (String id : hostile) {
            String sanitized = ItemIds.sanitize(id);

            assertThat(sanitized)
                    .as(id)
                    .matches(SAFE)
                    .doesNotContain("..")
                    .doesNotEndWith(".")
                    .doesNotEndWith(".lock")
                    .hasSizeLessThanOrEqualTo(80);
            assertThat(ItemIds.sanitize(id)).isEqualTo(sanitized);
            assertThat(ItemIds.sanitize(sanitized))
                    .as("sanitized ids are safe ids")
                    .isEqualTo(sanitized);
            Path file = Files.createFile(dir.resolve(sanitized));
            assertThat(file.getParent()).isEqualTo(dir);
        }
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
