package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.JournalEntry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal snapshot: its codec, when it is written, and that a torn, corrupt or stale one is ignored. */
class JournalSnapshotTest {
    private static final String RUN = "run-1";

    @TempDir
    Path home;

    private final List<FileCheckpointStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(FileCheckpointStore::close);
    }

    private FileCheckpointStore store(int interval) {
        FileCheckpointStore s =
                FileCheckpointStore.builder(home).snapshotInterval(interval).build();
        opened.add(s);
        return s;
    }

    private Path snapshot() {
        return home.resolve("runs").resolve(RUN).resolve(JournalSnapshot.FILE);
    }

    private Path journal() {
        return home.resolve("runs").resolve(RUN).resolve("journal.jsonl");
    }

    private static List<JournalEntry> replay(FileCheckpointStore s) {
        List<JournalEntry> out = new ArrayList<>();
        s.replay(RUN, out::add);
        return out;
    }

    /**
     * The sample entries as the snapshot keeps them: all of them, since the samples dispatch each item once and an
     * item's last dispatch stays (its attempt number numbers the next attempt).
     */
    private static List<JournalEntry> compacted(List<JournalEntry> entries) {
        return entries;
    }

    /** Writes the sample entries and closes the run (a terminal status writes the last snapshot). */
    private void writeSampleRun(int interval) {
        FileCheckpointStore w = store(interval);
        w.createRun(Samples.run(RUN, Samples.T0));
        Samples.everyJournalEntry().forEach(e -> w.append(RUN, e));
        w.updateStatus(RUN, RunStatus.CANCELLED, Samples.T0.plusSeconds(9));
    }

    @Test
    void everyEntryTypeRoundTripsThroughTheBinaryForm() throws IOException {
        for (JournalEntry e : Samples.everyJournalEntry()) {
            assertThat(roundTrip(e)).isEqualTo(e);
        }
        JournalEntry nasty = new JournalEntry.ItemFinished(
                Instant.ofEpochSecond(-5, 999_999_999), 3, Samples.NASTY, ItemStatus.FAILED, Samples.NASTY);
        assertThat(roundTrip(nasty)).isEqualTo(nasty);
    }

    private static JournalEntry roundTrip(JournalEntry e) throws IOException {
        return JournalSnapshot.decode(SnapshotInput.of(JournalSnapshot.encode(e)));
    }

    @Test
    void compactionDropsOnlyDispatchesALaterDispatchOfTheSameItemRepeats() {
        Instant t = Samples.T0;
        List<JournalEntry> window = List.of(
                new JournalEntry.ItemDispatched(t, 0, "a", 1),
                new JournalEntry.ItemDispatched(t, 0, "b", 1),
                new JournalEntry.ItemDispatched(t, 1, "a", 1),
                new JournalEntry.ItemFinished(t, 0, "a", ItemStatus.SUCCEEDED, "{}"),
                new JournalEntry.ItemIntegrated(t, 1, "a", "h"),
                new JournalEntry.ItemDispatched(t, 0, "a", 2));
        assertThat(JournalSnapshot.compact(window))
                .containsExactly(window.get(1), window.get(2), window.get(3), window.get(4), window.get(5));
    }

    @Test
    void theOwnerResumingARunDeletesWhatAKilledSnapshotWriteLeftEvenIfItAppendsNothing() throws Exception {
        writeSampleRun(10_000);
        Path left = snapshot().resolveSibling("." + JournalSnapshot.FILE + ".123456.tmp");
        Files.write(left, new byte[] {1, 2, 3});
        FileCheckpointStore reader = store(10_000);
        replay(reader);
        assertThat(left).as("a reader leaves it: the owner may be writing it").exists();
        FileCheckpointStore owner = store(10_000);
        owner.updateStatus(RUN, RunStatus.RUNNING, Samples.T0.plusSeconds(10));
        assertThat(left).doesNotExist();
        assertThat(snapshot()).exists();
    }

    @Test
    void closingTheRunWritesASnapshotThatReplaysLikeTheJournal() throws Exception {
        writeSampleRun(10_000);
        assertThat(snapshot()).exists();
        try (JournalSnapshot.Loaded loaded = JournalSnapshot.load(snapshot(), journal())) {
            assertThat(loaded.header().journalOffset()).isEqualTo(Files.size(journal()));
            assertThat(loaded.header().journalRecords())
                    .isEqualTo(Samples.everyJournalEntry().size());
        }
        FileCheckpointStore r = store(10_000);
        assertThat(replay(r)).containsExactlyElementsOf(compacted(Samples.everyJournalEntry()));
        assertThat(r.journal(RUN)).containsExactlyElementsOf(Samples.everyJournalEntry()); // the journal is whole
    }

    @Test
    void replayReadsTheSnapshotThenTheJournalsTail() throws IOException {
        writeSampleRun(10_000);
        FileCheckpointStore w = store(0); // writes no new snapshot
        List<JournalEntry> tail = List.of(
                new JournalEntry.ItemDispatched(Samples.T0, 0, "item-9", 1),
                new JournalEntry.ItemFinished(Samples.T0, 0, "item-9", ItemStatus.SUCCEEDED, "{\"x\":1}"));
        tail.forEach(e -> w.append(RUN, e));
        w.close();
        List<JournalEntry> expected = new ArrayList<>(compacted(Samples.everyJournalEntry()));
        expected.addAll(tail); // the tail is read from the journal as it is, dispatch included
        assertThat(replay(store(0))).containsExactlyElementsOf(expected);
    }

    @Test
    void aLaterProcessExtendsTheSnapshotWithTheRecordsItDidNotAppendItself() throws Exception {
        writeSampleRun(10_000);
        FileCheckpointStore first = store(0);
        JournalEntry gap = new JournalEntry.ItemDispatched(Samples.T0, 0, "item-7", 1);
        first.append(RUN, gap);
        first.close();
        FileCheckpointStore second = store(10_000);
        JournalEntry last = new JournalEntry.PhaseCompleted(Samples.T0, 1, "map", Map.of());
        second.append(RUN, last);
        second.updateStatus(RUN, RunStatus.CANCELLED, Samples.T0);
        List<JournalEntry> fromSnapshot = new ArrayList<>();
        try (JournalSnapshot.Loaded loaded = JournalSnapshot.load(snapshot(), journal())) {
            assertThat(loaded.header().journalOffset()).isEqualTo(Files.size(journal()));
            assertThat(loaded.header().journalRecords())
                    .isEqualTo(Samples.everyJournalEntry().size() + 2);
            loaded.forEach(fromSnapshot::add);
        }
        List<JournalEntry> expected = new ArrayList<>(compacted(Samples.everyJournalEntry()));
        expected.add(gap);
        expected.add(last);
        assertThat(fromSnapshot).containsExactlyElementsOf(expected);
    }

    @Test
    void aSnapshotIsWrittenEveryIntervalRecordsWhileTheRunGoesOn() throws Exception {
        FileCheckpointStore w = store(3);
        w.createRun(Samples.run(RUN, Samples.T0));
        for (int i = 0; i < 7; i++) {
            w.append(RUN, new JournalEntry.ItemDeadLettered(Samples.T0, 0, "item-" + i));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        long covered = -1;
        while (System.nanoTime() < deadline) {
            try (JournalSnapshot.Loaded l = JournalSnapshot.load(snapshot(), journal())) {
                covered = l == null ? -1 : l.header().journalRecords();
            }
            if (covered >= 3) {
                break;
            }
            Thread.onSpinWait();
        }
        assertThat(covered)
                .as("records covered by a snapshot written while the run goes on")
                .isBetween(3L, 7L);
    }

    @Test
    void aTornSnapshotIsIgnoredAndTheJournalReplayed() throws Exception {
        writeSampleRun(10_000);
        try (RandomAccessFile raf = new RandomAccessFile(snapshot().toFile(), "rw")) {
            raf.setLength(raf.length() - 3);
        }
        assertRejectedAndWholeJournalReplayed("checksum");
        try (RandomAccessFile raf = new RandomAccessFile(snapshot().toFile(), "rw")) {
            raf.setLength(10);
        }
        assertRejectedAndWholeJournalReplayed("torn");
    }

    @Test
    void aSnapshotWithAWrongChecksumIsIgnored() throws Exception {
        writeSampleRun(10_000);
        try (RandomAccessFile raf = new RandomAccessFile(snapshot().toFile(), "rw")) {
            long at = JournalSnapshot.HEADER + 20;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
        assertRejectedAndWholeJournalReplayed("checksum");
    }

    @Test
    void aSnapshotCoveringMoreThanTheJournalHoldsIsIgnored() throws Exception {
        writeSampleRun(10_000);
        List<String> lines = Files.readAllLines(journal());
        Files.write(journal(), lines.subList(0, lines.size() - 2)); // a journal that lost its last records
        try (StderrCapture w = new StderrCapture()) {
            FileCheckpointStore r = store(0);
            assertThat(replay(r))
                    .containsExactlyElementsOf(Samples.everyJournalEntry()
                            .subList(0, Samples.everyJournalEntry().size() - 2));
            assertThat(w.text()).contains("journal.snapshot", "covers");
        }
    }

    @Test
    void aSnapshotOfOtherJournalBytesIsIgnored() throws Exception {
        writeSampleRun(10_000);
        byte[] bytes = Files.readAllBytes(journal());
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replace("item-2", "item-X");
        Files.writeString(journal(), text); // same length, other content: the snapshot is not of this journal
        try (StderrCapture w = new StderrCapture()) {
            List<JournalEntry> replayed = replay(store(0));
            assertThat(replayed).isEqualTo(store(0).journal(RUN));
            assertThat(replayed.toString()).contains("item-X");
            assertThat(w.text()).contains("differ");
        }
    }

    private void assertRejectedAndWholeJournalReplayed(String reason) {
        try (StderrCapture w = new StderrCapture()) {
            assertThat(replay(store(0))).containsExactlyElementsOf(Samples.everyJournalEntry());
            assertThat(w.text()).contains("ignoring", reason);
        }
    }
}
