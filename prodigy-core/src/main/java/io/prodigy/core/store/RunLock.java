package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.prodigy.api.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ownership of a run by one process: a file {@code lock} in the run's directory holding
 * {@code {"version":1,"run_id":..,"pid":..,"host":..,"started_at":..,"acquired_at":..}}, where
 * {@code started_at} is the start time of the owning process (to tell a reused pid from the owner).
 *
 * <p>{@link #acquire} creates the file exclusively. If it exists, its owner is on this host and is gone (its pid
 * is not alive, or is alive but belongs to a process started at another time), the stale lock is taken over:
 * a new file replaces it atomically and is read back to confirm. Otherwise {@link RunLockedException} names the
 * owner; an owner on another host is never taken over, since its liveness cannot be checked. Contenders on
 * one host serialise the check-and-replace through an operating-system lock on {@code lock.guard} beside the
 * lock file, so two of them cannot both take over the same stale lock.
 *
 * <p>{@link #close()} deletes the file if it is still this lock's. A process that holds the lock and calls
 * {@link #acquire} again for the same run is refused like any other contender. Thread-safe.
 *
 * <pre>{@code
 * try (RunLock lock = RunLock.acquire(store.runDirectory(runId), runId)) {
 *     prodigy.resume(runId, workflow, options);
 * }
 * }</pre>
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    private static final String GUARD = "lock.guard";
    private static final int MAX_TRIES = 5;
    /** File locks are held per process: threads of this process take turns before taking the file lock. */
    private static final Object PROCESS_GUARD = new Object();

    private final String runId;
    private final Path file;
    private final byte[] content;
    private final boolean tookOver;
    private boolean released; // guarded by this

    private RunLock(String runId, Path file, byte[] content, boolean tookOver) {
        this.runId = runId;
        this.file = file;
        this.content = content;
        this.tookOver = tookOver;
    }

    /**
     * Takes ownership of a run for this process.
     *
     * @param runDir the run's directory (created if missing)
     * @param runId the run's id, recorded in the lock and named in messages
     * @return the lock; close it when the run stops
     * @throws RunLockedException if a live process, or a process on another host, owns the run
     * @throws StoreException if the lock file cannot be created, read or replaced, or is unreadable
     */
    public static RunLock acquire(Path runDir, String runId) {
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(runId, "runId");
        Path file = runDir.resolve(StoreLayout.LOCK);
        Owner me = Owner.current(runId);
        byte[] content = me.encode();
        try {
            Files.createDirectories(runDir);
            return guarded(runDir, () -> acquireGuarded(runId, file, content));
        } catch (IOException e) {
            throw new StoreException("cannot lock run " + runId + " with " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Who holds a run's lock, as far as can be told without taking it.
     *
     * @param pid the owner's process id
     * @param host the owner's host
     * @param acquiredAt when it took the lock, or null
     */
    public record Holder(long pid, String host, Instant acquiredAt) {}

    /**
     * @param runDir a run's directory
     * @return the process holding the run's lock when one may be alive (a live process on this host, or any process
     *     on another host); empty when the run is not locked or its lock is stale
     * @throws StoreException if the lock file exists but cannot be read
     */
    public static Optional<Holder> holder(Path runDir) {
        Path file = Objects.requireNonNull(runDir, "runDir").resolve(StoreLayout.LOCK);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read the lock file " + file + ": " + e.getMessage(), e);
        }
        Owner owner = Owner.decode(file, bytes);
        return owner.staleBecause() == null
                ? Optional.of(new Holder(owner.pid, owner.host, owner.acquiredAt))
                : Optional.empty();
    }

    /**
     * The name of this host as locks record it; looked up once per process (the first call may wait for the
     * resolver), so that a resume can look it up on another thread while it reads the journal.
     *
     * @return the host name, or {@code HOSTNAME} or {@code localhost} when it cannot be resolved
     */
    public static String localHostName() {
        return LocalHost.NAME;
    }

    @FunctionalInterface
    private interface GuardedAction<T> {
        T run() throws IOException;
    }

    /** Runs an action while holding this process's guard and the operating-system lock on the guard file. */
    private static <T> T guarded(Path runDir, GuardedAction<T> action) throws IOException {
        synchronized (PROCESS_GUARD) {
            try (FileChannel guard =
                    FileChannel.open(runDir.resolve(GUARD), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = guard.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        }
    }

    private static RunLock acquireGuarded(String runId, Path file, byte[] content) throws IOException {
        for (int i = 0; i < MAX_TRIES; i++) {
            if (createNew(file, content)) {
                return new RunLock(runId, file, content, false);
            }
            byte[] existing;
            try {
                existing = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                continue; // released meanwhile by a process that does not use the guard
            }
            Owner owner = Owner.decode(file, existing);
            String staleBecause = owner.staleBecause();
            if (staleBecause == null) {
                boolean sameProcess = owner.pid == ProcessHandle.current().pid() && owner.onThisHost();
                throw new RunLockedException(runId, owner.pid, owner.host, owner.acquiredAt, file, sameProcess);
            }
            AtomicFiles.write(file, content);
            if (Arrays.equals(Files.readAllBytes(file), content)) {
                LOG.warn(
                        "took over the lock of run {} from pid {} on host {} (since {}): {}",
                        runId,
                        owner.pid,
                        owner.host,
                        owner.acquiredAt,
                        staleBecause);
                return new RunLock(runId, file, content, true);
            }
        }
        throw new StoreException("cannot lock run " + runId + ": " + file + " kept changing while it was taken; "
                + "another program is writing it");
    }

    private static boolean createNew(Path file, byte[] content) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        try (ch) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        AtomicFiles.syncDirectory(file.getParent());
        return true;
    }

    /** @return the run this lock owns */
    public String runId() {
        return runId;
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** @return whether acquiring replaced the stale lock of a process that is gone */
    public boolean tookOver() {
        return tookOver;
    }

    /**
     * Releases the run: deletes the lock file if it still holds this lock (a lock taken over meanwhile is left
     * alone, with a warning). Idempotent.
     *
     * @throws StoreException if the lock file cannot be read or deleted
     */
    @Override
    public void close() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        Path dir = file.getParent();
        try {
            guarded(dir, () -> {
                byte[] now;
                try {
                    now = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    LOG.warn("the lock of run {} was already deleted: {}", runId, file);
                    return null;
                }
                if (Arrays.equals(now, content)) {
                    Files.delete(file);
                } else {
                    LOG.warn(
                            "not releasing the lock of run {}: {} now belongs to another process ({})",
                            runId,
                            file,
                            new String(now, java.nio.charset.StandardCharsets.UTF_8).trim());
                }
                return null;
            });
        } catch (IOException e) {
            throw new StoreException(
                    "cannot release the lock of run " + runId + " (" + file + "): " + e.getMessage(), e);
        }
    }

    /** Who holds a lock. */
    private static final class Owner {
        final String runId;
        final long pid;
        final String host;
        final Instant processStart;
        final Instant acquiredAt;

        Owner(String runId, long pid, String host, Instant processStart, Instant acquiredAt) {
            this.runId = runId;
            this.pid = pid;
            this.host = host;
            this.processStart = processStart;
            this.acquiredAt = acquiredAt;
        }

        static Owner current(String runId) {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(
                    runId,
                    self.pid(),
                    LocalHost.NAME,
                    self.info().startInstant().orElse(null),
                    Instant.now());
        }

        byte[] encode() {
            return JsonRecords.line(null, g -> {
                JsonRecords.writeString(g, "run_id", runId);
                g.writeNumberField("pid", pid);
                JsonRecords.writeString(g, "host", host);
                JsonRecords.writeInstant(g, "started_at", processStart);
                JsonRecords.writeInstant(g, "acquired_at", acquiredAt);
            });
        }

        static Owner decode(Path file, byte[] bytes) {
            try {
                Record n = JsonRecords.parse(bytes, 0, bytes.length);
                JsonRecords.checkVersion(n);
                return new Owner(
                        JsonRecords.optionalText(n, "run_id"),
                        JsonRecords.longValue(n, "pid"),
                        JsonRecords.text(n, "host"),
                        JsonRecords.optionalInstant(n, "started_at"),
                        JsonRecords.optionalInstant(n, "acquired_at"));
            } catch (JsonProcessingException | RecordFormatException e) {
                throw new StoreException(
                        "the lock file " + file + " cannot be read (" + e.getMessage() + "); if no "
                                + "process is using the run, delete it",
                        e);
            }
        }

        boolean onThisHost() {
            return host.equalsIgnoreCase(LocalHost.NAME);
        }

        /** @return why the owner is gone, or null if it may be alive */
        String staleBecause() {
            if (!onThisHost()) {
                return null;
            }
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return "pid " + pid + " is not running";
            }
            Optional<Instant> started = handle.get().info().startInstant();
            if (processStart != null && started.isPresent() && !started.get().equals(processStart)) {
                return "pid " + pid + " now belongs to a process started at " + started.get() + ", not at "
                        + processStart;
            }
            return null;
        }
    }

    /** This host's name, looked up once. */
    private static final class LocalHost {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                String env = System.getenv("HOSTNAME");
                return env != null && !env.isBlank() ? env : "localhost";
            }
        }
    }
}
