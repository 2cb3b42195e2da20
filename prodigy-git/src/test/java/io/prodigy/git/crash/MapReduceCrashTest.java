package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a MapReduce run with SIGKILL at random moments - during setup, early in the map phase, with items in
 * flight, between an item's merge and its journal record, in the middle of a git merge, during reduce, during the
 * final merge - then kills its first resume (in another JVM) again at one of the resume's phases (lock takeover,
 * leftover stop, ancestry check, stale discard, dispatch, integrate, reduce, final merge), resumes it to the end,
 * and checks exactly-once from the user's branch's git history: every successful item's commit once, none missing,
 * the failed items once each in the DLQ and counted by {@code ${map.failed}}, no worktree, branch, process or lock
 * left over. Kills hit the JVM alone or its whole process group (with the git commands it runs); the harness never
 * stops the processes a killed run left: the resume must. Every child pauses at random at the engine's crash
 * points; half the trials run with every core of the machine busy ({@link CpuLoad}); the worktree modes
 * turn over between pooled, on demand and reuse (the default). The count of kills per point is printed at the end.
 */
@Tag("slow")
class MapReduceCrashTest {
    /** How the first run is killed. */
    private static final String[] FIRST = {
        "setup",
        "early-map",
        "mid-map",
        "merge-hook",
        "reduce",
        "snapshot-point",
        "final-merge",
        "integrated-point",
        "mid-merge",
        "dispatch-point"
    };
    /** Worktree modes: pooled (3 slots), on demand, and reuse (one warm slot per worker: the default). */
    private static final String[] MODES = {"pooled", "on-demand", "reuse"};
    /** Where the first resume is killed. */
    private static final String[] AGAIN = {
        "LOCK_TAKEN",
        "LEFTOVERS_STOPPED",
        "WORKSPACE_OPEN",
        "ANCESTRY_CHECK",
        "DISCARD",
        "DISPATCH",
        "INTEGRATE",
        "INTEGRATED",
        "ITEM_FINISHED",
        "STEP",
        "FINAL_MERGE",
        "FINAL_MERGE_DONE",
        "MID_MERGE",
        "SNAPSHOT_WRITE",
        "REDUCE_COMMIT"
    };

    private static final long BASE_SEED = CrashTrials.baseSeed();

    @TempDir
    Path tmp;

    @BeforeAll
    static void seed() {
        System.out.println(
                "MapReduceCrashTest base seed " + BASE_SEED + " (replay: -Dprodigy.crash.seed=" + BASE_SEED + ")");
    }

    @AfterAll
    static void tally() {
        System.out.println("MapReduceCrashTest: kills per point\n" + CrashTrials.killTally());
    }

    @Test
    void killedTwiceOnAnIdleMachineEveryItemIsIntegratedExactlyOnce() throws Exception {
        trials("idle", CrashTrials.trials("prodigy.crash.trials", 20), 0, 30);
    }

    @Test
    void killedTwiceUnderCpuLoadEveryItemIsIntegratedExactlyOnce() throws Exception {
        try (CpuLoad load = CpuLoad.start()) {
            System.out.println("CPU load: " + load.threads() + " busy threads");
            trials("loaded", CrashTrials.trials("prodigy.crash.loadedTrials", 20), 1000, 60);
        }
    }

    private void trials(String kind, List<Integer> trials, int seedOffset, int pauseMaxMs) throws Exception {
        long started = System.nanoTime();
        int killed = 0;
        for (int t : trials) {
            killed += trial(kind, BASE_SEED + seedOffset, t, pauseMaxMs) ? 1 : 0;
        }
        System.out.printf(
                "MapReduceCrashTest %s: %d trials (%d killed) in %.1f s%n",
                kind, trials.size(), killed, (System.nanoTime() - started) / 1e9);
        assertThat(killed).as("trials that were really killed").isGreaterThanOrEqualTo(trials.size() * 2 / 3);
    }

