package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileCheckpointStoreTest {
    @TempDir
    Path home;

    private final List<FileCheckpointStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(FileCheckpointStore::close);
    }

    private FileCheckpointStore store() {
        return store(SyncPolicy.BATCHED);
    }

    private FileCheckpointStore store(SyncPolicy policy) {
        FileCheckpointStore s =
                FileCheckpointStore.builder(home).syncPolicy(policy).build();
        opened.add(s);
        return s;
    }

    private Path journalFile(String runId) {
        return home.resolve("runs").resolve(runId).resolve("journal.jsonl");
    }

    @Test
    void runRecordAndEveryJournalEntryRoundTripThroughAnotherStore() {
        FileCheckpointStore writer = store();
        RunRecord record = Samples.run("run-1", Samples.T0);
        writer.createRun(record);
        Samples.everyJournalEntry().forEach(e -> writer.append("run-1", e));
        writer.close();

        FileCheckpointStore reader = store();
        assertThat(reader.findRun("run-1")).contains(record);
        assertThat(reader.journal("run-1")).containsExactlyElementsOf(Samples.everyJournalEntry());
        List<JournalEntry> streamed = new ArrayList<>();
        reader.forEachEntry("run-1", streamed::add);
        assertThat(streamed).containsExactlyElementsOf(Samples.everyJournalEntry());
    }

    @Test
    void filesAreVersionedJsonWithTypes() throws IOException {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "item-1", 2));
        String runJson = Files.readString(home.resolve("runs/run-1/run.json"));
        assertThat(runJson)
                .contains(
                        "\"version\" : 1",
                        "\"run_id\" : \"run-1\"",
                        "\"status\" : \"RUNNING\"",
                        "\"started_at\" : \"2026-03-01T10:15:30.123456789Z\"");
        assertThat(Files.readString(journalFile("run-1")))
                .isEqualTo(
                        "{\"version\":1,\"type\":\"item_dispatched\","
                                + "\"at\":\"2026-03-01T10:15:30.123456789Z\",\"stage\":0,\"item_id\":\"item-1\",\"attempt\":2}\n");
    }

    @Test
    void textReachesTheJournalAndComesBackUnaltered() throws IOException {
        FileCheckpointStore s = store();
        RunRecord record = new RunRecord(
                "run-1",
                Samples.NASTY,
                Samples.NASTY,
                RunStatus.RUNNING,
                Path.of("/p"),
                Path.of("/w"),
                Samples.T0,
                Samples.T0,
                Map.of("secret-masked", Samples.NASTY));
        s.createRun(record);
        String nastyKey = Samples.NASTY.replace("\uD83D!", "");
        JournalEntry.StepCompleted step =
                new JournalEntry.StepCompleted(Samples.T0, "0/steps/0", true, Map.of(nastyKey, Samples.NASTY));
        JournalEntry.ItemFinished item =
                new JournalEntry.ItemFinished(Samples.T0, 0, Samples.NASTY, ItemStatus.FAILED, Samples.NASTY);
        s.append("run-1", step);
        s.append("run-1", item);
        // half a surrogate pair is kept in values, but JSON parsers refuse it in keys: refused before writing
        assertThatThrownBy(() -> s.append(
                        "run-1", new JournalEntry.PhaseCompleted(Samples.T0, 0, "map", Map.of("a\uD83D", "v"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a\\uD83D'")
                .hasMessageContaining("surrogate");
        s.close();

        FileCheckpointStore reader = store();
        RunRecord back = reader.findRun("run-1").orElseThrow();
        assertThat(back.workflowName().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(Samples.NASTY.getBytes(StandardCharsets.UTF_8));
        assertThat(back.metadata()).containsEntry("secret-masked", Samples.NASTY);
        List<JournalEntry> journal = reader.journal("run-1");
        assertThat(journal).containsExactly(step, item);
        JournalEntry.ItemFinished itemBack = (JournalEntry.ItemFinished) journal.get(1);
        assertThat(itemBack.resultJson().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(Samples.NASTY.getBytes(StandardCharsets.UTF_8));
        // one record per line: line breaks inside values are escaped
        assertThat(Files.readAllLines(journalFile("run-1"))).hasSize(2);
    }

    @Test
    void createUpdateFindAndList() {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-old", Samples.T0));
        s.createRun(Samples.run("run-new", Samples.T0.plusSeconds(60)));
        s.createRun(Samples.run("run-mid", Samples.T0.plusSeconds(30)));
        assertThat(s.runs()).extracting(RunRecord::runId).containsExactly("run-new", "run-mid", "run-old");

        s.updateStatus("run-mid", RunStatus.CANCELLED, Samples.T0.plusSeconds(90));
        assertThat(s.findRun("run-mid")).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(r.updatedAt()).isEqualTo(Samples.T0.plusSeconds(90));
            assertThat(r.workflowHash()).isEqualTo("hash-1");
        });
        RunRecord moved = s.findRun("run-old").orElseThrow().withWorkspace(Path.of("/work/space"));
        s.updateRun(moved);
        assertThat(store().findRun("run-old")).contains(moved);
        assertThat(s.findRun("run-none")).isEmpty();
        assertThat(s.journal("run-none")).isEmpty();
    }

    @Test
    void refusesDuplicatesUnknownRunsAndUnsafeIds() {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        assertThatThrownBy(() -> s.createRun(Samples.run("run-1", Samples.T0)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("run 'run-1' already exists");
        assertThatThrownBy(() -> s.append("run-2", new JournalEntry.ItemDeadLettered(Samples.T0, 0, "i")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unknown run 'run-2'");
        assertThatThrownBy(() -> s.updateStatus("run-2", RunStatus.FAILED, Samples.T0))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unknown run 'run-2'");
        assertThatThrownBy(() -> s.updateRun(Samples.run("run-2", Samples.T0)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unknown run 'run-2'");
        assertThatThrownBy(() -> s.findRun("../etc"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("must not start with '.'");
        assertThatThrownBy(() -> s.findRun("a/b"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("contains '/'");
    }

    @Test
    void aTerminalStatusClosesTheJournalAndALaterAppendReopensIt() throws IOException {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "a", 1));
        s.updateStatus("run-1", RunStatus.FAILED, Samples.T0);
        s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "b", 1));
        assertThat(s.journal("run-1"))
                .extracting(e -> ((JournalEntry.ItemDispatched) e).itemId())
                .containsExactly("a", "b");
        assertThat(Files.readAllLines(journalFile("run-1"))).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void everyPolicyWritesToTheOperatingSystemBeforeAppendReturns(SyncPolicy policy) throws IOException {
        FileCheckpointStore s = store(policy);
        s.createRun(Samples.run("run-1", Samples.T0));
        s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "a", 1));
        // another reader of the file, not the store, already sees the record
        assertThat(Files.readString(journalFile("run-1"))).contains("\"item_id\":\"a\"");
        s.close();
        assertThatThrownBy(() -> s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "b", 1)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThat(store().journal("run-1")).hasSize(1);
    }

    /** Truncation points inside the last record: 1 byte in, the middle, and everything but its newline. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 0, -1})
    void aTornLastRecordIsSkippedWithAWarningAndCutOffBeforeTheNextAppend(int cut) throws IOException {
        Path file = writeTenRecords();
        long size = Files.size(file);
        String lines = Files.readString(file);
        int lastStart = lines.lastIndexOf('\n', lines.length() - 2) + 1;
        int lastLength = lines.length() - lastStart; // with its newline
        long keep = lastStart + (cut == 1 ? 1 : cut == 2 ? lastLength / 2 : cut == 0 ? lastLength - 1 : 0);
        if (cut == -1) {
            // a whole line that is not JSON (e.g. zeros written by a crashed file system), with its newline
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(lastStart);
                raf.seek(lastStart);
                raf.write("{\"version\":1,\"type\":\"item_disp\u0000\u0000\n".getBytes(StandardCharsets.UTF_8));
            }
        } else {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(keep);
            }
            assertThat(Files.size(file)).isLessThan(size);
        }

        try (StderrCapture err = new StderrCapture()) {
            List<JournalEntry> read = store().journal("run-1");
            assertThat(read)
                    .hasSize(9)
                    .extracting(e -> ((JournalEntry.ItemDispatched) e).itemId())
                    .containsExactly(
                            "item-0", "item-1", "item-2", "item-3", "item-4", "item-5", "item-6", "item-7", "item-8");
            assertThat(err.text()).contains("WARN", file.toString() + " line 10", "torn last record");
        }

        FileCheckpointStore writer = store();
        writer.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "after", 1));
        writer.close();
        assertThat(store().journal("run-1"))
                .hasSize(10)
                .last()
                .isEqualTo(new JournalEntry.ItemDispatched(Samples.T0, 0, "after", 1));
        assertThat(Files.readAllLines(file)).hasSize(10);
    }

    @Test
    void aCorruptRecordInTheMiddleIsAnErrorNamingFileAndLine() throws IOException {
        Path file = writeTenRecords();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, "{\"version\":1,\"type\":\"item_dispatched\",\"at\":garbage");
        Files.write(file, lines);
        assertThatThrownBy(() -> store().journal("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 3: corrupt record");
        assertThatThrownBy(() -> store().forEachEntry("run-1", e -> {}))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 3");
    }

    @Test
    void aStructurallyWrongRecordIsAnErrorEvenOnTheLastLine() throws IOException {
        Path file = writeTenRecords();
        Files.writeString(
                file,
                "{\"version\":1,\"type\":\"item_dispatched\",\"at\":\"2026-01-01T00:00:00Z\"}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> store().journal("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 11")
                .hasMessageContaining("'stage' is missing");
    }

    @Test
    void aNewerVersionOrAnUnknownTypeSaysWhichVersionIsSupported() throws IOException {
        Path file = writeTenRecords();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(4, lines.get(4).replace("\"version\":1", "\"version\":2"));
        Files.write(file, lines);
        assertThatThrownBy(() -> store().journal("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 5")
                .hasMessageContaining("format version 2")
                .hasMessageContaining("reads format version 1");

        lines.set(
                4,
                lines.get(4).replace("\"version\":2", "\"version\":1").replace("item_dispatched", "item_teleported"));
        Files.write(file, lines);
        assertThatThrownBy(() -> store().journal("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 5")
                .hasMessageContaining("unknown journal record type 'item_teleported'")
                .hasMessageContaining("format version 1");
    }

    @Test
    void aNewerRunRecordIsRefusedByFindAndSkippedByTheListing() throws IOException {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        s.createRun(Samples.run("run-2", Samples.T0));
        Path file = home.resolve("runs/run-2/run.json");
        Files.writeString(file, Files.readString(file).replace("\"version\" : 1", "\"version\" : 7"));
        assertThatThrownBy(() -> s.findRun("run-2"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("format version 7");
        try (StderrCapture err = new StderrCapture()) {
            assertThat(s.runs()).extracting(RunRecord::runId).containsExactly("run-1");
            assertThat(err.text()).contains("skipping run run-2");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = SyncPolicy.class,
            names = {"EVERY_RECORD", "BATCHED"})
    void concurrentAppendsAreAllPresentAndNeverInterleaved(SyncPolicy policy) throws Exception {
        FileCheckpointStore s = store(policy);
        s.createRun(Samples.run("run-1", Samples.T0));
        int threads = 8;
        int perThread = policy == SyncPolicy.EVERY_RECORD ? 150 : 1000;
        String padding = "x".repeat(3000); // records longer than a pipe buffer or a small write
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        s.append(
                                "run-1",
                                new JournalEntry.ItemFinished(
                                        Samples.T0, thread, "t" + thread + "-" + i, ItemStatus.SUCCEEDED, padding));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        s.close();
        List<JournalEntry> journal = store().journal("run-1");
        assertThat(journal).hasSize(threads * perThread);
        int[] next = new int[threads];
        for (JournalEntry e : journal) {
            JournalEntry.ItemFinished f = (JournalEntry.ItemFinished) e;
            assertThat(f.itemId()).isEqualTo("t" + f.stage() + "-" + next[f.stage()]++);
            assertThat(f.resultJson()).isEqualTo(padding);
        }
        assertThat(Files.readAllLines(journalFile("run-1"))).hasSize(threads * perThread);
    }

    @Test
    void aReaderInTheWritingProcessSeesOnlyWholeRecords() throws Exception {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 3000; i++) {
                s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "i" + i, 1));
            }
        });
        try (StderrCapture err = new StderrCapture()) {
            writer.start();
            int last = 0;
            while (writer.isAlive() || last < 3000) {
                int n = s.journal("run-1").size();
                assertThat(n).isGreaterThanOrEqualTo(last);
                last = n;
                if (!writer.isAlive() && n == 3000) {
                    break;
                }
            }
            writer.join();
            assertThat(err.text()).doesNotContain("torn");
        }
    }

    @Test
    void interruptedThreadsCanStillAppend() {
        FileCheckpointStore s = store(SyncPolicy.EVERY_RECORD);
        s.createRun(Samples.run("run-1", Samples.T0));
        Thread.currentThread().interrupt();
        try {
            s.append("run-1", new JournalEntry.ItemIntegrated(Samples.T0, 0, "a", "h1"));
            s.append("run-1", new JournalEntry.ItemIntegrated(Samples.T0, 0, "b", "h2"));
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
        assertThat(s.journal("run-1")).hasSize(2);
    }

    @Test
    void recordsAcknowledgedBeforeKillMinus9SurviveIt() throws Exception {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        s.close();
        long acknowledged;
        try (ChildJvm child = ChildJvm.start(JournalAppender.class, home.toString(), "run-1")) {
            String line = child.awaitLineStartingWith("appended 300", Duration.ofSeconds(30));
            assertThat(line).isEqualTo("appended 300");
            child.kill();
            acknowledged = 300;
        }
        List<JournalEntry> journal = store().journal("run-1");
        assertThat((long) journal.size()).isGreaterThanOrEqualTo(acknowledged);
        for (int i = 0; i < journal.size(); i++) {
            assertThat(((JournalEntry.ItemDispatched) journal.get(i)).attempt()).isEqualTo(i + 1);
        }
        FileCheckpointStore again = store();
        again.append("run-1", new JournalEntry.ItemDeadLettered(Samples.T0, 0, "after-crash"));
        assertThat(again.journal("run-1")).hasSize(journal.size() + 1);
    }

    private Path writeTenRecords() {
        FileCheckpointStore s = store();
        s.createRun(Samples.run("run-1", Samples.T0));
        for (int i = 0; i < 10; i++) {
            s.append("run-1", new JournalEntry.ItemDispatched(Samples.T0, 0, "item-" + i, 1));
        }
        s.close();
        return journalFile("run-1");
    }
}
