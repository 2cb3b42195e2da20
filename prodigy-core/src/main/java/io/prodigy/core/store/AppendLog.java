package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSONL file open for appending. Records are written whole, one positional write after the other, under a
 * lock, so concurrent appends never interleave; a failed write is overwritten by the next one. Syncing is group
 * commit: a thread that needs its record on disk forces every record written so far, and threads that wrote
 * while it did so find their records already synced. Opening the file cuts off a torn last line, which a reader
 * would skip anyway, so that the next record does not turn it into a corrupt middle line.
 *
 * <p>The file is written through a {@link RandomAccessFile}, not a {@code FileChannel}: an engine thread that
 * is interrupted (a cancelled run) must still be able to record what it finished, and an interrupt closes a
 * {@code FileChannel} for every thread.
 */
final class AppendLog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
    private static final int TAIL_CHUNK = 8192;

    private final Path file;
    private final RandomAccessFile raf;
    private final Object writeLock = new Object();
    private final Object syncLock = new Object();
    private long size; // guarded by writeLock
    private volatile long written;
    private boolean closed; // guarded by writeLock
    private boolean released; // guarded by syncLock: the file is closed, everything written was synced
    private long synced; // guarded by syncLock

    private AppendLog(Path file, RandomAccessFile raf, long size) {
        this.file = file;
        this.raf = raf;
        this.size = size;
        this.written = size;
        this.synced = size;
    }

    /**
     * Opens (creating) a file for appending, cutting off a torn last line.
     *
     * @param file the file; its directory must exist
     * @return the open log
     * @throws IOException if the file cannot be opened or repaired
     */
    static AppendLog open(Path file) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        try {
            return new AppendLog(file, raf, repairTail(file, raf));
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    /** @return the size of the file once its torn last line, if any, is cut off */
    private static long repairTail(Path file, RandomAccessFile raf) throws IOException {
        long size = raf.length();
        if (size == 0) {
            return 0;
        }
        raf.seek(size - 1);
        boolean terminated = raf.read() == '\n';
        long lineStart = lineStartBefore(raf, terminated ? size - 1 : size);
        if (terminated) {
            int length = (int) (size - 1 - lineStart);
            byte[] line = new byte[length];
            raf.seek(lineStart);
            raf.readFully(line);
            if (JsonRecords.isBlank(line, 0, length)) {
                return size;
            }
            try {
                Record.parse(line, 0, length);
                return size; // whole JSON: a record, or a corrupt line the reader reports
            } catch (JsonProcessingException e) {
                // a torn record: cut it off below
            }
        }
        LOG.warn(
                "{}: cutting off a torn last record of {} bytes at offset {} ({}); it was being written when "
                        + "the previous writer stopped and was never acknowledged",
                file,
                size - lineStart,
                lineStart,
                terminated ? "it is not JSON" : "it has no newline");
        raf.setLength(lineStart);
        raf.getFD().sync();
        return lineStart;
    }

    /** @return the offset just after the last newline before {@code end}, or 0 */
    private static long lineStartBefore(RandomAccessFile raf, long end) throws IOException {
        byte[] chunk = new byte[TAIL_CHUNK];
        long to = end;
        while (to > 0) {
            long from = Math.max(0, to - TAIL_CHUNK);
            int n = (int) (to - from);
            raf.seek(from);
            raf.readFully(chunk, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (chunk[i] == '\n') {
                    return from + i + 1;
                }
            }
            to = from;
        }
        return 0;
    }

    /**
     * Writes one record to the operating system.
     *
     * @param record a whole record, ending with a newline
     * @return the offset where the record starts, or -1 if this log was closed (reopen it and try again)
     * @throws IOException if the write fails; the partial record is overwritten by the next append
     */
    long append(byte[] record) throws IOException {
        synchronized (writeLock) {
            if (closed) {
                return -1;
            }
            long offset = size;
            raf.seek(offset);
            raf.write(record);
            size = offset + record.length;
            written = size;
            return offset;
        }
    }

    /**
     * Forces every record written so far, unless another thread's sync already covered {@code end}.
     *
     * @param end the offset that must be on stable storage when this returns
     * @throws IOException if the sync fails
     */
    void syncTo(long end) throws IOException {
        synchronized (syncLock) {
            if (synced >= end || released) {
                return;
            }
            long target = written;
            raf.getFD().sync();
            synced = target;
        }
    }

    /**
     * Forces every record written so far, if any is not yet synced.
     *
     * @throws IOException if the sync fails
     */
    void sync() throws IOException {
        syncTo(written);
    }

    /** @return whether records were written since the last sync */
    boolean dirty() {
        synchronized (syncLock) {
            return !released && synced < written;
        }
    }

    /** @return the offset just after the last whole record written */
    long size() {
        return written;
    }

    Path file() {
        return file;
    }

    /**
     * Syncs and closes; later appends return -1.
     *
     * @throws IOException if the final sync fails (the file is closed anyway)
     */
    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (syncLock) {
            try {
                if (synced < written) {
                    raf.getFD().sync();
                    synced = written;
                }
                released = true;
            } finally {
                raf.close();
            }
        }
    }
}