    private boolean trial(String kind, long baseSeed, int t, int pauseMaxMs) throws Exception {
        long seed = baseSeed + t;
        Random random = new Random(seed);
        String moment = FIRST[t % FIRST.length];
        String again = AGAIN[t % AGAIN.length];
        // the three modes turn over independently of the kill points
        String mode = MODES[(t + t / FIRST.length) % MODES.length];
        int items = 8 + random.nextInt(3);
        Set<Integer> failing = new TreeSet<>();
        while (failing.size() < 2) {
            failing.add(random.nextInt(items));
        }
        Properties spec = CrashTrials.spec("mapreduce");
        spec.setProperty("items", String.valueOf(items));
        spec.setProperty(
                "failing",
                String.join(",", failing.stream().map(String::valueOf).toList()));
        spec.setProperty("mode", mode);
        boolean insideGitMerge = moment.equals("mid-merge") || again.equals("MID_MERGE");
        spec.setProperty("git.wrapper", String.valueOf(insideGitMerge));
        // item merges by update-ref (the default) in most trials; in the worktree where a kill inside git merge is
        // planned, and in every fourth trial
        spec.setProperty("merge.in.worktree", String.valueOf(insideGitMerge || t % 4 == 0));
        for (int i = 0; i < items; i++) {
            spec.setProperty("delay." + i, String.valueOf(random.nextInt(4) == 0 ? 100 + random.nextInt(150) : 0));
        }
        int successes = items - failing.size();
        Path base = tmp.resolve(kind + "-" + t);
        Files.createDirectories(base);
        CrashScenario s = CrashScenario.create(base, spec);
        CrashTrials.Kill first;
        String what;
        switch (moment) {
            case "setup" -> {
                first = CrashTrials.Kill.of(CrashTrials.after("EV PhaseStarted setup", 1, 350));
                what = "during setup";
            }
            case "early-map" -> {
                first = CrashTrials.Kill.of(CrashTrials.after("EV ItemStarted", 1, 150));
                what = "after the first item started";
            }
            case "mid-map" -> {
                int k = 1 + random.nextInt(successes - 1);
                first = CrashTrials.Kill.of(CrashTrials.after("EV ItemIntegrated", k, 150));
                what = "after " + k + " items were integrated";
            }
            case "merge-hook" -> {
                int m = 1 + random.nextInt(successes);
                first = armed("kill-at-merge", m, CrashTrials.byHook("post-merge hook (merge " + m + ")"));
                what = "right after merge " + m + " of " + successes + ", before its journal record";
            }
            case "reduce" -> {
                first = CrashTrials.Kill.of(CrashTrials.after("EV PhaseStarted reduce", 1, 400));
                what = "during reduce";
            }
            case "final-merge" -> {
                first = armed("kill-at-merge", successes + 1, CrashTrials.byHook("post-merge hook (final merge)"));
                what = "right after the final merge into the user's branch";
            }
            case "integrated-point" -> {
                int k = 1 + random.nextInt(successes);
                first = new CrashTrials.Kill(
                        CrashTrials.atKillPoint(), CrashTrials.atPoint("INTEGRATED", k, ""), false, null);
                what = "at crash point INTEGRATED " + k + " (merged, not journaled)";
            }
            case "mid-merge" -> {
                int m = 1 + random.nextInt(successes);
                first = armed("kill-in-merge", m, CrashTrials.byHook("inside git merge " + m));
                what = "inside git merge " + m + " (the item's files written, nothing committed)";
            }
            case "snapshot-point" -> {
                int k = 1 + random.nextInt(3);
                first = new CrashTrials.Kill(
                        CrashTrials.atKillPoint(), CrashTrials.atPoint("SNAPSHOT_WRITE", k, ""), false, null);
                what = "inside journal snapshot write " + k + " (its temporary file written, not renamed)";
            }
            default -> {
                int k = 1 + random.nextInt(items);
                first = new CrashTrials.Kill(
                        CrashTrials.atKillPoint(), CrashTrials.atPoint("DISPATCH", k, ""), false, null);
                what = "at crash point DISPATCH " + k;
            }
        }
        // a snapshot write runs beside the engine, which goes on until the kill lands: killing the process group
        // with the JVM keeps that kill about the snapshot, not about a step's orphaned shell
        first = first.withGroup(random.nextBoolean() || moment.equals("snapshot-point"));
        CrashTrials.Kill second;
        if (again.equals("MID_MERGE")) {
            second = armed("kill-in-merge", 1, CrashTrials.byHook("inside git merge 1"));
        } else if (again.equals("REDUCE_COMMIT")) {
            // right after the resume's reduce commit, before its journal record (the post-commit hook counts anew)
            second = new CrashTrials.Kill(
                    CrashTrials.byHook("after the resume's reduce commit"), Map.of(), random.nextBoolean(), dir -> {
                        Files.deleteIfExists(dir.resolve("commit-count"));
                        Files.writeString(dir.resolve("kill-at-commit"), "reduce 1\n");
                    });
        } else if (again.equals("SNAPSHOT_WRITE")) {
            // a snapshot write runs beside the engine: the process group goes with the JVM (see the first kill)
            second = new CrashTrials.Kill(CrashTrials.atKillPoint(), CrashTrials.atPoint(again, 1, ""), true, null);
        } else {
            int nth = again.equals("DISPATCH") || again.equals("INTEGRATE") || again.equals("INTEGRATED")
                    ? 1 + random.nextInt(2)
                    : 1;
            second = new CrashTrials.Kill(
                    CrashTrials.atKillPoint(),
                    CrashTrials.atPoint(again, nth, again.equals("STEP") ? "/reduce/" : ""),
                    random.nextBoolean(),
                    null);
        }
        what += "; the first resume killed at " + again + (second.group() ? " with its process group" : "")
                + "; " + mode + " worktrees; item merges "
                + (Boolean.parseBoolean(spec.getProperty("merge.in.worktree")) ? "in the worktree" : "by update-ref");
        System.out.printf(
                "%s crash trial %d seed %d: %d items, failing %s, kill %s%s (replay: "
                        + "-Dprodigy.crash.seed=%d -Dprodigy.crash.trial=%d)%n",
                kind, t, seed, items, failing, what, first.group() ? " (first kill: process group)" : "", baseSeed, t);
        CrashTrials.Outcome o;
        try {
            o = CrashTrials.crashAndResume(s, first, second, random, CrashTrials.pauses(seed, pauseMaxMs));
            String context = kind + " trial " + t + " seed " + seed + " (" + what + "); kills " + o.kills()
                    + "; first run " + (o.killed() ? "killed" : "ended " + o.firstEnd()) + "; child stderr:\n"
                    + o.childStderr();
            System.out.printf(
                    "  killed=%s resumed=%s%n",
                    o.killed(), o.resumed() == null ? "-" : o.resumed().status());
            if (o.killed()) {
                assertThat(o.resumed().status())
                        .as(context + "\nresume failure: " + o.resumed().failure())
                        .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
            } else {
                assertThat(o.firstEnd()).as(context).startsWith(RunStatus.COMPLETED_WITH_FAILURES.name());
            }
            verify(s, items, failing, context);
        } finally {
            Leftovers.killAll(s.marker(), s.base); // only after the checks: a failed trial leaves nothing running
        }
        return o.killed() || !o.kills().isEmpty();
    }

