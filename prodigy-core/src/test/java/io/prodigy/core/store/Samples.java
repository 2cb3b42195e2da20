package io.prodigy.core.store;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Values for store tests. */
final class Samples {
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");
    /** Text that a careless store would alter: quotes, escapes, control characters, non-ASCII, line breaks. */
    static final String NASTY = "quote \" backslash \\ tab \t newline \n cr \r nul \u0000 bell \u0007 "
            + "unicode é ü 中文 emoji 😀 lone surrogate \uD83D! ls \u2028 ps \u2029 json {\"a\":[1,2]} trailing spaces   ";

    private Samples() {}

    static RunRecord run(String runId, Instant startedAt) {
        return RunRecord.builder(runId, "wf", Path.of("/project"), startedAt)
                .workflowHash("hash-1")
                .metadata(Map.of("args", "[\"a\"]", "branch", "main"))
                .build();
    }

    static List<JournalEntry> everyJournalEntry() {
        return List.of(
                new JournalEntry.StepCompleted(T0, "0/setup/2", true, Map.of("x", "\"1\"", "y", "{\"k\":[1]}")),
                new JournalEntry.StepCompleted(T0.plusSeconds(1), "0/steps/0", false, Map.of()),
                new JournalEntry.ItemsResolved(
                        T0.plusSeconds(2), 0, List.of("item-1", "item-2"), "[{\"n\":1},{\"n\":2}]"),
                new JournalEntry.ItemDispatched(T0.plusSeconds(3), 0, "item-1", 1),
                new JournalEntry.ItemFinished(
                        T0.plusSeconds(4), 0, "item-1", ItemStatus.SUCCEEDED, "{\"item_id\":\"item-1\",\"ok\":true}"),
                new JournalEntry.ItemFinished(T0.plusSeconds(4), 0, "item-3", ItemStatus.NOT_RUN, null),
                new JournalEntry.ItemIntegrated(T0.plusSeconds(5), 0, "item-1", "abc123"),
                new JournalEntry.ItemIntegrated(T0.plusSeconds(5), 0, "item-2", null),
                new JournalEntry.ItemDeadLettered(T0.plusSeconds(6), 1, "item-2"),
                new JournalEntry.PhaseCompleted(T0.plusSeconds(7), 0, "map", Map.of("map.successful", "1")));
    }

    static DlqEntry dlq(String runId, String itemId, Instant first, Instant last, int attempts) {
        DlqEntry.Builder entry = DlqEntry.builder(runId, itemId)
                .itemJson("{\"id\":\"" + itemId + "\"}")
                .workspace(Path.of("/wt/" + itemId))
                .firstFailure(first)
                .lastFailure(last);
        for (int i = 1; i <= attempts; i++) {
            entry.attempt(FailedAttempt.of(
                            i, i == attempts ? last : first, ErrorKind.COMMAND_FAILED, "exit 1 on attempt " + i)
                    .withExitCode(1)
                    .withStep("shell: make")
                    .withLogLocation("/logs/" + itemId + "-" + i + ".log"));
        }
        return entry.build();
    }
}
