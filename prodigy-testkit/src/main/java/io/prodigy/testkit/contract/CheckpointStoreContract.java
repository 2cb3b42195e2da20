package io.prodigy.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@link CheckpointStore} contract, as its Javadoc states it: records are read back as written; a run's journal
 * is read back in append order, also when several threads append at once; {@code journal} of an unknown run is empty;
 * {@code updateStatus} and {@code updateRun} change the record and leave the journal alone; {@code runs} lists every
 * run newest first; {@code forEachEntry} streams the journal in order; and failures - a run created twice, an append
 * to or an update of a run that does not exist - are reported with {@link StoreException}.
 *
 * <p>Extend it and implement {@link #createStore(Path)}; a store that is {@link AutoCloseable} is closed after each
 * test. A durable store also overrides {@link #reopen(Object, Path)}, and is then checked to keep its state
 * across instances.
 *
 * <pre>{@code
 * class MyCheckpointStoreTest extends CheckpointStoreContract {
 *     @Override
 *     protected CheckpointStore createStore(Path directory) {
 *         return new MyCheckpointStore(directory);
 *     }
 * }
 * }</pre>
 */
public abstract class CheckpointStoreContract extends StoreContract<CheckpointStore> {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.125Z");

    /** For subclasses. */
    protected CheckpointStoreContract() {}

    /**
     * @param runId the run's id
     * @param startedAt when it started
     * @return a record of a running run, with a workspace and metadata
     */
    protected static RunRecord record(String runId, Instant startedAt) {
        return RunRecord.builder(runId, "contract-workflow", Path.of("project"), startedAt)
                .workflowHash("hash-" + runId)
                .workspace(Path.of("workspace", runId))
                .metadata(Map.of("args", "--flag value", "branch", "main"))
                .build();
    }

    /** @return one entry of each kind, at increasing times */
    protected static List<JournalEntry> oneOfEachKind() {
        return List.of(
                new JournalEntry.StepCompleted(T0.plusMillis(1), "0/setup/0", true, Map.of("files", "\"a.txt\"")),
                new JournalEntry.PhaseCompleted(T0.plusMillis(2), 0, "setup", Map.of("count", "3")),
                new JournalEntry.ItemsResolved(
                        T0.plusMillis(3), 0, List.of("a", "b"), "[{\"id\":\"a\"},{\"id\":\"b\"}]"),
                new JournalEntry.ItemDispatched(T0.plusMillis(4), 0, "a", 1),
                new JournalEntry.ItemFinished(
                        T0.plusMillis(5), 0, "a", ItemStatus.SUCCEEDED, "{\"item_id\":\"a\",\"status\":\"success\"}"),
                new JournalEntry.ItemIntegrated(T0.plusMillis(6), 0, "a", "0123456789abcdef0123456789abcdef01234567"),
                new JournalEntry.ItemDispatched(T0.plusMillis(7), 0, "b", 1),
                new JournalEntry.ItemFinished(
                        T0.plusMillis(8), 0, "b", ItemStatus.FAILED, "{\"item_id\":\"b\",\"status\":\"failed\"}"),
                new JournalEntry.ItemDeadLettered(T0.plusMillis(9), 0, "b"),
                new JournalEntry.PhaseCompleted(T0.plusMillis(10), 0, "map", Map.of()));
    }

    @Test
    void aCreatedRunIsFoundAsWritten() {
        RunRecord r = record("run-1", T0);
        store().createRun(r);
        assertThat(store().findRun("run-1")).contains(r);
    }

    @Test
    void anUnknownRunIsNotFoundAndHasAnEmptyJournal() {
        assertThat(store().findRun("no-such-run")).isEmpty();
        assertThat(store().journal("no-such-run")).isEmpty();
        assertThat(store().runs()).isEmpty();
    }

    @Test
    void aNewRunHasAnEmptyJournal() {
        store().createRun(record("run-1", T0));
        assertThat(store().journal("run-1")).isEmpty();
    }

    @Test
    void theJournalReturnsEveryKindOfEntryInAppendOrder() {
        store().createRun(record("run-1", T0));
        List<JournalEntry> entries = oneOfEachKind();
        entries.forEach(e -> store().append("run-1", e));
        assertThat(store().journal("run-1")).containsExactlyElementsOf(entries);
    }

    @Test
    void forEachEntryStreamsTheJournalInOrder() {
        store().createRun(record("run-1", T0));
        List<JournalEntry> entries = oneOfEachKind();
        entries.forEach(e -> store().append("run-1", e));
        List<JournalEntry> streamed = new ArrayList<>();
        store().forEachEntry("run-1", streamed::add);
        assertThat(streamed).containsExactlyElementsOf(entries);
    }

    @Test
    void journalsOfRunsAreKeptApart() {
        store().createRun(record("run-1", T0));
        store().createRun(record("run-2", T0.plusSeconds(1)));
        JournalEntry one = new JournalEntry.ItemDispatched(T0, 0, "a", 1);
        JournalEntry two = new JournalEntry.ItemDispatched(T0, 0, "b", 1);
        store().append("run-1", one);
        store().append("run-2", two);
        assertThat(store().journal("run-1")).containsExactly(one);
        assertThat(store().journal("run-2")).containsExactly(two);
    }

    @Test
    void concurrentAppendsAreAllKeptInEachThreadsOrder() throws Exception {
        store().createRun(record("run-1", T0));
        int threads = 8;
        int perThread = 40;
        runTogether(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                store().append(
                                "run-1",
                                new JournalEntry.ItemDispatched(
                                        T0.plusMillis(i), thread, "t" + thread + "-" + i, i + 1));
            }
        });
        List<JournalEntry> journal = store().journal("run-1");
        assertThat(journal).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            List<Integer> attempts = journal.stream()
                    .map(JournalEntry.ItemDispatched.class::cast)
                    .filter(e -> e.stage() == thread)
                    .map(JournalEntry.ItemDispatched::attempt)
                    .toList();
            assertThat(attempts)
                    .as("thread %d's entries in its order", t)
                    .isSorted()
                    .hasSize(perThread);
        }
    }

    @Test
    void updateStatusChangesTheStatusAndTimeButNotTheJournal() {
        store().createRun(record("run-1", T0));
        JournalEntry e = new JournalEntry.ItemDispatched(T0, 0, "a", 1);
        store().append("run-1", e);
        Instant at = T0.plusSeconds(30);
        store().updateStatus("run-1", RunStatus.SUCCEEDED, at);
        RunRecord found = store().findRun("run-1").orElseThrow();
        assertThat(found.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(found.updatedAt()).isEqualTo(at);
        assertThat(found.startedAt()).isEqualTo(T0);
        assertThat(found.metadata()).isEqualTo(record("run-1", T0).metadata());
        assertThat(store().journal("run-1")).containsExactly(e);
    }

    @Test
    void updateRunReplacesTheRecordButNotTheJournal() {
        store().createRun(record("run-1", T0));
        JournalEntry e = new JournalEntry.ItemDispatched(T0, 0, "a", 1);
        store().append("run-1", e);
        RunRecord changed = record("run-1", T0).toBuilder()
                .status(RunStatus.FAILED)
                .workspace(Path.of("elsewhere"))
                .updatedAt(T0.plusSeconds(5))
                .metadata(Map.of("branch", "feature"))
                .build();
        store().updateRun(changed);
        assertThat(store().findRun("run-1")).contains(changed);
        assertThat(store().journal("run-1")).containsExactly(e);
    }

    @Test
    void runsListsEveryRunNewestFirst() {
        store().createRun(record("middle", T0.plusSeconds(10)));
        store().createRun(record("oldest", T0));
        store().createRun(record("newest", T0.plusSeconds(20)));
        assertThat(store().runs()).extracting(RunRecord::runId).containsExactly("newest", "middle", "oldest");
    }

    @Test
    void creatingARunTwiceFailsWithStoreException() {
        store().createRun(record("run-1", T0));
        assertThatThrownBy(() -> store().createRun(record("run-1", T0))).isInstanceOf(StoreException.class);
    }

    @Test
    void appendingToAnUnknownRunFailsWithStoreException() {
        assertThatThrownBy(() -> store().append("no-such-run", new JournalEntry.ItemDispatched(T0, 0, "a", 1)))
                .isInstanceOf(StoreException.class);
    }

    @Test
    void updatingAnUnknownRunFailsWithStoreException() {
        assertThatThrownBy(() -> store().updateStatus("no-such-run", RunStatus.FAILED, T0))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store().updateRun(record("no-such-run", T0))).isInstanceOf(StoreException.class);
    }

    @Test
    void aReopenedStoreKeepsRecordsAndJournals() throws Exception {
        RunRecord r = record("run-1", T0);
        store().createRun(r);
        List<JournalEntry> entries = oneOfEachKind();
        entries.forEach(e -> store().append("run-1", e));
        store().updateStatus("run-1", RunStatus.CANCELLED, T0.plusSeconds(9));
        CheckpointStore again = reopened();
        assertThat(again.findRun("run-1")).contains(r.withStatus(RunStatus.CANCELLED, T0.plusSeconds(9)));
        assertThat(again.journal("run-1")).containsExactlyElementsOf(entries);
        assertThat(again.runs()).extracting(RunRecord::runId).containsExactly("run-1");
    }
}
