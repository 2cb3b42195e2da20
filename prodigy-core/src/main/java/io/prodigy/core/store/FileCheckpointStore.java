package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.prodigy.api.RunStatus;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link CheckpointStore}: per run, a record in {@code <root>/runs/<run-id>/run.json}, replaced
 * atomically (temporary file, sync, rename), and an append-only journal in
 * {@code <root>/runs/<run-id>/journal.jsonl}, one versioned JSON record per line.
 *
 * <p>Appending costs one {@code write} call (O(1), whatever the journal's length) plus, under
 * {@link SyncPolicy#EVERY_RECORD}, a sync shared with concurrent appends; {@link #append} returns once the record
 * has reached the operating system, so it survives {@code kill -9}. Concurrent appends never interleave.
 * Reading streams the journal: a torn last line (the writer was killed while writing it) is skipped with a
 * warning, and cut off before the next append; a corrupt line anywhere else is a {@link StoreException} naming
 * file and line, as is a record of a newer format version.
 *
 * <p>One process should write a run at a time (take a {@link RunLock}); any number may read. Journals stay open
 * for appending until their run reaches a terminal status through {@link #updateStatus} or {@link #updateRun};
 * {@link #close()} syncs and closes the rest and stops the {@link SyncPolicy#BATCHED} sync thread. Thread-safe.
 *
 * <pre>{@code
 * try (FileCheckpointStore store = FileCheckpointStore.open(prodigyHome)) {
 *     Prodigy prodigy = Prodigy.builder().home(prodigyHome).checkpointStore(store)...build();
 * }
 * }</pre>
 */
public final class FileCheckpointStore implements CheckpointStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);
    private static final int STRIPES = 64;
    /** The default of {@link Builder#snapshotInterval}. */
    public static final int DEFAULT_SNAPSHOT_INTERVAL = 10_000;
    /** The system property that overrides the default of {@link Builder#snapshotInterval}. */
    public static final String SNAPSHOT_INTERVAL_PROPERTY = "prodigy.journal.snapshotInterval";

    private final StoreLayout layout;
    private final SyncPolicy syncPolicy;
    private final Duration syncInterval;
    private final AppendLogs journals;
    private final JournalSnapshots snapshots;
    private final int snapshotInterval;
    private final Object[] recordLocks = new Object[STRIPES];

    private FileCheckpointStore(Builder b) {
        this.layout = new StoreLayout(b.root);
        this.syncPolicy = b.syncPolicy;
        this.syncInterval = b.syncInterval;
        this.journals = new AppendLogs(b.syncPolicy, b.syncInterval, "prodigy-journal-sync");
        this.snapshotInterval = b.snapshotInterval;
        this.snapshots = new JournalSnapshots(b.snapshotInterval, journals);
        for (int i = 0; i < STRIPES; i++) {
            recordLocks[i] = new Object();
        }
    }

    /**
     * @param prodigyHome the state directory ({@code PRODIGY_HOME}); runs live under {@code runs/} in it
     * @return a store with the default {@link SyncPolicy#BATCHED} policy
     */
    public static FileCheckpointStore open(Path prodigyHome) {
        return builder(prodigyHome).build();
    }

    /**
     * @param root the state directory ({@code PRODIGY_HOME}); runs live under {@code runs/} in it
     * @return a builder
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** @return the state directory */
    public Path root() {
        return layout.root();
    }

    /** @return when appended records are synced */
    public SyncPolicy syncPolicy() {
        return syncPolicy;
    }

    /** @return how often {@link SyncPolicy#BATCHED} syncs */
    public Duration syncInterval() {
        return syncInterval;
    }

    /** @return journal records between two snapshots of a journal (0: none are written) */
    public int snapshotInterval() {
        return snapshotInterval;
    }

    /**
     * @param runId a run
     * @return the directory holding its files (the place for its {@link RunLock})
     * @throws StoreException if the run id is not a valid directory name
     */
    public Path runDirectory(String runId) {
        return layout.runDirectory(runId);
    }

    /**
     * @throws StoreException if a run with this id exists or its record cannot be written
     * @throws IllegalArgumentException if the record has no run id or status
     */
    @Override
    public void createRun(RunRecord record) {
        Objects.requireNonNull(record, "record");
        Path dir = layout.runDirectory(record.runId());
        Path file = dir.resolve(StoreLayout.RUN_RECORD);
        synchronized (lockFor(record.runId())) {
            try {
                Files.createDirectories(dir);
                if (Files.exists(file)) {
                    throw new StoreException("run '" + record.runId() + "' already exists in " + dir
                            + "; choose another run id or resume it");
                }
                AtomicFiles.write(file, RunRecordCodec.encode(record));
                AtomicFiles.syncDirectory(dir.getParent());
            } catch (IOException e) {
                throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * @throws StoreException if the run is unknown or the journal cannot be written
     * @throws IllegalArgumentException if a field readers require (time, item id, status...) is null
     */
    @Override
    public void append(String runId, JournalEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Path file = layout.file(runId, StoreLayout.JOURNAL);
        if (!journals.isOpen(file) && !Files.exists(file.resolveSibling(StoreLayout.RUN_RECORD))) {
            throw new StoreException("cannot append to unknown run '" + runId + "': no " + StoreLayout.RUN_RECORD
                    + " in " + file.getParent());
        }
        byte[] line = JournalCodec.encode(entry);
        try {
            long offset = journals.append(file, line);
            snapshots.appended(file, offset, line.length, entry);
        } catch (IOException e) {
            throw new StoreException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A terminal status also syncs and closes the run's journal (a later append reopens it).
     *
     * @throws StoreException if the run is unknown or its record cannot be written
     */
    @Override
    public void updateStatus(String runId, RunStatus status, Instant at) {
        Objects.requireNonNull(status, "status");
        synchronized (lockFor(runId)) {
            RunRecord current = findRun(runId)
                    .orElseThrow(() -> new StoreException(
                            "cannot update unknown run '" + runId + "' in " + layout.runsDirectory()));
            write(current.withStatus(status, at));
        }
        if (status == RunStatus.RUNNING) {
            // the run's owner (re)starts it: what a killed owner's snapshot write left goes, even when this owner
            // appends nothing more to the journal
            snapshots.ownerStarted(layout.file(runId, StoreLayout.JOURNAL));
        }
        closeJournalIfTerminal(runId, status);
    }

    /**
     * @throws StoreException if the run is unknown or its record cannot be written
     */
    @Override
    public void updateRun(RunRecord record) {
        Objects.requireNonNull(record, "record");
        synchronized (lockFor(record.runId())) {
            if (!Files.exists(layout.file(record.runId(), StoreLayout.RUN_RECORD))) {
                throw new StoreException(
                        "cannot update unknown run '" + record.runId() + "' in " + layout.runsDirectory());
            }
            write(record);
        }
        closeJournalIfTerminal(record.runId(), record.status());
    }

    /**
     * @throws StoreException if the record exists but cannot be read or is of a newer format version
     */
    @Override
    public Optional<RunRecord> findRun(String runId) {
        return readRecord(layout.file(runId, StoreLayout.RUN_RECORD));
    }

    /**
     * Loads a whole journal; prefer {@link #forEachEntry} for long ones.
     *
     * @throws StoreException if the journal cannot be read or holds a corrupt record before its last line
     */
    @Override
    public List<JournalEntry> journal(String runId) {
        List<JournalEntry> entries = new ArrayList<>();
        forEachEntry(runId, entries::add);
        return entries;
    }

    /**
     * Streams the journal, holding one record in memory at a time. Records appended by this store while the
     * journal is read are not seen unless they were complete when reading started.
     *
     * @throws StoreException if the journal cannot be read or holds a corrupt record before its last line
     */
    @Override
    public void forEachEntry(String runId, Consumer<JournalEntry> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Path file = layout.file(runId, StoreLayout.JOURNAL);
        long size = journals.size(file);
        JsonlReader.read(
                file, size < 0 ? Long.MAX_VALUE : size, (node, offset) -> consumer.accept(JournalCodec.decode(node)));
    }

    /**
     * Streams what a resume needs of the journal: the entries of the run's journal snapshot
     * ({@code journal.snapshot}, see {@code docs/state-format.md}), then the journal's records after the offset it
     * covers. Folding them gives what folding the whole journal gives; the snapshot leaves out only an
     * {@code item_dispatched} that a later record of the same item makes redundant. A snapshot that is torn,
     * corrupt, of another format or stale (it covers more than the journal holds, or other bytes) is ignored with a
     * warning and the whole journal is read.
     *
     * @throws StoreException if the journal cannot be read or holds a corrupt record before its last line
     */
    @Override
    public void replay(String runId, Consumer<JournalEntry> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Path file = layout.file(runId, StoreLayout.JOURNAL);
        Path snapshotFile = file.resolveSibling(JournalSnapshot.FILE);
        long size = journals.size(file);
        long limit = size < 0 ? Long.MAX_VALUE : size;
        long start = 0;
        JournalSnapshot.Loaded snapshot = null;
        try {
            snapshot = JournalSnapshot.load(snapshotFile, file);
        } catch (JournalSnapshot.Rejected e) {
            LOG.warn("ignoring {}: {}; replaying the whole journal", snapshotFile, e.getMessage());
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}; replaying the whole journal", snapshotFile, e.toString());
        }
        if (snapshot != null) {
            try (JournalSnapshot.Loaded s = snapshot) {
                if (s.header().journalOffset() <= limit) {
                    s.forEach(consumer);
                    start = s.header().journalOffset();
                }
            } catch (IOException e) {
                throw new StoreException("cannot read " + snapshotFile + ": " + e.getMessage(), e);
            }
        }
        java.io.RandomAccessFile raf;
        try {
            raf = new java.io.RandomAccessFile(file.toFile(), "r");
        } catch (java.io.FileNotFoundException e) {
            return;
        }
        try (raf) {
            JsonlReader.read(file, raf, start, limit, (node, offset) -> consumer.accept(JournalCodec.decode(node)));
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lists the runs with a readable {@code run.json}, newest start first. A record that cannot be read is
     * skipped with a warning naming its file, so that one damaged run does not hide the others.
     *
     * @throws StoreException if the runs directory cannot be listed
     */
    @Override
    public List<RunRecord> runs() {
        Path runsDir = layout.runsDirectory();
        List<RunRecord> all = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runsDir)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                Path file = dir.resolve(StoreLayout.RUN_RECORD);
                try {
                    readRecord(file).ifPresent(all::add);
                } catch (StoreException e) {
                    LOG.warn("skipping run {}: {}", dir.getFileName(), e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreException("cannot list " + runsDir + ": " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing(RunRecord::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(RunRecord::runId)
                .reversed());
        return all;
    }

    /**
     * Syncs and closes every open journal and stops the sync thread. Reading still works afterwards; appending
     * throws {@link StoreException}.
     *
     * @throws StoreException if a final sync fails
     */
    @Override
    public void close() {
        snapshots.close();
        try {
            journals.close();
        } catch (IOException e) {
            throw new StoreException(
                    "cannot sync the journals under " + layout.runsDirectory() + ": " + e.getMessage(), e);
        }
    }

    private void write(RunRecord record) {
        Path file = layout.file(record.runId(), StoreLayout.RUN_RECORD);
        try {
            AtomicFiles.write(file, RunRecordCodec.encode(record));
        } catch (IOException e) {
            throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<RunRecord> readRecord(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(RunRecordCodec.decode(JsonRecords.parse(bytes, 0, bytes.length)));
        } catch (JsonProcessingException e) {
            throw new StoreException(
                    file + " is not valid JSON (" + e.getOriginalMessage() + "); it is written "
                            + "atomically, so something else changed it - restore or remove it",
                    e);
        } catch (RecordFormatException e) {
            throw new StoreException(file + ": " + e.getMessage(), e);
        }
    }

    private void closeJournalIfTerminal(String runId, RunStatus status) {
        if (!status.isTerminal()) {
            return;
        }
        Path file = layout.file(runId, StoreLayout.JOURNAL);
        snapshots.flush(file);
        try {
            journals.close(file);
        } catch (IOException e) {
            throw new StoreException("cannot sync " + file + ": " + e.getMessage(), e);
        }
    }

    private Object lockFor(String runId) {
        return recordLocks[Math.floorMod(runId.hashCode(), STRIPES)];
    }

    /** Options of a {@link FileCheckpointStore}. Not thread-safe. */
    public static final class Builder {
        private final Path root;
        private SyncPolicy syncPolicy = SyncPolicy.BATCHED;
        private Duration syncInterval = Duration.ofMillis(100);
        private int snapshotInterval = Integer.getInteger(SNAPSHOT_INTERVAL_PROPERTY, DEFAULT_SNAPSHOT_INTERVAL);

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        /**
         * @param policy when appended records are synced; default {@link SyncPolicy#BATCHED}
         * @return this
         */
        public Builder syncPolicy(SyncPolicy policy) {
            this.syncPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param interval how often {@link SyncPolicy#BATCHED} syncs; default 100 ms; at most this much of the
         *                 journal is lost if the machine (not the process) crashes
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder syncInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("syncInterval must be positive, got " + interval);
            }
            this.syncInterval = interval;
            return this;
        }

        /**
         * @param records journal records between two snapshots of a journal (a snapshot is also written when a
         *                phase completes and when the run's journal is closed; for long journals the interval
         *                grows to half the records already covered); 0 writes no snapshots. Default
         *                {@value FileCheckpointStore#DEFAULT_SNAPSHOT_INTERVAL}, or the system property
         *                {@value FileCheckpointStore#SNAPSHOT_INTERVAL_PROPERTY}
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder snapshotInterval(int records) {
            if (records < 0) {
                throw new IllegalArgumentException("snapshotInterval must not be negative, got " + records);
            }
            this.snapshotInterval = records;
            return this;
        }

        /** @return the store; opening it touches no file */
        public FileCheckpointStore build() {
            return new FileCheckpointStore(this);
        }
    }
}
