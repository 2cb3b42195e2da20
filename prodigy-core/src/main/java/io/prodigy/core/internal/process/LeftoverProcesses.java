package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and stops the processes a run's previous owner left behind.
 *
 * <p>Agents and shell steps run in their own session ({@code setsid}), so when the JVM that ran them dies without
 * its shutdown hooks ({@code kill -9}, a power cut of the terminal, an OOM kill) they keep running: a resume would
 * otherwise start the same item again beside its still-running first attempt, both writing the same workspace.
 * Every process the engine starts carries {@code PRODIGY_RUN_ID=<run id>} in its environment, which its
 * descendants inherit; a resume, once it holds the run's lock (so the previous owner is gone), stops every process
 * that still carries its run id. On Linux it reads {@code /proc/<pid>/environ}; in the descendants process mode
 * (macOS, or forced with {@code PRODIGY_PROCESS_MODE=descendants}) it asks {@code ps} for the environments
 * ({@link EnvironmentSearch}).
 */
public final class LeftoverProcesses {
    private static final Logger log = LoggerFactory.getLogger(LeftoverProcesses.class);
    /** The environment variable that marks a process as started for a run. */
    public static final String RUN_ID_VARIABLE = "PRODIGY_RUN_ID";

    private LeftoverProcesses() {
    }

    /**
     * Lists the processes whose environment says they were started for a run, leaving out this JVM and its
     * ancestors (a run may be driven by a process that itself runs under a Prodigy step).
     *
     * @param runId the run id
     * @return their pids, empty where neither {@code /proc} nor {@code ps} can be read
     */
    public static List<Long> find(String runId) {
        if (!ProcFs.AVAILABLE || TreeMode.DEFAULT == TreeMode.DESCENDANTS) {
            return EnvironmentSearch.find(RUN_ID_VARIABLE, runId, selfAndAncestors());
        }
        byte[] marker = ("\0" + RUN_ID_VARIABLE + "=" + runId + "\0").getBytes(UTF_8);
        Set<Long> excluded = selfAndAncestors();
        List<Long> found = new ArrayList<>();
        String[] names = new File("/proc").list();
        if (names == null) {
            return List.of();
        }
        for (String name : names) {
            if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(name);
            } catch (NumberFormatException e) {
                continue;
            }
            if (!excluded.contains(pid) && carries(pid, marker)) {
                found.add(pid);
            }
        }
        return found;
    }

    /**
     * Stops the processes a run's previous owner left behind: SIGTERM to each, then SIGKILL to those still alive
     * after {@code grace}. Call it only while holding the run's lock.
     *
     * @param runId the run id
     * @param grace how long the processes get to exit after SIGTERM
     * @return the pids that were signalled
     * @throws InterruptedException if interrupted while waiting for them to exit
     */
    public static List<Long> terminate(String runId, Duration grace) throws InterruptedException {
        List<Long> pids = find(runId);
        if (pids.isEmpty()) {
            return pids;
        }
        log.warn("Run {}: stopping {} process(es) its previous owner left running: pids {}", runId, pids.size(),
                pids);
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                handles.add(h);
                h.destroy();
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : handles) {
            while (h.isAlive() && !zombie(h.pid()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (h.isAlive() && !zombie(h.pid())) {
                h.destroyForcibly();
            }
        }
        // processes that a dying parent forked in the meantime still carry the marker
        for (long pid : find(runId)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        return pids;
    }

    private static boolean zombie(long pid) {
        if (!ProcFs.AVAILABLE) {
            return false; // without /proc, ProcessHandle.isAlive is all there is
        }
        return ProcFs.stat(pid).map(ProcFs.Stat::zombie).orElse(true);
    }

    private static boolean carries(long pid, byte[] marker) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or another user's process
        }
        // NUL-separated KEY=value entries: framed by NULs, the first and last match the marker like any other
        byte[] framed = new byte[environ.length + 2];
        System.arraycopy(environ, 0, framed, 1, environ.length);
        outer:
        for (int i = 0; i <= framed.length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (framed[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Set<Long> selfAndAncestors() {
        Set<Long> pids = new HashSet<>();
        Optional<ProcessHandle> h = Optional.of(ProcessHandle.current());
        while (h.isPresent() && pids.add(h.get().pid())) {
            h = h.get().parent();
        }
        return pids;
    }
}
