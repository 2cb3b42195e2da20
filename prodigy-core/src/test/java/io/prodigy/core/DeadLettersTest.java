package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private final InMemoryDlqStore store = new InMemoryDlqStore();
    private final DeadLetters dlq = new DeadLetters(store);

    private void add(String item, ErrorKind kind, String message, Instant at) {
        store.add(DlqEntry.builder("r", item)
                .itemJson("{\"id\":\"" + item + "\"}")
                .attempt(FailedAttempt.of(1, at, kind, message).withExitCode(1).withStep("step"))
                .workspace(Path.of("/tmp/ws-" + item))
                .build());
    }

    @Test
    void statsGroupByErrorPatternIgnoringPathsAndNumbers() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        add("a", ErrorKind.COMMAND_FAILED, "cargo test failed in src/a.rs after 12 tests", t);
        add("b", ErrorKind.COMMAND_FAILED, "cargo test failed in src/b.rs after 7 tests", t.plusSeconds(5));
        add("c", ErrorKind.TIMEOUT, "step timed out", t);
        List<DeadLetters.PatternStats> stats = dlq.stats("r");
        assertThat(stats).hasSize(2);
        assertThat(stats.get(0).count()).isEqualTo(2);
        assertThat(stats.get(0).pattern()).isEqualTo("COMMAND_FAILED::cargo test failed in after tests");
        assertThat(stats.get(0).sampleItemIds()).containsExactly("a", "b");
        assertThat(stats.get(0).lastSeen()).isEqualTo(t.plusSeconds(5));
        store.markResolved("r", "c");
        assertThat(dlq.stats("r")).hasSize(1);
        assertThat(dlq.list("r", false)).extracting(DlqEntry::itemId).containsExactly("a", "b");
        assertThat(dlq.list("r", true)).hasSize(3);
    }

    @Test
    void statsLeaveOutTheItemIdThatTheEnginePutsInItsMessages() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (String id : List.of("item_0", "item_1", "item_2", "item-alpha")) {
            add(
                    id,
                    ErrorKind.COMMAND_FAILED,
                    "step 1 'shell: ./fix.sh' in map (item " + id + ") exited with code 3: no fix for " + id,
                    t);
        }
        List<DeadLetters.PatternStats> stats = dlq.stats("r");
        assertThat(stats).singleElement().satisfies(s -> {
            assertThat(s.count()).isEqualTo(4);
            assertThat(s.pattern()).doesNotContain("item_0").doesNotContain("item-alpha");
        });
    }

    @Test
    void exportWritesJsonLinesAndQuotedCsv() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        add("x", ErrorKind.COMMAND_FAILED, "boom, \"quoted\"\nsecond line", t);
        StringWriter json = new StringWriter();
        assertThat(dlq.export("r", DeadLetters.Format.JSONL, json)).isEqualTo(1);
        JsonNode line = new ObjectMapper().readTree(json.toString());
        assertThat(line.path("item").path("id").asText()).isEqualTo("x");
        assertThat(line.path("attempts").get(0).path("message").asText()).isEqualTo("boom, \"quoted\"\nsecond line");
        StringWriter csv = new StringWriter();
        dlq.export("r", DeadLetters.Format.CSV, csv);
        assertThat(csv.toString()).startsWith("item_id,status").contains("\"boom, \"\"quoted\"\"\nsecond line\"");
    }

    @Test
    void purgeByAgeAndAll() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        add("old", ErrorKind.UNKNOWN, "x", t);
        add("new", ErrorKind.UNKNOWN, "x", t.plusSeconds(3600));
        assertThat(dlq.purgeOlderThan("r", t.plusSeconds(60))).isEqualTo(1);
        assertThat(dlq.list("r", true)).extracting(DlqEntry::itemId).containsExactly("new");
        assertThat(dlq.purge("r")).isEqualTo(1);
        assertThat(dlq.inspect("r", "new")).isEmpty();
    }
}
