package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.DlqStore;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A durable {@link DlqStore}: per run, an append-only file {@code <root>/runs/<run-id>/dlq.jsonl} of versioned
 * JSON records. {@code added} holds a whole entry; adding an entry for an item already there appends an
 * {@code attempts} record (its attempts are merged into the entry, its item JSON, resolved flag and last failure
 * replace the old ones, its workspace too unless null); {@link #markResolved} appends a {@code resolved} record.
 * Reading folds an item's records into one entry.
 *
 * <p>Memory: for each run it touches, the store keeps an index of item id to the file offsets of that item's
 * records (roughly 150 bytes per item), built by one pass over the file and kept up to date by this store's own
 * appends (a change by another process is noticed by the file's size and identity, and the index rebuilt).
 * {@link #forEach} streams the file and reads an item's later records by offset, so a 100,000-entry queue is
 * never held in memory beyond the index. {@link #purgeOlderThan} rewrites the file atomically with one
 * {@code added} record per surviving entry, which also drops the records folded into them; {@link #purge}
 * deletes it.
 *
 * <p>Crash rules as for the journal: a torn last line is skipped with a warning and cut off before the next
 * append; a corrupt line elsewhere is a {@link StoreException} naming file and line. Appends follow the
 * store's {@link SyncPolicy}; a rewrite is always synced. Thread-safe; one process should write a run's queue
 * at a time (its {@link RunLock} owner), others may read it.
 */
public final class FileDlqStore implements DlqStore, AutoCloseable {
    private static final long[] NONE = new long[0];

    private final StoreLayout layout;
    private final AppendLogs files;
    private final Clock clock;
    private final ConcurrentHashMap<String, RunQueue> queues = new ConcurrentHashMap<>();

    private FileDlqStore(Builder b) {
        this.layout = new StoreLayout(b.root);
        this.files = new AppendLogs(b.syncPolicy, b.syncInterval, "prodigy-dlq-sync");
        this.clock = b.clock;
    }

    /**
     * @param prodigyHome the state directory ({@code PRODIGY_HOME}); queues live under {@code runs/} in it
     * @return a store with the default {@link SyncPolicy#BATCHED} policy
     */
    public static FileDlqStore open(Path prodigyHome) {
        return builder(prodigyHome).build();
    }

    /**
     * @param root the state directory ({@code PRODIGY_HOME})
     * @return a builder
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** @return the state directory */
    public Path root() {
        return layout.root();
    }

    /**
     * @throws StoreException if the queue cannot be read or written
     * @throws IllegalArgumentException if the entry has no attempt, item id, or first or last failure time
     */
    @Override
    public void add(DlqEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (entry.attempts().isEmpty()) {
            throw new IllegalArgumentException("a DLQ entry needs at least one failed attempt: item '" + entry.itemId()
                    + "' of run '" + entry.runId() + "'");
        }
        RunQueue q = queue(entry.runId());
        synchronized (q) {
            try {
                if (!files.isOpen(q.file)) {
                    Files.createDirectories(q.file.getParent());
                    files.open(q.file);
                }
                q.refresh();
                long[] offsets = q.index.get(entry.itemId());
                byte[] record = offsets == null ? DlqCodec.added(entry) : DlqCodec.attempts(entry);
                long offset = files.append(q.file, record);
                q.appended(entry.itemId(), offsets, offset, record.length);
            } catch (IOException e) {
                throw new StoreException("cannot write " + q.file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Loads a run's entries; prefer {@link #forEach} for large queues.
     *
     * @throws StoreException if the queue cannot be read or is corrupt
     */
    @Override
    public List<DlqEntry> list(String runId) {
        List<DlqEntry> all = new ArrayList<>();
        forEach(runId, all::add);
        return all;
    }

    /**
     * @throws StoreException if the queue cannot be read or is corrupt
     */
    @Override
    public Optional<DlqEntry> find(String runId, String itemId) {
        Objects.requireNonNull(itemId, "itemId");
        RunQueue q = queue(runId);
        synchronized (q) {
            q.refresh();
            long[] offsets = q.index.get(itemId);
            if (offsets == null) {
                return Optional.empty();
            }
            try (RandomAccessFile raf = new RandomAccessFile(q.file.toFile(), "r")) {
                DlqEntry entry = DlqCodec.entry(runId, recordAt(q.file, raf, offsets[0], q.indexedSize));
                for (int i = 1; i < offsets.length; i++) {
                    entry = DlqCodec.fold(entry, recordAt(q.file, raf, offsets[i], q.indexedSize));
                }
                return Optional.of(entry);
            } catch (IOException e) {
                throw new StoreException("cannot read " + q.file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Does nothing for an item not in the queue.
     *
     * @throws StoreException if the queue cannot be read or written
     */
    @Override
    public void markResolved(String runId, String itemId) {
        Objects.requireNonNull(itemId, "itemId");
        RunQueue q = queue(runId);
        synchronized (q) {
            try {
                q.refresh();
                long[] offsets = q.index.get(itemId);
                if (offsets == null) {
                    return;
                }
                if (!files.isOpen(q.file)) {
                    files.open(q.file); // may cut off a torn last line
                    q.refresh();
                    offsets = q.index.get(itemId);
                    if (offsets == null) {
                        return;
                    }
                }
                byte[] record = DlqCodec.resolved(itemId, clock.instant());
                long offset = files.append(q.file, record);
                q.appended(itemId, offsets, offset, record.length);
            } catch (IOException e) {
                throw new StoreException("cannot write " + q.file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Deletes the run's queue file.
     *
     * @throws StoreException if it cannot be read or deleted
     */
    @Override
    public int purge(String runId) {
        RunQueue q = queue(runId);
        synchronized (q) {
            q.refresh();
            int count = q.index.size();
            try {
                files.close(q.file);
                if (Files.deleteIfExists(q.file)) {
                    AtomicFiles.syncDirectory(q.file.getParent());
                }
            } catch (IOException e) {
                throw new StoreException("cannot delete " + q.file + ": " + e.getMessage(), e);
            }
            q.reset();
            return count;
        }
    }

    /**
     * Streams the entries in the order they were first added. The consumer runs without any lock held, so it
     * may call back into this store; it sees the queue as it was when the call began.
     *
     * @throws StoreException if the queue cannot be read or is corrupt
     */
    @Override
    public void forEach(String runId, Consumer<DlqEntry> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        RunQueue q = queue(runId);
        RandomAccessFile raf;
        long limit;
        Map<String, long[]> folded;
        synchronized (q) {
            q.refresh();
            if (q.index.isEmpty()) {
                return;
            }
            try {
                raf = new RandomAccessFile(q.file.toFile(), "r");
            } catch (FileNotFoundException e) {
                throw new StoreException("cannot read " + q.file + ": " + e.getMessage(), e);
            }
            limit = q.indexedSize;
            folded = q.itemsWithLaterRecords();
        }
        try (raf) {
            stream(runId, q.file, raf, limit, folded, consumer);
        } catch (IOException e) {
            throw new StoreException("cannot read " + q.file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rewrites the queue atomically without the entries whose last failure is before the cutoff (a queue left
     * empty is deleted). Nothing is written when no entry is that old.
     *
     * @throws StoreException if the queue cannot be read or rewritten (it is then unchanged)
     */
    @Override
    public int purgeOlderThan(String runId, Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        RunQueue q = queue(runId);
        synchronized (q) {
            q.refresh();
            if (q.index.isEmpty()) {
                return 0;
            }
            Map<String, long[]> kept = new HashMap<>();
            int[] removed = {0};
            Path tmp = null;
            try {
                tmp = AtomicFiles.temporaryFor(q.file);
                try (RandomAccessFile raf = new RandomAccessFile(q.file.toFile(), "r");
                        FileOutputStream fos = new FileOutputStream(tmp.toFile());
                        BufferedOutputStream out = new BufferedOutputStream(fos, 64 * 1024)) {
                    long[] position = {0};
                    stream(runId, q.file, raf, q.indexedSize, q.itemsWithLaterRecords(), e -> {
                        if (e.lastFailure().isBefore(cutoff)) {
                            removed[0]++;
                            return;
                        }
                        byte[] record = DlqCodec.added(e);
                        try {
                            out.write(record);
                        } catch (IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                        kept.put(e.itemId(), new long[] {position[0]});
                        position[0] += record.length;
                    });
                    out.flush();
                    fos.getFD().sync();
                }
                if (removed[0] == 0) {
                    return 0;
                }
                files.close(q.file);
                if (kept.isEmpty()) {
                    Files.deleteIfExists(q.file);
                    AtomicFiles.syncDirectory(q.file.getParent());
                } else {
                    AtomicFiles.replace(tmp, q.file);
                }
                q.replaced(kept);
                return removed[0];
            } catch (IOException | java.io.UncheckedIOException e) {
                q.reset(); // reindex from the file on next use
                throw new StoreException("cannot rewrite " + q.file + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Lists the runs whose queue file holds records, in run id order (the engine's run ids start with their
     * start time, so this is oldest first).
     *
     * @throws StoreException if the runs directory cannot be listed
     */
    @Override
    public List<String> runIds() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.runsDirectory())) {
            for (Path dir : dirs) {
                Path file = dir.resolve(StoreLayout.DLQ);
                if (Files.isRegularFile(file) && Files.size(file) > 0) {
                    ids.add(dir.getFileName().toString());
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreException("cannot list " + layout.runsDirectory() + ": " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Syncs and closes the open queue files, stops the sync thread and drops the indexes. Reading still works
     * afterwards; adding throws {@link StoreException}.
     *
     * @throws StoreException if a final sync fails
     */
    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            throw new StoreException(
                    "cannot sync the DLQ files under " + layout.runsDirectory() + ": " + e.getMessage(), e);
        } finally {
            queues.clear();
        }
    }

    private RunQueue queue(String runId) {
        Path file = layout.file(runId, StoreLayout.DLQ);
        return queues.computeIfAbsent(runId, id -> new RunQueue(file));
    }

    /** Streams entries: each {@code added} record, folded with its later records read by offset. */
    private static void stream(
            String runId,
            Path file,
            RandomAccessFile raf,
            long limit,
            Map<String, long[]> folded,
            Consumer<DlqEntry> consumer)
            throws IOException {
        JsonlReader.read(file, raf, 0, limit, (node, offset) -> {
            if (!DlqCodec.ADDED.equals(DlqCodec.type(node))) {
                return;
            }
            DlqEntry entry = DlqCodec.entry(runId, node);
            long[] offsets = folded.get(entry.itemId());
            if (offsets != null) {
                try {
                    for (int i = 1; i < offsets.length; i++) {
                        entry = DlqCodec.fold(entry, recordAt(file, raf, offsets[i], limit));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            consumer.accept(entry);
        });
    }

    /** Reads the record at an offset found while indexing. */
    private static Record recordAt(Path file, RandomAccessFile raf, long offset, long limit) throws IOException {
        LineReader line = new LineReader(raf, offset, limit, 1, 1024);
        if (!line.next() || !line.terminated()) {
            throw new StoreException(file + ": no whole record at offset " + offset + "; the file was changed "
                    + "outside this store while it was read");
        }
        try {
            Record node = JsonRecords.parse(line.buffer(), line.start(), line.length());
            JsonRecords.checkVersion(node);
            return node;
        } catch (JsonProcessingException | RecordFormatException e) {
            throw new StoreException(
                    file + ": unreadable record at offset " + offset + " (" + e.getMessage()
                            + "); the file was changed outside this store while it was read",
                    e);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // a leftover temporary file is harmless: its name starts with '.' and ends with '.tmp'
        }
    }

    /** One run's queue file and its index; guarded by its own monitor. */
    private static final class RunQueue {
        final Path file;
        /** Item id to the offsets of its records, the {@code added} one first. */
        Map<String, long[]> index = new HashMap<>();

        long indexedSize = -1;
        Object fileKey;

        RunQueue(Path file) {
            this.file = file;
        }

        /** Rebuilds the index if the file is not the one it describes (first use, or changed elsewhere). */
        void refresh() {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                attrs = null;
            } catch (IOException e) {
                throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
            }
            long size = attrs == null ? 0 : attrs.size();
            Object key = attrs == null ? null : attrs.fileKey();
            if (size == indexedSize && Objects.equals(key, fileKey)) {
                return;
            }
            Map<String, long[]> rebuilt = new HashMap<>();
            if (attrs != null) {
                JsonlReader.readShallow(file, size, (node, offset) -> {
                    String type = DlqCodec.type(node);
                    String itemId = DlqCodec.itemId(node);
                    long[] offsets = rebuilt.get(itemId);
                    if (DlqCodec.ADDED.equals(type)) {
                        if (offsets != null) {
                            throw new RecordFormatException("item '" + itemId + "' is added a second time");
                        }
                        rebuilt.put(itemId, new long[] {offset});
                    } else if (offsets == null) {
                        throw new RecordFormatException(
                                "a '" + type + "' record for item '" + itemId + "' comes before the item was added");
                    } else {
                        rebuilt.put(itemId, append(offsets, offset));
                    }
                });
            }
            index = rebuilt;
            indexedSize = size;
            fileKey = key;
        }

        void appended(String itemId, long[] offsets, long offset, int length) {
            index.put(itemId, append(offsets == null ? NONE : offsets, offset));
            indexedSize = offset + length;
        }

        /** Adopts the index of a file this store has just rewritten (or deleted, when nothing was kept). */
        void replaced(Map<String, long[]> kept) throws IOException {
            if (kept.isEmpty()) {
                reset();
                indexedSize = 0;
                return;
            }
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            index = kept;
            indexedSize = attrs.size();
            fileKey = attrs.fileKey();
        }

        void reset() {
            index = new HashMap<>();
            indexedSize = -1;
            fileKey = null;
        }

        /** @return the items with records after their {@code added} one, and those records' offsets */
        Map<String, long[]> itemsWithLaterRecords() {
            Map<String, long[]> folded = new HashMap<>();
            for (Map.Entry<String, long[]> e : index.entrySet()) {
                if (e.getValue().length > 1) {
                    folded.put(e.getKey(), e.getValue());
                }
            }
            return folded;
        }

        private static long[] append(long[] offsets, long offset) {
            long[] grown = Arrays.copyOf(offsets, offsets.length + 1);
            grown[offsets.length] = offset;
            return grown;
        }
    }

    /** Options of a {@link FileDlqStore}. Not thread-safe. */
    public static final class Builder {
        private final Path root;
        private SyncPolicy syncPolicy = SyncPolicy.BATCHED;
        private Duration syncInterval = Duration.ofMillis(100);
        private Clock clock = Clock.systemUTC();

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
         * @param interval how often {@link SyncPolicy#BATCHED} syncs; default 100 ms
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
         * @param clock the time written in {@code resolved} records; default UTC system clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the store; building it touches no file */
        public FileDlqStore build() {
            return new FileDlqStore(this);
        }
    }
}
