package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a resume decides of each item from the folded journal (one record per item and stage): settled or not,
 * its finish record, whether it was ever dispatched, integrated or dead-lettered, and that stages stay apart.
 */
class ResumeStateFoldTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static ResumeState fold(Set<String> rerunFromDlq, JournalEntry... entries) {
        ResumeState s = new ResumeState(rerunFromDlq::contains);
        for (JournalEntry e : entries) {
            s.accept(e);
        }
        return s;
    }

    @Test
    void eachItemsFateFollowsItsLastRecords() {
        JournalEntry.ItemFinished okA = new JournalEntry.ItemFinished(AT, 0, "a", ItemStatus.SUCCEEDED, "{\"a\":1}");
        JournalEntry.ItemFinished failB = new JournalEntry.ItemFinished(AT, 0, "b", ItemStatus.FAILED, "{}");
        JournalEntry.ItemFinished failC = new JournalEntry.ItemFinished(AT, 0, "c", ItemStatus.FAILED, "{}");
        JournalEntry.ItemFinished cancelledD = new JournalEntry.ItemFinished(AT, 0, "d", ItemStatus.CANCELLED, "{}");
        ResumeState s = fold(
                Set.of("c"),
                new JournalEntry.ItemDispatched(AT, 0, "a", 1),
                okA,
                new JournalEntry.ItemDispatched(AT, 0, "b", 1),
                failB,
                new JournalEntry.ItemDeadLettered(AT, 0, "b"),
                new JournalEntry.ItemDispatched(AT, 0, "c", 1),
                failC,
                new JournalEntry.ItemDeadLettered(AT, 0, "c"),
                new JournalEntry.ItemDispatched(AT, 0, "d", 1),
                cancelledD,
                new JournalEntry.ItemIntegrated(AT, 0, "e", "head-e"), // its finish record was lost
                new JournalEntry.ItemDispatched(AT, 0, "f", 1), // running when the process died
                new JournalEntry.ItemFinished(AT, 1, "a", ItemStatus.FAILED, "{}")); // another stage

        assertThat(s.itemSettled(0, "a")).isTrue();
        assertThat(s.settledEntry(0, "a")).isSameAs(okA);
        assertThat(s.succeededBefore(0, "a")).isTrue();

        assertThat(s.itemSettled(0, "b")).as("failed, in the DLQ, not rerun").isTrue();
        assertThat(s.settledEntry(0, "b")).isSameAs(failB);
        assertThat(s.deadLettered(0, "b")).isTrue();
        assertThat(s.succeededBefore(0, "b")).isFalse();

        assertThat(s.itemSettled(0, "c")).as("failed, in the DLQ, rerun").isFalse();
        assertThat(s.settledEntry(0, "c")).isNull();
        assertThat(s.finishedEntry(0, "c")).isSameAs(failC);

        assertThat(s.itemSettled(0, "d")).as("cancelled: runs again").isFalse();
        assertThat(s.finishedEntry(0, "d")).isSameAs(cancelledD);

        assertThat(s.itemSettled(0, "e")).isTrue();
        assertThat(s.integrated(0, "e")).isTrue();
        assertThat(s.settledEntry(0, "e"))
                .as("settled by its integration alone")
                .isNull();
        assertThat(s.everDispatched(0, "e")).isTrue();
        assertThat(s.succeededBefore(0, "e")).isTrue();

        assertThat(s.itemSettled(0, "f")).isFalse();
        assertThat(s.everDispatched(0, "f")).isTrue();
        assertThat(s.firstAttempt(0, "f")).isEqualTo(1);

        assertThat(s.everDispatched(0, "g")).as("never named").isFalse();
        assertThat(s.itemSettled(0, "g")).isFalse();
        assertThat(s.deadLettered(0, "g")).isFalse();
        assertThat(s.integrated(0, "g")).isFalse();
        assertThat(s.finishedEntry(0, "g")).isNull();

        assertThat(s.itemSettled(1, "a")).as("stage 1's record of a").isTrue();
        assertThat(s.integrated(1, "e")).isFalse();
        assertThat(s.entries()).isEqualTo(13);
    }

    @Test
    void aLaterFinishReplacesAnEarlierOneAndAnEarlierDispatchDoesNotLowerTheAttempt() {
        JournalEntry.ItemFinished second = new JournalEntry.ItemFinished(AT, 0, "a", ItemStatus.SUCCEEDED, "{}");
        ResumeState s = fold(
                Set.of(),
                new JournalEntry.ItemDispatched(AT, 0, "a", 2),
                new JournalEntry.ItemFinished(AT, 0, "a", ItemStatus.FAILED, "{}"),
                new JournalEntry.ItemDispatched(AT, 0, "a", 1), // out of order: attempt 2 stays the last
                second);
        assertThat(s.settledEntry(0, "a")).isSameAs(second);
        assertThat(s.firstAttempt(0, "a")).isEqualTo(3);
    }
}
