package io.prodigy.core.store;

import io.prodigy.api.ProdigyException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A run is owned by another live process (or by a process on another host, whose liveness cannot be checked),
 * so it cannot be run or resumed here. The message names the owner and the lock file to delete if the owner is
 * known to be gone.
 */
public final class RunLockedException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final long ownerPid;
    private final String ownerHost;
    private final Instant since;
    private final String lockFile;

    RunLockedException(
            String runId, long ownerPid, String ownerHost, Instant since, Path lockFile, boolean sameProcess) {
        super("run " + runId + " is in use by pid " + ownerPid + (sameProcess ? " (this process)" : "") + " on host "
                + ownerHost + " since " + since + "; if that process is gone, delete " + lockFile);
        this.runId = runId;
        this.ownerPid = ownerPid;
        this.ownerHost = ownerHost;
        this.since = since;
        this.lockFile = lockFile.toString();
    }

    /** @return the locked run */
    public String runId() {
        return runId;
    }

    /** @return the owner's process id */
    public long ownerPid() {
        return ownerPid;
    }

    /** @return the owner's host name */
    public String ownerHost() {
        return ownerHost;
    }

    /** @return when the owner took the lock */
    public Instant since() {
        return since;
    }

    /** @return the lock file */
    public Path lockFile() {
        return Path.of(lockFile);
    }
}
