package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a resumed run numbers the attempts of items the interrupted run had dispatched. */
class ResumeStateAttemptsTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static ResumeState fold(JournalEntry... entries) {
        ResumeState s = new ResumeState(true);
        for (JournalEntry e : entries) {
            s.accept(e);
        }
        return s;
    }

    @Test
    void anItemNeverDispatchedStartsAtAttemptOne() {
        assertThat(fold().firstAttempt(0, "a")).isEqualTo(1);
    }

    @Test
    void anAttemptThatWasRunningWhenTheProcessDiedKeepsItsNumber() {
        ResumeState s =
                fold(new JournalEntry.ItemDispatched(AT, 0, "a", 1), new JournalEntry.ItemDispatched(AT, 0, "a", 2));

        assertThat(s.firstAttempt(0, "a")).as("re-attach to attempt 2").isEqualTo(2);
        assertThat(s.firstAttempt(1, "a")).as("another stage").isEqualTo(1);
    }

    @Test
    void afterAFinishedAttemptTheNextNumberFollowsAcrossResumes() {
        ResumeState s = fold(
                new JournalEntry.ItemDispatched(AT, 0, "a", 1),
                new JournalEntry.ItemDispatched(AT, 0, "a", 2),
                new JournalEntry.ItemFinished(AT, 0, "a", ItemStatus.FAILED, null),
                new JournalEntry.ItemDispatched(AT, 0, "b", 1),
                new JournalEntry.ItemFinished(AT, 0, "b", ItemStatus.CANCELLED, null));

        assertThat(s.firstAttempt(0, "a")).isEqualTo(3);
        assertThat(s.firstAttempt(0, "b")).isEqualTo(2);

        // a DLQ reprocess that ran attempt 3 and failed again: the next one is 4
        s.accept(new JournalEntry.ItemDispatched(AT, 0, "a", 3));
        s.accept(new JournalEntry.ItemFinished(AT, 0, "a", ItemStatus.FAILED, null));
        assertThat(s.firstAttempt(0, "a")).isEqualTo(4);
    }
}
