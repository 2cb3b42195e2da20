package io.prodigy.benchmarks;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.core.store.FileDlqStore;
import io.prodigy.core.store.JsonlEventLog;
import io.prodigy.core.store.SyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable stores: a journal append ({@link FileCheckpointStore}) under each {@link SyncPolicy} - with
 * {@code EVERY_RECORD} concurrent appends share one sync (group commit), so run it with several threads
 * ({@code -t 8}) to see it - a DLQ append ({@link FileDlqStore}), and an event written to the JSONL event log
 * ({@link JsonlEventLog}, which includes encoding it). Files go to a temporary directory under
 * {@code java.io.tmpdir}; the figures depend on that file system.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StoreBenchmark {
    static final String RUN = "run-bench";

    /** When journal records are synced. */
    @Param({"BATCHED", "EVERY_RECORD", "OS"})
    public SyncPolicy sync;

    Path dir;
    FileCheckpointStore journal;
    FileDlqStore dlq;
    JsonlEventLog events;
    final AtomicLong sequence = new AtomicLong();
    final Instant at = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * Creates the stores and the run.
     *
     * @throws IOException if the temporary directory cannot be created
     */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("prodigy-store-bench");
        journal = FileCheckpointStore.builder(dir).syncPolicy(sync).build();
        dlq = FileDlqStore.builder(dir).syncPolicy(sync).build();
        events = new JsonlEventLog(dir);
        journal.createRun(RunRecord.builder(RUN, "bench", dir, at)
                .workflowHash("hash")
                .workspace(dir)
                .build());
    }

    /**
     * Closes the stores and deletes the files.
     *
     * @throws IOException if they cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.close();
        dlq.close();
        events.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One item's journal record, as the engine writes it when an item finishes. */
    @Benchmark
    public void journalAppend() {
        journal.append(
                RUN,
                new JournalEntry.ItemFinished(
                        at,
                        0,
                        "item_" + sequence.incrementAndGet(),
                        ItemStatus.SUCCEEDED,
                        "{\"item_id\":\"item_1\",\"status\":\"succeeded\",\"output\":\"done\"}"));
    }

    /** The same from 8 threads at once: under {@code EVERY_RECORD} they share syncs. */
    @Benchmark
    @Threads(8)
    public void journalAppend8Threads() {
        journalAppend();
    }

    /** A failed item's DLQ entry with one attempt. */
    @Benchmark
    public void dlqAppend() {
        String id = "item_" + sequence.incrementAndGet();
        FailedAttempt attempt =
                new FailedAttempt(1, at, ErrorKind.COMMAND_FAILED, "exit 1: tests failed", 1, "claude: /fix", null);
        dlq.add(new DlqEntry(RUN, id, "{\"path\":\"src/a.rs\",\"score\":7}", List.of(attempt), dir, false, at, at));
    }

    /** An ItemFinished event encoded and appended to the run's event log. */
    @Benchmark
    public void eventAppend() {
        events.onEvent(new RunEvent.ItemFinished(
                RUN, at, "item_" + sequence.incrementAndGet(), ItemStatus.SUCCEEDED, 1, Duration.ofMillis(1234), null));
    }
}
