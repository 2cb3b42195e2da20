package io.prodigy.core.store;

import io.prodigy.api.StoreException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a store has open for appending, and the {@link SyncPolicy} applied to them. Under
 * {@link SyncPolicy#BATCHED} one daemon thread, started with the first open file, syncs files with new records
 * every interval. Thread-safe.
 */
final class AppendLogs implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AppendLogs.class);

    private final SyncPolicy policy;
    private final Duration interval;
    private final String threadName;
    private final ConcurrentHashMap<Path, AppendLog> open = new ConcurrentHashMap<>();
    private final java.util.Set<Path> syncFailures = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService syncer; // guarded by this
    private boolean closed; // guarded by this

    AppendLogs(SyncPolicy policy, Duration interval, String threadName) {
        this.policy = policy;
        this.interval = interval;
        this.threadName = threadName;
    }

    /**
     * Appends a record to a file, opening it first if needed, and syncs it as the policy says.
     *
     * @param file the file; its directory must exist
     * @param record a whole record ending with a newline
     * @return the offset where the record starts
     * @throws IOException if the file cannot be opened, written or synced
     * @throws StoreException if these files were closed
     */
    long append(Path file, byte[] record) throws IOException {
        while (true) {
            AppendLog log = get(file);
            long offset = log.append(record);
            if (offset < 0) {
                open.remove(file, log); // closed by another thread: reopen
                continue;
            }
            if (policy == SyncPolicy.EVERY_RECORD) {
                log.syncTo(offset + record.length);
            }
            return offset;
        }
    }

    /**
     * @param file a file
     * @return the offset just after its last record written through this registry, or -1 if it is not open
     */
    long size(Path file) {
        AppendLog log = open.get(file);
        return log == null ? -1 : log.size();
    }

    /**
     * Syncs what was written to a file, if it is open (a closed file was synced when it was closed).
     *
     * @param file the file
     * @throws IOException if the sync fails
     */
    void sync(Path file) throws IOException {
        AppendLog log = open.get(file);
        if (log != null) {
            log.sync();
        }
    }

    /** @return whether the file is open for appending */
    boolean isOpen(Path file) {
        return open.containsKey(file);
    }

    /**
     * Syncs and closes one file, if open.
     *
     * @param file the file
     * @throws IOException if its final sync fails
     */
    void close(Path file) throws IOException {
        AppendLog log = open.remove(file);
        if (log != null) {
            log.close();
        }
    }

    /**
     * Opens a file for appending if it is not open, cutting off its torn last line.
     *
     * @param file the file; its directory must exist
     * @throws IOException if it cannot be opened
     */
    void open(Path file) throws IOException {
        get(file);
    }

    private AppendLog get(Path file) throws IOException {
        AppendLog log = open.get(file);
        if (log != null) {
            return log;
        }
        synchronized (this) {
            if (closed) {
                throw new StoreException("the store was closed; " + file + " can no longer be written");
            }
            if (policy == SyncPolicy.BATCHED && syncer == null) {
                syncer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
                long ms = Math.max(1, interval.toMillis());
                syncer.scheduleWithFixedDelay(this::syncDirty, ms, ms, TimeUnit.MILLISECONDS);
            }
            try {
                return open.computeIfAbsent(file, f -> {
                    try {
                        return AppendLog.open(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private void syncDirty() {
        for (AppendLog log : open.values()) {
            if (!log.dirty()) {
                continue;
            }
            try {
                log.sync();
                syncFailures.remove(log.file());
            } catch (IOException | RuntimeException e) {
                if (syncFailures.add(log.file())) {
                    LOG.warn(
                            "cannot sync {} to disk: {}; its last records survive a crash of this process but "
                                    + "not of the machine until a sync succeeds",
                            log.file(),
                            e.toString());
                }
            }
        }
    }

    /**
     * Syncs and closes every open file and stops the sync thread. Later appends throw {@link StoreException}.
     *
     * @throws IOException if a final sync fails (every file is closed anyway)
     */
    @Override
    public void close() throws IOException {
        ScheduledExecutorService s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = syncer;
        }
        if (s != null) {
            s.shutdownNow();
        }
        IOException failure = null;
        List<Path> files = new ArrayList<>(open.keySet());
        for (Path f : files) {
            try {
                close(f);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
