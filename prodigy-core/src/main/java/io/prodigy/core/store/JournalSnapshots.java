package io.prodigy.core.store;

import io.prodigy.api.spi.JournalEntry;
import io.prodigy.core.internal.engine.CrashPoints;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    private record Appended(long offset, long end, JournalEntry entry) {
    }

    /** The snapshot state of one journal. */
    private static final class RunSnapshot {
        final Path journal;
        final List<Appended> pending = new ArrayList<>(); // guarded by this
        final Object writeLock = new Object();
        long coveredRecords; // guarded by this: what the last snapshot written (or found) covers
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
        try (java.nio.file.DirectoryStream<Path> left = Files.newDirectoryStream(runDir,
                "." + JournalSnapshot.FILE + ".*.tmp")) {
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
            due = !s.scheduled && (entry instanceof JournalEntry.PhaseCompleted
                    || s.pending.size() >= Math.max(interval, s.coveredRecords / 2));
            if (due) {
                s.scheduled = true;
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
     * Writes a last snapshot of a journal about to be closed, and forgets its state.
     *
     * @param journal the journal
     */
    void flush(Path journal) {
        RunSnapshot s = runs.remove(journal);
        if (s != null) {
            write(s);
        }
    }

    /** Writes the last snapshot of every journal and stops the writer thread. */
    @Override
    public void close() {
        ExecutorService w;
        synchronized (this) {
            closed = true;
            w = writer;
        }
        if (w != null) {
            w.shutdown();
            try {
                w.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
                LOG.warn("cannot write the snapshot of {}: {}; a resume replays more of the journal", s.journal,
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
        try {
            long chainStart = chain.get(0).offset();
            long chainEnd = chain.get(chain.size() - 1).end();
            JournalSnapshot.Header old = validOld(target, journal, chainStart);
            long from = old == null ? 0 : old.journalOffset();
            List<JournalEntry> window = new ArrayList<>();
            long[] gapRecords = {0};
            if (from < chainStart) {
                try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "r")) {
                    JsonlReader.read(journal, raf, from, chainStart, (rec, offset) -> {
                        window.add(JournalCodec.decode(rec));
                        gapRecords[0]++;
                    });
                }
            }
            long chainRecords = 0;
            for (Appended a : chain) {
                if (a.offset() >= from) {
                    window.add(a.entry());
                    chainRecords++;
                }
            }
            List<JournalEntry> kept = JournalSnapshot.compact(window);
            long records = (old == null ? 0 : old.journalRecords()) + gapRecords[0] + chainRecords;
            int prefixLength = (int) Math.min(JournalSnapshot.PREFIX, chainEnd);
            JournalSnapshot.Header header = new JournalSnapshot.Header(chainEnd, records, prefixLength,
                    JournalSnapshot.prefixCrc(journal, chainEnd, prefixLength),
                    (old == null ? 0 : old.entries()) + kept.size());
            CRC32 crc = new CRC32();
            try (FileOutputStream file = new FileOutputStream(tmp.toFile())) {
                OutputStream out = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16), crc);
                out.write(header.encode());
                if (old != null && !copyBody(target, old, out)) {
                    // the old snapshot changed under us (it is only replaced under this lock): start afresh
                    throw new IOException(target + " changed while it was copied");
                }
                for (JournalEntry e : kept) {
                    out.write(JournalSnapshot.encode(e));
                }
                CrashPoints.reach(CrashPoints.Point.SNAPSHOT_WRITE, journal.getParent().getFileName().toString());
                out.flush();
                file.write(ByteBuffer.allocate(JournalSnapshot.TRAILER).putLong(crc.getValue()).array());
                file.getFD().sync();
            }
            journals.sync(journal);
            AtomicFiles.replace(tmp, target);
            return records;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * @return the header of the current snapshot if it is whole, matches the journal and ends at or before
     *         {@code limit}; null to start afresh from the journal's first record
     */
    private static JournalSnapshot.Header validOld(Path target, Path journal, long limit) throws IOException {
        byte[] head = new byte[JournalSnapshot.HEADER];
        long size;
        try (RandomAccessFile raf = new RandomAccessFile(target.toFile(), "r")) {
            size = raf.length();
            if (size < JournalSnapshot.HEADER + JournalSnapshot.TRAILER) {
                return null;
            }
            raf.readFully(head);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        byte[] magic = new byte[JournalSnapshot.MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, JournalSnapshot.MAGIC) || b.getInt() != JournalSnapshot.VERSION) {
            return null;
        }
        JournalSnapshot.Header h = new JournalSnapshot.Header(b.getLong(), b.getLong(), b.getInt(), b.getInt(),
                b.getLong());
        if (h.journalOffset() > limit || h.prefixLength() < 0 || h.prefixLength() > Math.min(JournalSnapshot.PREFIX,
                h.journalOffset()) || h.entries() < 0
                || JournalSnapshot.prefixCrc(journal, h.journalOffset(), h.prefixLength()) != h.prefixCrc()
                || !checksumMatches(target)) {
            return null;
        }
        return h;
    }

    private static boolean checksumMatches(Path target) throws IOException {
        CRC32 crc = new CRC32();
        try (RandomAccessFile raf = new RandomAccessFile(target.toFile(), "r")) {
            long bodyEnd = raf.length() - JournalSnapshot.TRAILER;
            byte[] buf = new byte[1 << 16];
            long pos = 0;
            while (pos < bodyEnd) {
                int n = raf.read(buf, 0, (int) Math.min(buf.length, bodyEnd - pos));
                if (n < 0) {
                    return false;
                }
                crc.update(buf, 0, n);
                pos += n;
            }
            return raf.readLong() == crc.getValue();
        }
    }

    /** Copies the entries of the old snapshot; false if it is not as long as its header said when checked. */
    private static boolean copyBody(Path target, JournalSnapshot.Header old, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(target)) {
            long size = Files.size(target);
            in.skipNBytes(JournalSnapshot.HEADER);
            long left = size - JournalSnapshot.HEADER - JournalSnapshot.TRAILER;
            byte[] buf = new byte[1 << 16];
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return false;
                }
                out.write(buf, 0, n);
                left -= n;
            }
            return old.entries() >= 0;
        }
    }
}
