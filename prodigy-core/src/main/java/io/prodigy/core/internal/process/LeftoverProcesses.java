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
    /**
     * The environment variable holding the run's state directory: with the run id it tells this run's processes
     * from those of a run with the same id under another {@code PRODIGY_HOME} (another project, another test).
     */
    public static final String RUN_STATE_VARIABLE = "PRODIGY_RUN_STATE_DIR";

    private LeftoverProcesses() {}

    /**
     * Lists the processes whose environment says they were started for a run, leaving out this JVM and its
     * ancestors (a run may be driven by a process that itself runs under a Prodigy step).
     *
     * @param runId the run id
     * @return their pids, empty where neither {@code /proc} nor {@code ps} can be read
     */
    public static List<Long> find(String runId) {
        return find(runId, null);
    }

    /**
     * Lists the processes whose environment says they were started for a run kept in {@code stateDirectory}, leaving
     * out this JVM and its ancestors.
     *
     * @param runId the run id
     * @param stateDirectory the run's state directory ({@value #RUN_STATE_VARIABLE}), or null to match by id only
     * @return their pids, empty where neither {@code /proc} nor {@code ps} can be read
     */
    public static List<Long> find(String runId, Path stateDirectory) {
        if (!ProcFs.AVAILABLE || TreeMode.DEFAULT == TreeMode.DESCENDANTS) {
            // without /proc the environment comes from ps, whose output separates words by spaces: a state
            // directory with a space in its path cannot be matched there, and then the run id alone decides
            List<String> entries = new ArrayList<>();
            entries.add(RUN_ID_VARIABLE + "=" + runId);
            if (stateDirectory != null && !stateDirectory.toString().contains(" ")) {
                entries.add(RUN_STATE_VARIABLE + "=" + stateDirectory);
            }
            return EnvironmentSearch.find(entries, selfAndAncestors());
        }
        byte[] marker = ("\0" + RUN_ID_VARIABLE + "=" + runId + "\0").getBytes(UTF_8);
        byte[] state = stateDirectory == null
                ? null
                : ("\0" + RUN_STATE_VARIABLE + "=" + stateDirectory + "\0").getBytes(UTF_8);
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
            if (!excluded.contains(pid) && carries(pid, marker, state)) {
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
        return terminate(runId, null, grace, Duration.ZERO);
    }

    /**
     * Stops the processes a run's previous owner left behind, letting its git commands end by themselves first.
     *
     * <p>A git command the owner started (a merge into the run's worktree, say) keeps running after the owner was
     * killed. Stopped half way it would leave a half-written worktree and lock files, so git processes (and their
     * hooks) get up to {@code gitGrace} to finish what they were doing; the resume then sees their result. Every
     * other process (agents, shell steps) gets SIGTERM at once, SIGKILL after {@code grace}; a git command still
     * running after {@code gitGrace} gets SIGKILL. Call it only while holding the run's lock.
     *
     * @param runId the run id
     * @param stateDirectory the run's state directory, or null to match by id only
     * @param grace how long non-git processes get to exit after SIGTERM
     * @param gitGrace how long git commands get to finish by themselves
     * @return the pids that were found
     * @throws InterruptedException if interrupted while waiting for them to exit
     */
    public static List<Long> terminate(String runId, Path stateDirectory, Duration grace, Duration gitGrace)
            throws InterruptedException {
        List<Long> pids = find(runId, stateDirectory);
        if (pids.isEmpty()) {
            return pids;
        }
        Set<Long> git = gitCommands(pids);
        log.warn(
                "Run {}: its previous owner left {} process(es) running: pids {}; stopping them{}",
                runId,
                pids.size(),
                pids,
                git.isEmpty() ? "" : " after its git commands " + git + " end");
        List<ProcessHandle> others = new ArrayList<>();
        List<ProcessHandle> gits = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (git.contains(pid)) {
                    gits.add(h);
                } else {
                    others.add(h);
                    h.destroy();
                }
            });
        }
        awaitExit(others, grace);
        awaitExit(gits, gitGrace);
        // processes that a dying parent forked in the meantime still carry the marker
        for (long pid : find(runId, stateDirectory)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        return pids;
    }

    /** Waits until the processes are gone or the time is up, then kills those left with SIGKILL. */
    private static void awaitExit(List<ProcessHandle> handles, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (ProcessHandle h : handles) {
            while (h.isAlive() && !zombie(h.pid()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (h.isAlive() && !zombie(h.pid())) {
                h.destroyForcibly();
            }
        }
    }

    /**
     * @return the processes among {@code pids} that are git commands, or run under one (a hook): their command
     *     name ({@code /proc/<pid>/comm}) starts with {@code git}, or an ancestor's does
     */
    static Set<Long> gitCommands(List<Long> pids) {
        Set<Long> git = new HashSet<>();
        for (long pid : pids) {
            long p = pid;
            for (int depth = 0; depth < 64 && p > 1; depth++) {
                if (isGit(p)) {
                    git.add(pid);
                    break;
                }
                Optional<ProcFs.Stat> stat = ProcFs.stat(p);
                if (stat.isEmpty()) {
                    break;
                }
                p = stat.get().ppid();
            }
        }
        return git;
    }

    private static boolean isGit(long pid) {
        try {
            String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm"), UTF_8)
                    .strip();
            return comm.equals("git") || comm.startsWith("git-");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static boolean zombie(long pid) {
        if (!ProcFs.AVAILABLE) {
            return false; // without /proc, ProcessHandle.isAlive is all there is
        }
        return ProcFs.stat(pid).map(ProcFs.Stat::zombie).orElse(true);
    }

    private static boolean carries(long pid, byte[] marker, byte[] state) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or another user's process
        }
        // NUL-separated KEY=value entries: framed by NULs, the first and last match the marker like any other
        byte[] framed = new byte[environ.length + 2];
        System.arraycopy(environ, 0, framed, 1, environ.length);
        return contains(framed, marker) && (state == null || contains(framed, state));
    }

    private static boolean contains(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
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