    /** A kill the child does itself: {@code file} in the trial directory holds the merge number that triggers it. */
    private static CrashTrials.Kill armed(String file, int merge, CrashTrials.Moment moment) {
        return new CrashTrials.Kill(
                moment, java.util.Map.of(), false, base -> Files.writeString(base.resolve(file), merge + "\n"));
    }

    static void verify(CrashScenario s, int items, Set<Integer> failing, String context) throws Exception {
        List<String> subjects = s.gitLines("log", "--format=%s", "main");
        for (int i = 0; i < items; i++) {
            long n = CrashTrials.count(subjects, "item " + i);
            assertThat(n)
                    .as(context + "\ncommits of item " + i + " on main:\n" + subjects)
                    .isEqualTo(failing.contains(i) ? 0 : 1);
            Path file = s.repo.resolve("item-" + i + ".txt");
            if (failing.contains(i)) {
                assertThat(file).as(context).doesNotExist();
            } else {
                assertThat(Files.readString(file)).as(context).isEqualTo(i + " ready\n");
            }
        }
        assertThat(CrashTrials.count(subjects, "setup"))
                .as(context + "\nsetup commits:\n" + subjects)
                .isEqualTo(1);
        assertThat(CrashTrials.count(subjects, "reduce"))
                .as(context + "\nreduce commits:\n" + subjects)
                .isEqualTo(1);
        for (int i = 0; i < items; i++) {
            assertThat(CrashTrials.count(subjects, "Merge item item_" + i))
                    .as(context + "\nmerges of item " + i + " on main:\n" + subjects)
                    .isEqualTo(failing.contains(i) ? 0 : 1);
        }
        long merges = subjects.stream().filter(l -> l.startsWith("Merge item ")).count();
        assertThat(merges).as(context + "\nitem merges:\n" + subjects).isEqualTo(items - failing.size());

        List<DlqEntry> dlq;
        try (Prodigy prodigy = s.engine(null, false)) {
            dlq = prodigy.dlq().list(CrashScenario.RUN_ID);
        }
        Set<String> expected = new TreeSet<>();
        failing.forEach(i -> expected.add("item_" + i));
        List<String> dlqIds = new ArrayList<>(dlq.stream().map(DlqEntry::itemId).toList());
        assertThat(dlqIds).as(context + "\nDLQ").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(dlq).as(context).noneMatch(DlqEntry::resolved);
        int successes = items - failing.size();
        assertThat(Files.readString(s.repo.resolve("reduce.txt")))
                .as(context + "\nreduce output")
                .isEqualTo(successes + " " + dlq.size() + " " + items + "\n");

        // no worktree but the user's and the failed items' kept ones; no run branch; only failed items' branches
        Set<String> kept = new TreeSet<>();
        dlq.forEach(e -> {
            if (e.workspace() != null) {
                kept.add(e.workspace().toString());
            }
        });
        List<String> worktrees = new ArrayList<>();
        for (String line : s.gitLines("worktree", "list", "--porcelain")) {
            if (line.startsWith("worktree ")) {
                worktrees.add(line.substring("worktree ".length()));
            }
        }
        assertThat(worktrees.get(0)).as(context).isEqualTo(s.repo.toString());
        assertThat(worktrees.subList(1, worktrees.size()))
                .as(context + "\nleftover worktrees (kept: " + kept + ")")
                .allMatch(kept::contains);
        List<String> branches = s.gitLines("for-each-ref", "--format=%(refname:short)", "refs/heads/");
        Set<String> allowed = new TreeSet<>();
        allowed.add("main");
        expected.forEach(id -> allowed.add("prodigy/" + CrashScenario.RUN_ID + "/" + id));
        assertThat(branches).as(context + "\nleftover branches").allMatch(allowed::contains);
        assertThat(s.git("status", "--porcelain")).as(context).isEmpty();
        verifySnapshot(s, context);
        CrashTrials.assertNothingRunning(s);
    }

