package io.prodigy.core.store;

import io.prodigy.api.spi.JournalEntry;
import io.prodigy.core.internal.engine.CrashPoints;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@link JournalSnapshot} of each journal a store appends to: when a phase completes, every
 * {@code interval} records (the interval grows to half the records already covered, so that rewriting a long
 * journal's snapshot stays linear in its length), and when the journal is closed. A snapshot is built from the
 * previous one (copied, its checksum verified on the way), the journal records between it and the entries this
 * process appended (read back from the journal: after a resume, or when a write failed) and those entries, kept in
 * memory until then; it is written to a temporary file, synced, the journal synced up to the offset it covers, and
 * renamed over the old one. Writes run on one daemon thread; a failed write is logged and costs nothing but speed.
 * Thread-safe.
 */
final class JournalSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSnapshots.class);

    /**
     * At most this many appended entries are kept for the next snapshot (about 50 MB of a no-op item's results);
     * beyond, they are read back from the journal when it is written.
     */
    static final int MAX_PENDING = 100_000;
    /**
     * A journal being closed gets a last snapshot only when at least this many records came after the previous one:
     * a shorter tail costs a resume little to read, and a stopping process (a signal, a cancellation) should not
     * wait for a write and its syncs.
     */
    static final int FINAL_MIN = 1_000;

    private final int interval;
    private final AppendLogs journals;
    private final ConcurrentHashMap<Path, RunSnapshot> runs = new ConcurrentHashMap<>();
    private ExecutorService writer; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param interval journal records between snapshots; 0 writes none
     * @param journals the open journals (synced before a snapshot covering their records is renamed into place)
     */
    JournalSnapshots(int interval, AppendLogs journals) {
        this.interval = interval;
        this.journals = journals;
    }

    /** An entry appended by this process: its journal line is {@code [offset, end)}. */
    private record Appended(long offset, long end, JournalEntry entry) {}

    /** The snapshot state of one journal. */
    private static final class RunSnapshot {
        final Path journal;
        final List<Appended> pending = new ArrayList<>(); // guarded by this
        final Object writeLock = new Object();
        long coveredRecords; // guarded by this: what the last snapshot written (or found) covers
        long sinceSnapshot; // guarded by this: records appended since the last snapshot was scheduled
        boolean scheduled; // guarded by this

        RunSnapshot(Path journal) {
            this.journal = journal;
            this.coveredRecords = coveredByExisting(journal.resolveSibling(JournalSnapshot.FILE));
            removeLeftTemporaries(journal.getParent());
        }
    }

    /**
     * Deletes the temporary files of snapshot writes a crash interrupted: only the run's owner (one process, under
     * its lock) writes snapshots of a run, and it has not started one yet.
     */
    private static void removeLeftTemporaries(Path runDir) {
        try (java.nio.file.DirectoryStream<Path> left =
                Files.newDirectoryStream(runDir, "." + JournalSnapshot.FILE + ".*.tmp")) {
            for (Path p : left) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debug("cannot list {} for left snapshot files: {}", runDir, e.toString());
        }
    }

    /** @return the records the snapshot file's header says it covers (0 if none or unreadable): a rough guide */
    private static long coveredByExisting(Path snapshot) {
        byte[] head = new byte[JournalSnapshot.HEADER];
        try (RandomAccessFile raf = new RandomAccessFile(snapshot.toFile(), "r")) {
            raf.readFully(head);
        } catch (IOException e) {
            return 0;
        }
        return Math.max(0, ByteBuffer.wrap(head).getLong(JournalSnapshot.MAGIC.length + 4 + 8));
    }

    /**
     * Called when a run's owner (one process, under the run's lock) starts or resumes it: deletes the temporary
     * files of snapshot writes a killed owner left, before this owner writes any.
     *
     * @param journal the run's journal
     */
    void ownerStarted(Path journal) {
        if (interval <= 0) {
            removeLeftTemporaries(journal.getParent());
            return;
        }
        runs.computeIfAbsent(journal, RunSnapshot::new);
    }

    /**
     * Notes an entry appended to a journal, and schedules a snapshot when one is due.
     *
     * @param journal the journal
     * @param offset where its line starts
     * @param length its line's length
     * @param entry the entry
     */
    void appended(Path journal, long offset, int length, JournalEntry entry) {
        if (interval <= 0) {
            return;
        }
        RunSnapshot s = runs.computeIfAbsent(journal, RunSnapshot::new);
        boolean due;
        synchronized (s) {
            s.pending.add(new Appended(offset, offset + length, entry));
            s.sinceSnapshot++;
            due = !s.scheduled
                    && (entry instanceof JournalEntry.PhaseCompleted
                            || s.sinceSnapshot >= Math.max(interval, s.coveredRecords / 2));
            if (!due && !s.scheduled && s.pending.size() >= Math.max(interval, MAX_PENDING)) {
                // not due yet on a long journal: the next snapshot reads these back from the journal rather than
                // holding an unbounded number of entries (and their results) in memory
                s.pending.clear();
            }
            if (due) {
                s.scheduled = true;
                s.sinceSnapshot = 0;
            }
        }
        if (due) {
            schedule(s);
        }
    }

    private void schedule(RunSnapshot s) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (writer == null) {
                writer = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "prodigy-journal-snapshot");
                    t.setDaemon(true);
                    return t;
                });
            }
            writer.execute(() -> {
                synchronized (s) {
                    s.scheduled = false;
                }
                write(s);
            });
        }
    }

    /**
     * Writes a last snapshot of a journal about to be closed, if one was due or at least {@value #FINAL_MIN} records
     * (or the interval, if smaller) came after the previous one, and forgets its state.
     *
     * @param journal the journal
     */
    void flush(Path journal) {
        RunSnapshot s = runs.remove(journal);
        if (s == null) {
            return;
        }
        synchronized (s.writeLock) { // after a write in progress
            boolean worth;
            synchronized (s) {
                // a write already due (a phase just completed) is done now, before the journal closes
                worth = !s.pending.isEmpty() && (s.scheduled || s.sinceSnapshot >= Math.min(FINAL_MIN, interval));
            }
            if (worth) {
                write(s);
            }
        }
    }

    /** Writes the last snapshot of every journal that needs one (see {@link #flush}) and stops the writer thread. */
    @Override
    public void close() {
        ExecutorService w;
        synchronized (this) {
            closed = true;
            w = writer;
        }
        if (w != null) {
            w.shutdown(); // a write in progress finishes before a flush below takes its run's lock
        }
        for (Path journal : new ArrayList<>(runs.keySet())) {
            flush(journal);
        }
    }

    private void write(RunSnapshot s) {
        synchronized (s.writeLock) {
            List<Appended> chain = new ArrayList<>();
            synchronized (s) {
                if (s.pending.isEmpty()) {
                    return;
                }
                s.pending.sort(Comparator.comparingLong(Appended::offset));
                // the entries whose lines are contiguous; one after a gap waits for the append still writing
                long end = -1;
                int n = 0;
                for (Appended a : s.pending) {
                    if (end >= 0 && a.offset() != end) {
                        break;
                    }
                    chain.add(a);
                    end = a.end();
                    n++;
                }
                s.pending.subList(0, n).clear();
            }
            try {
                long covered = writeSnapshot(s.journal, chain);
                synchronized (s) {
                    s.coveredRecords = covered;
                }
            } catch (IOException | RuntimeException e) {
                // the entries taken are read back from the journal by the next write
                LOG.warn(
                        "cannot write the snapshot of {}: {}; a resume replays more of the journal",
                        s.journal,
                        e.toString());
            }
        }
    }

    /**
     * @return the count of journal records the new snapshot covers
     */
    private long writeSnapshot(Path journal, List<Appended> chain) throws IOException {
        Path target = journal.resolveSibling(JournalSnapshot.FILE);
        Path tmp = AtomicFiles.temporaryFor(target);
        java.nio.channels.FileChannel old =
                openValid(target, journal, chain.get(0).offset());
        try (java.nio.channels.FileChannel oldFile = old;
                java.nio.channels.FileChannel out =
                        java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            JournalSnapshot.Header oldHeader = oldFile == null ? null : header(oldFile);
            long from = oldHeader == null ? 0 : oldHeader.journalOffset();
            long chainStart = chain.get(0).offset();
            long chainEnd = chain.get(chain.size() - 1).end();
            CRC32 crc = new CRC32();
            OutputStream body = new CheckedOutputStream(
                    new BufferedOutputStream(
                            java.nio.channels.Channels.newOutputStream(out.position(JournalSnapshot.HEADER)), 1 << 16),
                    crc);
            long entries = 0;
            long records = 0;
            if (oldFile != null) {
                copyBody(oldFile, body);
                entries = oldHeader.entries();
                records = oldHeader.journalRecords();
            }
            long[] gap = {0};
            if (from < chainStart) {
                // records this process did not keep: streamed from the journal, not compacted
                try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "r")) {
                    JsonlReader.read(journal, raf, from, chainStart, (rec, offset) -> {
                        try {
                            body.write(JournalSnapshot.encode(JournalCodec.decode(rec)));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        gap[0]++;
                    });
                } catch (java.io.UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            entries += gap[0];
            records += gap[0];
            List<JournalEntry> window = new ArrayList<>(chain.size());
            for (Appended a : chain) {
                if (a.offset() >= from) {
                    window.add(a.entry());
                    records++;
                }
            }
            for (JournalEntry e : JournalSnapshot.compact(window)) {
                body.write(JournalSnapshot.encode(e));
                entries++;
            }
            CrashPoints.reach(
                    CrashPoints.Point.SNAPSHOT_WRITE,
                    journal.getParent().getFileName().toString());
            body.flush();
            int prefixLength = (int) Math.min(JournalSnapshot.PREFIX, chainEnd);
            byte[] header = new JournalSnapshot.Header(
                            chainEnd,
                            records,
                            prefixLength,
                            JournalSnapshot.prefixCrc(journal, chainEnd, prefixLength),
                            entries)
                    .encode();
            crc.update(header);
            long end = out.size();
            writeFully(out, ByteBuffer.wrap(header), 0);
            writeFully(out, ByteBuffer.allocate(JournalSnapshot.TRAILER).putLong(0, crc.getValue()), end);
            out.force(true);
            journals.sync(journal);
            // no directory sync: a rename lost in a machine crash leaves the previous snapshot, which is still valid
            try {
                Files.move(
                        tmp,
                        target,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return records;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(java.nio.channels.FileChannel out, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += out.write(b, pos);
        }
    }

    /**
     * @return the current snapshot, open, if it is whole, matches the journal and ends at or before
     *         {@code limit}; null to start afresh from the journal's first record
     */
    private static java.nio.channels.FileChannel openValid(Path target, Path journal, long limit) {
        try {
            JournalSnapshot.Loaded loaded = JournalSnapshot.load(target, journal);
            if (loaded == null) {
                return null;
            }
            if (loaded.header().journalOffset() > limit) {
                loaded.close();
                return null;
            }
            return loaded.channel();
        } catch (JournalSnapshot.Rejected | IOException e) {
            LOG.debug("not extending {}: {}", target, e.getMessage());
            return null;
        }
    }

    private static JournalSnapshot.Header header(java.nio.channels.FileChannel file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(JournalSnapshot.HEADER);
        long pos = 0;
        while (b.hasRemaining()) {
            int n = file.read(b, pos);
            if (n < 0) {
                throw new java.io.EOFException();
            }
            pos += n;
        }
        b.position(JournalSnapshot.MAGIC.length + 4);
        return new JournalSnapshot.Header(b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getLong());
    }

    /** Copies the entries of the old snapshot (checked whole when it was opened). */
    private static void copyBody(java.nio.channels.FileChannel old, OutputStream out) throws IOException {
        long end = old.size() - JournalSnapshot.TRAILER;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = JournalSnapshot.HEADER;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = old.read(buf, pos);
            if (n < 0) {
                throw new java.io.EOFException(old + " ended early");
            }
            out.write(buf.array(), 0, n);
            pos += n;
        }
    }
}
