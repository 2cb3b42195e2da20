package io.prodigy.core.internal.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started child and every process it led to, and how to terminate them all.
 *
 * <p>Members are the root, its live descendants and, when the root leads its own process group
 * ({@link TreeMode#PROCESS_GROUP}), every live process still in that group, which includes
 * grandchildren that were reparented to init (daemonized with {@code (cmd &)}). Processes that left
 * the group and were reparented (for example by calling {@code setsid} themselves) cannot be found.
 * Zombies are not members: they are already dead and cannot be signalled.
 */
final class ProcessTree {
    private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
    private static final long SELF_PID = ProcessHandle.current().pid();
    private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long KILL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int KILL_ROUNDS = 5;

    /** Above this many candidate pids the cheap lookup reads more than a scan of {@code /proc} would. */
    private static final long MAX_CANDIDATES = 2048;
    /** Safety margin against pids reserved by the kernel and the counters' own slack. */
    private static final long PID_MARGIN = 1024;

    private final ProcessHandle root;
    private final boolean ownGroup;
    private final long leaderStartTicks;
    private final ProcFs.Counters beforeStart;

    private ProcessTree(ProcessHandle root, boolean ownGroup, long leaderStartTicks, ProcFs.Counters beforeStart) {
        this.root = root;
        this.ownGroup = ownGroup;
        this.leaderStartTicks = leaderStartTicks;
        this.beforeStart = beforeStart;
    }

    /**
     * @param root the started child
     * @param mode whether the child leads its own process group
     * @return the tree rooted at the child
     */
    static ProcessTree of(ProcessHandle root, TreeMode mode) {
        return of(root, mode, null);
    }

    /**
     * @param root the started child
     * @param mode whether the child leads its own process group
     * @param beforeStart {@link ProcFs#counters()} read at some moment before the child was started (see
     *     {@link ProcFs#countersBefore()}), or null; with them the
     *     members of a group whose leader has exited are found without scanning all of {@code /proc}
     * @return the tree rooted at the child
     */
    static ProcessTree of(ProcessHandle root, TreeMode mode, ProcFs.Counters beforeStart) {
        boolean ownGroup = mode == TreeMode.PROCESS_GROUP;
        // Group members started no earlier than the leader: guards against a recycled group id.
        long startTicks =
                ownGroup ? ProcFs.stat(root.pid()).map(ProcFs.Stat::startTicks).orElse(0L) : 0L;
        return new ProcessTree(root, ownGroup, startTicks, ownGroup ? beforeStart : null);
    }

    /** @return the root's pid */
    long rootPid() {
        return root.pid();
    }

    /** @return the live members now, by pid */
    Map<Long, ProcessHandle> liveMembers() {
        Map<Long, ProcessHandle> members = new LinkedHashMap<>();
        boolean rootAlive = isRunning(root);
        if (rootAlive) {
            members.put(root.pid(), root);
        }
        if (ownGroup) {
            List<Long> found = rootAlive ? null : groupMembersSinceStart();
            for (long pid : found != null ? found : scanGroupAndDescendants(rootAlive)) {
                if (!members.containsKey(pid)) {
                    ProcessHandle.of(pid).filter(ProcessTree::isRunning).ifPresent(handle -> members.put(pid, handle));
                }
            }
        } else if (rootAlive) {
            root.descendants()
                    .filter(ProcessTree::isRunning)
                    .forEach(handle -> members.putIfAbsent(handle.pid(), handle));
        }
        members.remove(SELF_PID);
        return members;
    }

    /**
     * Finds the members of the exited leader's group by reading only the pids allocated since it started: every
     * member was created after the leader, and pids are handed out in increasing order, wrapping at
     * {@code pid_max}. That holds only while the allocation cursor has not come round to the leader's pid
     * again: the cursor moves by one per creation plus one per pid it skips because it is in use, so it has not
     * lapped when twice the creations since the start plus the tasks that existed then stay below
     * {@code pid_max} (every pid skipped was in use at the start or created since). This is the common case of a
     * short step; otherwise (or if the counters cannot be read, or the cursor wrapped past {@code pid_max}, or
     * the range is long) the caller scans all of {@code /proc}.
     *
     * @return the live members other than the leader, or null if this shortcut cannot be trusted
     */
    List<Long> groupMembersSinceStart() {
        if (beforeStart == null) {
            return null;
        }
        long rootPid = root.pid();
        ProcFs.Counters now = ProcFs.counters().orElse(null);
        long pidMax = ProcFs.pidMax();
        if (now == null || pidMax <= 0) {
            return null;
        }
        long created = now.forks() - beforeStart.forks();
        if (created < 0 || 2 * created + beforeStart.tasks() + PID_MARGIN >= pidMax) {
            return null;
        }
        long last = now.lastPid();
        if (last < rootPid || last - rootPid > MAX_CANDIDATES) {
            return null; // wrapped past pid_max since, or a long range: scan everything
        }
        List<Long> pids = new ArrayList<>();
        byte[] buffer = new byte[ProcFs.STAT_BUFFER_SIZE];
        for (long pid = rootPid + 1; pid <= last; pid++) {
            ProcFs.Stat stat = ProcFs.readIfPresent(pid, buffer);
            if (stat != null && !stat.zombie() && stat.pgrp() == rootPid && stat.startTicks() >= leaderStartTicks) {
                pids.add(pid);
            }
        }
        return pids;
    }

    private List<Long> scanGroupAndDescendants(boolean rootAlive) {
        long rootPid = root.pid();
        List<ProcFs.Stat> all = ProcFs.fresh();
        List<Long> pids = new ArrayList<>();
        Map<Long, List<Long>> children = new HashMap<>();
        for (ProcFs.Stat stat : all) {
            if (stat.zombie()) {
                continue;
            }
            if (stat.pgrp() == rootPid && stat.pid() != rootPid && stat.startTicks() >= leaderStartTicks) {
                pids.add(stat.pid());
            }
            children.computeIfAbsent(stat.ppid(), parent -> new ArrayList<>(2)).add(stat.pid());
        }
        if (rootAlive) { // a dead root's pid may already belong to someone else
            Deque<Long> queue = new ArrayDeque<>(children.getOrDefault(rootPid, List.of()));
            while (!queue.isEmpty()) {
                long pid = queue.removeFirst();
                pids.add(pid);
                queue.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return pids;
    }

    /**
     * Terminates every member: SIGTERM now, then SIGKILL to whatever is still a member when the grace
     * period ends (or as soon as all are gone). Not interruptible: an interrupt is remembered and the
     * thread's interrupt status set again on return.
     *
     * @param grace how long members get to exit after SIGTERM
     */
    void terminate(Duration grace) {
        Map<Long, ProcessHandle> signalled = sendTerm();
        if (!signalled.isEmpty()) {
            killSurvivors(signalled, System.nanoTime(), saturatedNanos(grace));
        }
    }

    /**
     * Sends SIGTERM to every live member.
     *
     * @return the members signalled
     */
    Map<Long, ProcessHandle> sendTerm() {
        Map<Long, ProcessHandle> members = liveMembers();
        if (!members.isEmpty()) {
            log.debug("Sending SIGTERM to {} (process tree of pid {})", members.keySet(), root.pid());
            members.values().forEach(ProcessHandle::destroy);
        }
        return members;
    }

    /**
     * Waits until the signalled processes and all members are gone or {@code graceNanos} have passed
     * since {@code startNanos}, then kills what is left. Not interruptible (see {@link #terminate}).
     *
     * @param signalled the processes sent SIGTERM
     * @param startNanos when SIGTERM was sent, from {@link System#nanoTime()}
     * @param graceNanos the grace period
     */
    void killSurvivors(Map<Long, ProcessHandle> signalled, long startNanos, long graceNanos) {
        boolean interrupted = false;
        Map<Long, ProcessHandle> known = new LinkedHashMap<>(signalled);
        long pause = FIRST_POLL_NANOS;
        while (true) {
            known.values().removeIf(handle -> !isRunning(handle));
            if (known.isEmpty()) {
                // Members we did not know about (forked meanwhile) get until the end of the grace period.
                known.putAll(liveMembers());
                if (known.isEmpty()) {
                    restoreInterrupt(interrupted);
                    return;
                }
            }
            long remaining = graceNanos - (System.nanoTime() - startNanos);
            if (remaining <= 0) {
                break;
            }
            interrupted |= pause(Math.min(pause, remaining));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
        for (int round = 0; round < KILL_ROUNDS && !known.isEmpty(); round++) {
            log.debug(
                    "Sending SIGKILL to {} (process tree of pid {}), still alive after the {} ms grace period",
                    known.keySet(),
                    root.pid(),
                    TimeUnit.NANOSECONDS.toMillis(graceNanos));
            known.values().forEach(ProcessHandle::destroyForcibly);
            interrupted |= awaitDeath(known);
            known.values().removeIf(handle -> !isRunning(handle));
            liveMembers().forEach(known::putIfAbsent);
        }
        if (!known.isEmpty()) {
            log.warn(
                    "Could not kill {} (process tree of pid {}); they may be in uninterruptible sleep",
                    known.keySet(),
                    root.pid());
        }
        restoreInterrupt(interrupted);
    }

    private static boolean awaitDeath(Map<Long, ProcessHandle> handles) {
        boolean interrupted = false;
        long start = System.nanoTime();
        long pause = FIRST_POLL_NANOS;
        while (handles.values().stream().anyMatch(ProcessTree::isRunning)
                && System.nanoTime() - start < KILL_WAIT_NANOS) {
            interrupted |= pause(pause);
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
        return interrupted;
    }

    /**
     * @return whether the process is alive and not a zombie. {@link ProcessHandle#isAlive()} counts
     *     zombies as alive, and they can stay zombies for long when their new parent (a container's
     *     pid 1, say) does not reap them.
     */
    static boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        return !ProcFs.AVAILABLE
                || ProcFs.stat(handle.pid()).map(stat -> !stat.zombie()).orElse(false);
    }

    /** @return whether the thread was interrupted (its status is then clear) */
    private static boolean pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
