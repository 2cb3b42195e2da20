package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a MapReduce run with SIGKILL at random moments - during setup, early in the map phase, with items in
 * flight, between an item's merge and its journal record, during reduce, during the final merge - resumes it, and
 * checks exactly-once on the user's branch: every successful item's commit once, none missing, the failed items
 * once each in the DLQ and counted by {@code ${map.failed}}, no worktree, branch, process or lock left over.
 */
class MapReduceCrashTest {
    private static final String[] MOMENTS = {"setup", "early-map", "mid-map", "merge-hook", "reduce", "final-merge"};

    @TempDir
    Path tmp;

    @Test
    void aMapReduceRunKilledAtRandomMomentsAndResumedIntegratesEveryItemExactlyOnce() throws Exception {
        long seed = CrashTrials.baseSeed();
        System.out.println("MapReduceCrashTest base seed " + seed + " (replay: -Dprodigy.crash.seed=" + seed + ")");
        long started = System.nanoTime();
        List<Integer> trials = CrashTrials.trials(20);
        int killed = 0;
        for (int t : trials) {
            killed += trial(seed, t) ? 1 : 0;
        }
        System.out.printf("MapReduceCrashTest: %d trials (%d killed) in %.1f s%n", trials.size(), killed,
                (System.nanoTime() - started) / 1e9);
        assertThat(killed).as("trials that were really killed").isGreaterThanOrEqualTo(trials.size() * 2 / 3);
    }

    private boolean trial(long baseSeed, int t) throws Exception {
        long seed = baseSeed + t;
        Random random = new Random(seed);
        String moment = MOMENTS[t % MOMENTS.length];
        int items = 8 + random.nextInt(3);
        Set<Integer> failing = new TreeSet<>();
        while (failing.size() < 2) {
            failing.add(random.nextInt(items));
        }
        Properties spec = CrashTrials.spec("mapreduce");
        spec.setProperty("items", String.valueOf(items));
        spec.setProperty("failing", String.join(",", failing.stream().map(String::valueOf).toList()));
        for (int i = 0; i < items; i++) {
            spec.setProperty("delay." + i, String.valueOf(random.nextInt(4) == 0 ? 100 + random.nextInt(150) : 0));
        }
        int successes = items - failing.size();
        Path base = tmp.resolve("t" + t);
        Files.createDirectories(base);
        CrashScenario s = CrashScenario.create(base, spec);
        CrashTrials.Moment when;
        String what;
        switch (moment) {
            case "setup" -> {
                when = CrashTrials.after("EV PhaseStarted setup", 1, 350);
                what = "during setup";
            }
            case "early-map" -> {
                when = CrashTrials.after("EV ItemStarted", 1, 150);
                what = "after the first item started";
            }
            case "mid-map" -> {
                int k = 1 + random.nextInt(successes - 1);
                when = CrashTrials.after("EV ItemIntegrated", k, 150);
                what = "after " + k + " items were integrated";
            }
            case "merge-hook" -> {
                int m = 1 + random.nextInt(successes);
                Files.writeString(base.resolve("kill-at-merge"), m + "\n");
                when = CrashTrials.byHook();
                what = "right after merge " + m + " of " + successes + ", before its journal record";
            }
            case "reduce" -> {
                when = CrashTrials.after("EV PhaseStarted reduce", 1, 400);
                what = "during reduce";
            }
            default -> {
                Files.writeString(base.resolve("kill-at-merge"), (successes + 1) + "\n");
                when = CrashTrials.byHook();
                what = "right after the final merge into the user's branch";
            }
        }
        System.out.printf("crash trial %d seed %d: %d items, failing %s, kill %s (replay: -Dprodigy.crash.seed=%d "
                + "-Dprodigy.crash.trial=%d)%n", t, seed, items, failing, what, baseSeed, t);
        // every fourth trial is killed a second time, while its first resume (in another JVM) works
        CrashTrials.Moment again = t % 4 == 3 ? CrashTrials.after("EV ItemStarted", 1, 300) : null;
        if (again != null) {
            what += "; the first resume killed again after an item started";
        }
        CrashTrials.Outcome o = CrashTrials.crashAndResume(s, when, again, random);
        String context = "trial " + t + " seed " + seed + " (" + what + "); first run "
                + (o.killed() ? "killed" : "ended " + o.firstEnd()) + "; child stderr:\n" + o.childStderr();
        System.out.printf("  killed=%s leftovers=%d resumed=%s%n", o.killed(), o.killedLeftovers().size(),
                o.resumed() == null ? "-" : o.resumed().status());
        if (o.killed()) {
            assertThat(o.resumed().status()).as(context + "\nresume failure: " + o.resumed().failure())
                    .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        } else {
            assertThat(o.firstEnd()).as(context).startsWith(RunStatus.COMPLETED_WITH_FAILURES.name());
        }
        verify(s, items, failing, context);
        return o.killed();
    }

    private static void verify(CrashScenario s, int items, Set<Integer> failing, String context) throws Exception {
        List<String> subjects = s.gitLines("log", "--format=%s", "main");
        for (int i = 0; i < items; i++) {
            long n = CrashTrials.count(subjects, "item " + i);
            assertThat(n).as(context + "\ncommits of item " + i + " on main:\n" + subjects)
                    .isEqualTo(failing.contains(i) ? 0 : 1);
            Path file = s.repo.resolve("item-" + i + ".txt");
            if (failing.contains(i)) {
                assertThat(file).as(context).doesNotExist();
            } else {
                assertThat(Files.readString(file)).as(context).isEqualTo(i + " ready\n");
            }
        }
        assertThat(CrashTrials.count(subjects, "setup")).as(context + "\nsetup commits:\n" + subjects).isEqualTo(1);
        assertThat(CrashTrials.count(subjects, "reduce")).as(context + "\nreduce commits:\n" + subjects).isEqualTo(1);
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
        assertThat(Files.readString(s.repo.resolve("reduce.txt"))).as(context + "\nreduce output")
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
        assertThat(worktrees.subList(1, worktrees.size())).as(context + "\nleftover worktrees (kept: " + kept + ")")
                .allMatch(kept::contains);
        List<String> branches = s.gitLines("for-each-ref", "--format=%(refname:short)", "refs/heads/");
        Set<String> allowed = new TreeSet<>();
        allowed.add("main");
        expected.forEach(id -> allowed.add("prodigy/" + CrashScenario.RUN_ID + "/" + id));
        assertThat(branches).as(context + "\nleftover branches").allMatch(allowed::contains);
        assertThat(s.git("status", "--porcelain")).as(context).isEmpty();
        CrashTrials.assertNothingRunning(s);
    }
}
