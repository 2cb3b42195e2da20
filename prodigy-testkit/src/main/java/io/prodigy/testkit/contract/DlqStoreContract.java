package io.prodigy.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.FailedAttempt;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link DlqStore} contract, as its Javadoc states it: entries are read back as added, listed (and streamed) in
 * the order they were first added; adding an entry for an item that already has one merges the attempts into it;
 * {@code markResolved} marks it; {@code purge} and {@code purgeOlderThan} delete and count what they deleted;
 * {@code runIds} names the runs that have entries; runs are kept apart; and it is thread-safe.
 *
 * <p>Extend it and implement {@link #createStore(Path)}; a store that is {@link AutoCloseable} is closed after each
 * test. A durable store also overrides {@link #reopen(Object, Path)}.
 *
 * <pre>{@code
 * class MyDlqStoreTest extends DlqStoreContract {
 *     @Override
 *     protected DlqStore createStore(Path directory) {
 *         return new MyDlqStore(directory);
 *     }
 * }
 * }</pre>
 */
public abstract class DlqStoreContract extends StoreContract<DlqStore> {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.250Z");

    /** For subclasses. */
    protected DlqStoreContract() {}

    /**
     * @param runId the run
     * @param itemId the item
     * @param attempt the attempt number
     * @param at when it failed
     * @return an unresolved entry with one failed attempt
     */
    protected static DlqEntry entry(String runId, String itemId, int attempt, Instant at) {
        FailedAttempt failed = FailedAttempt.of(
                        attempt, at, ErrorKind.COMMAND_FAILED, "attempt " + attempt + " of " + itemId + " failed")
                .withExitCode(1)
                .withStep("claude: /fix " + itemId);
        return DlqEntry.builder(runId, itemId)
                .itemJson("{\"id\":\"" + itemId + "\"}")
                .attempt(failed)
                .build();
    }

    @Test
    void anAddedEntryIsFoundAndListedAsAdded() {
        DlqEntry e = entry("run-1", "a", 1, T0);
        store().add(e);
        assertThat(store().find("run-1", "a")).contains(e);
        assertThat(store().list("run-1")).containsExactly(e);
    }

    @Test
    void nothingIsFoundForAnUnknownRunOrItem() {
        store().add(entry("run-1", "a", 1, T0));
        assertThat(store().find("run-1", "b")).isEmpty();
        assertThat(store().find("run-2", "a")).isEmpty();
        assertThat(store().list("run-2")).isEmpty();
    }

    @Test
    void entriesAreListedAndStreamedInTheOrderTheyWereFirstAdded() {
        store().add(entry("run-1", "c", 1, T0));
        store().add(entry("run-1", "a", 1, T0.plusSeconds(1)));
        store().add(entry("run-1", "b", 1, T0.plusSeconds(2)));
        store().add(entry("run-1", "c", 2, T0.plusSeconds(3)));
        assertThat(store().list("run-1")).extracting(DlqEntry::itemId).containsExactly("c", "a", "b");
        List<String> streamed = new ArrayList<>();
        store().forEach("run-1", e -> streamed.add(e.itemId()));
        assertThat(streamed).containsExactly("c", "a", "b");
    }

    @Test
    void addingAnEntryForAnItemThatHasOneMergesTheAttempts() {
        store().add(entry("run-1", "a", 1, T0));
        store().add(entry("run-1", "a", 2, T0.plusSeconds(5)));
        DlqEntry merged = store().find("run-1", "a").orElseThrow();
        assertThat(merged.attempts()).extracting(FailedAttempt::attempt).containsExactly(1, 2);
        assertThat(merged.lastAttempt().message()).isEqualTo("attempt 2 of a failed");
        assertThat(merged.lastFailure()).isEqualTo(T0.plusSeconds(5));
        assertThat(store().list("run-1")).hasSize(1);
    }

    @Test
    void markResolvedMarksOnlyThatItem() {
        store().add(entry("run-1", "a", 1, T0));
        store().add(entry("run-1", "b", 1, T0));
        store().markResolved("run-1", "a");
        assertThat(store().find("run-1", "a").orElseThrow().resolved()).isTrue();
        assertThat(store().find("run-1", "b").orElseThrow().resolved()).isFalse();
        assertThat(store().find("run-1", "a").orElseThrow().attempts()).hasSize(1);
    }

    @Test
    void purgeDeletesARunsEntriesAndCountsThem() {
        store().add(entry("run-1", "a", 1, T0));
        store().add(entry("run-1", "b", 1, T0));
        store().add(entry("run-2", "a", 1, T0));
        assertThat(store().purge("run-1")).isEqualTo(2);
        assertThat(store().list("run-1")).isEmpty();
        assertThat(store().find("run-1", "a")).isEmpty();
        assertThat(store().list("run-2")).hasSize(1);
        assertThat(store().purge("run-1")).isZero();
        assertThat(store().purge("no-such-run")).isZero();
    }

    @Test
    void purgeOlderThanDeletesOnlyEntriesWhoseLastFailureIsBeforeTheCutoff() {
        store().add(entry("run-1", "old", 1, T0));
        store().add(entry("run-1", "retried", 1, T0));
        store().add(entry("run-1", "retried", 2, T0.plusSeconds(100)));
        store().add(entry("run-1", "new", 1, T0.plusSeconds(100)));
        assertThat(store().purgeOlderThan("run-1", T0.plusSeconds(50))).isEqualTo(1);
        assertThat(store().list("run-1")).extracting(DlqEntry::itemId).containsExactly("retried", "new");
        assertThat(store().purgeOlderThan("no-such-run", T0)).isZero();
    }

    @Test
    void runIdsNamesTheRunsThatHaveEntries() {
        assertThat(store().runIds()).isEmpty();
        store().add(entry("run-1", "a", 1, T0));
        store().add(entry("run-2", "a", 1, T0));
        assertThat(store().runIds()).containsExactlyInAnyOrder("run-1", "run-2");
        store().purge("run-1");
        assertThat(store().runIds()).containsExactly("run-2");
    }

    @Test
    void concurrentAddsKeepEveryAttempt() throws Exception {
        int threads = 8;
        int perThread = 25;
        runTogether(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                store().add(entry("run-1", "own-" + thread + "-" + i, 1, T0));
                store().add(entry("run-1", "shared", thread * perThread + i + 1, T0.plusMillis(i)));
            }
        });
        assertThat(store().list("run-1")).hasSize(threads * perThread + 1);
        assertThat(store().find("run-1", "shared").orElseThrow().attempts()).hasSize(threads * perThread);
    }

    @Test
    void aReopenedStoreKeepsItsEntries() throws Exception {
        store().add(entry("run-1", "a", 1, T0));
        store().add(entry("run-1", "a", 2, T0.plusSeconds(1)));
        store().add(entry("run-1", "b", 1, T0));
        store().markResolved("run-1", "b");
        DlqStore again = reopened();
        assertThat(again.list("run-1")).extracting(DlqEntry::itemId).containsExactly("a", "b");
        assertThat(again.find("run-1", "a").orElseThrow().attempts()).hasSize(2);
        assertThat(again.find("run-1", "b").orElseThrow().resolved()).isTrue();
    }
}
