package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemResultCodecTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:15:30Z");

    /** What the previous version wrote for a timed-out item: the field order is part of the format. */
    private static final String TIMED_OUT = "{\"item_id\":\"item-1\",\"status\":\"Timeout\",\"item_status\":\"failed\","
            + "\"output\":\"out\",\"commits\":[\"c1\"],\"files_modified\":[\"a.txt\"],"
            + "\"duration\":{\"secs\":1,\"nanos\":500000000},\"worktree_path\":\"worktrees/session-1\","
            + "\"branch_name\":\"prodigy-x\",\"worktree_session_id\":\"session-1\",\"json_log_location\":null,"
            + "\"duration_ms\":1500,\"attempts\":2,\"error\":\"took too long\",\"error_kind\":\"TIMEOUT\","
            + "\"cost_usd\":0.25}";

    private static final String SUCCEEDED = "{\"item_id\":\"item-2\",\"status\":\"Success\","
            + "\"item_status\":\"succeeded\",\"output\":\"\",\"commits\":[],\"files_modified\":[],"
            + "\"duration\":{\"secs\":0,\"nanos\":0},\"error\":null,\"worktree_path\":null,\"branch_name\":null,"
            + "\"worktree_session_id\":null,\"json_log_location\":null,\"duration_ms\":0,\"attempts\":1}";

    private static RecordedItemResult timedOut() {
        return new RecordedItemResult(
                "item-1",
                ItemStatus.FAILED,
                "out",
                List.of("c1"),
                List.of("a.txt"),
                Duration.ofMillis(1500),
                2,
                "took too long",
                ErrorKind.TIMEOUT,
                Path.of("worktrees", "session-1"),
                "prodigy-x",
                0.25);
    }

    private static JournalEntry.ItemFinished finished(String id, ItemStatus status, String json) {
        return new JournalEntry.ItemFinished(AT, 0, id, status, json);
    }

    @Test
    void writesTheFieldsInTheOrderThePreviousVersionWrote() {
        assertThat(ItemResultCodec.encode(timedOut())).isEqualTo(TIMED_OUT);
        assertThat(ItemResultCodec.encode(RecordedItemResult.statusOnly("item-2", ItemStatus.SUCCEEDED)))
                .isEqualTo(SUCCEEDED);
    }

    @Test
    void aFailureThatIsNotATimeoutCarriesItsMessageInTheRustStatus() {
        RecordedItemResult r = new RecordedItemResult(
                "i", ItemStatus.FAILED, null, null, null, null, 1, "boom", ErrorKind.COMMAND_FAILED, null, null, null);
        assertThat(ItemResultCodec.toJson(r).path("status").path("Failed").asText())
                .isEqualTo("boom");
        RecordedItemResult cancelled = RecordedItemResult.statusOnly("i", ItemStatus.CANCELLED);
        assertThat(ItemResultCodec.toJson(cancelled)
                        .path("status")
                        .path("Failed")
                        .asText())
                .isEqualTo("cancelled");
    }

    @Test
    void readsWhatThePreviousVersionWrote() {
        RecordedItemResult r = ItemResultCodec.decode(finished("item-1", ItemStatus.FAILED, TIMED_OUT))
                .orElseThrow();
        assertThat(r).isEqualTo(timedOut());
        RecordedItemResult ok = ItemResultCodec.decode(finished("item-2", ItemStatus.SUCCEEDED, SUCCEEDED))
                .orElseThrow();
        assertThat(ok).isEqualTo(RecordedItemResult.statusOnly("item-2", ItemStatus.SUCCEEDED));
    }

    @Test
    void roundTripsThroughTheJournalRecord() {
        RecordedItemResult r = timedOut();
        assertThat(ItemResultCodec.decode(finished("item-1", ItemStatus.FAILED, ItemResultCodec.encode(r))))
                .contains(r);
    }

    @Test
    void theRecordsStatusAndIdWinAndMissingFieldsTakeDefaults() {
        RecordedItemResult r = ItemResultCodec.decode(
                        finished(
                                "item-9",
                                ItemStatus.FAILED,
                                "{\"item_id\":\"other\",\"item_status\":\"succeeded\",\"error\":\"x\",\"error_kind\":\"NEW_KIND\"}"))
                .orElseThrow();
        assertThat(r.itemId()).isEqualTo("item-9");
        assertThat(r.status()).isEqualTo(ItemStatus.FAILED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.duration()).isEqualTo(Duration.ZERO);
        assertThat(r.output()).isEmpty();
        assertThat(r.error()).isEqualTo("x");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.UNKNOWN);
        assertThat(r.costUsd()).isNull();
    }

    @Test
    void aMissingOrUnreadableResultIsEmpty() {
        assertThat(ItemResultCodec.decode(finished("i", ItemStatus.SUCCEEDED, null)))
                .isEmpty();
        assertThat(ItemResultCodec.decode(finished("i", ItemStatus.SUCCEEDED, "{\"output\": \"***")))
                .isEmpty();
        assertThat(ItemResultCodec.decode(finished("i", ItemStatus.SUCCEEDED, "[1]")))
                .isEmpty();
    }
}