    /**
     * The finished run's journal snapshot covers its whole journal and replays like it, and no temporary file of a
     * snapshot write a kill interrupted is left.
     */
    static void verifySnapshot(CrashScenario s, String context) throws Exception {
        Path runDir = s.prodigyHome.resolve("engine").resolve("runs").resolve(CrashScenario.RUN_ID);
        assertThat(runDir.resolve("journal.snapshot"))
                .as(context + "\nthe snapshot of the finished run")
                .exists();
        try (var files = Files.list(runDir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .as(context + "\nfiles of the run")
                    .noneMatch(n -> n.startsWith(".journal.snapshot") && n.endsWith(".tmp"));
        }
        try (io.prodigy.core.store.FileCheckpointStore store = io.prodigy.core.store.FileCheckpointStore.builder(
                        s.prodigyHome.resolve("engine"))
                .snapshotInterval(0)
                .build()) {
            List<JournalEntry> journal = store.journal(CrashScenario.RUN_ID);
            List<JournalEntry> replayed = new ArrayList<>();
            store.replay(CrashScenario.RUN_ID, replayed::add);
            assertThat(replayed.stream()
                            .filter(e -> !(e instanceof JournalEntry.ItemDispatched))
                            .toList())
                    .as(context + "\nreplayed from the snapshot")
                    .containsExactlyElementsOf(journal.stream()
                            .filter(e -> !(e instanceof JournalEntry.ItemDispatched))
                            .toList());
            Set<String> dispatchedOrSettled = new TreeSet<>();
            for (JournalEntry e : replayed) {
                if (e instanceof JournalEntry.ItemDispatched d) {
                    dispatchedOrSettled.add(d.itemId());
                } else if (e instanceof JournalEntry.ItemFinished f) {
                    dispatchedOrSettled.add(f.itemId());
                } else if (e instanceof JournalEntry.ItemIntegrated g) {
                    dispatchedOrSettled.add(g.itemId());
                }
            }
            assertThat(dispatchedOrSettled)
                    .as(context + "\nitems the replay knows were dispatched")
                    .containsAll(journal.stream()
                            .filter(e -> e instanceof JournalEntry.ItemDispatched)
                            .map(e -> ((JournalEntry.ItemDispatched) e).itemId())
                            .toList());
            assertThat(lastAttempts(replayed))
                    .as(context + "\neach item's last attempt number, which the next attempt counts on from")
                    .isEqualTo(lastAttempts(journal));
        }
    }

    private static java.util.Map<String, Integer> lastAttempts(List<JournalEntry> entries) {
        java.util.Map<String, Integer> last = new java.util.TreeMap<>();
        for (JournalEntry e : entries) {
            if (e instanceof JournalEntry.ItemDispatched d) {
                last.merge(d.stage() + "/" + d.itemId(), d.attempt(), Math::max);
            }
        }
        return last;
    }
}
