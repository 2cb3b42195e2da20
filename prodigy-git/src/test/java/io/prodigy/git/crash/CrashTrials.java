package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the crash test classes share: seeds, starting the child, killing it with SIGKILL at a chosen moment (the
 * JVM alone, or its whole process group with the git commands it runs), resuming the run - in another child that
 * may be killed again, then in this JVM - and the tally of where the kills landed.
 *
 * <p>The harness never stops the processes a killed child left (agents, git commands): the resume has to.
 *
 * <p>Seeds: every class picks a base seed (printed), and trial {@code t} uses {@code base + t}. To replay one
 * trial: {@code -Dprodigy.crash.seed=<base> -Dprodigy.crash.trial=<t>}; {@code -Dprodigy.crash.trials=<n>}
 * changes how many idle trials run, {@code -Dprodigy.crash.loadedTrials=<n>} how many under CPU load.
 */
final class CrashTrials {
    /** Where the kills of every trial of this JVM landed, by kill point. */
    private static final Map<String, Integer> KILLS = new TreeMap<>();

    private CrashTrials() {}

    static long baseSeed() {
        return Long.getLong("prodigy.crash.seed", System.nanoTime());
    }

    /** @return the trial numbers to run, from {@code -Dprodigy.crash.trials} */
    static List<Integer> trials(int defaultCount) {
        return trials("prodigy.crash.trials", defaultCount);
    }

    /** @return the trial numbers to run, from the named count property (or the one trial to replay) */
    static List<Integer> trials(String countProperty, int defaultCount) {
        List<Integer> out = new ArrayList<>();
        Integer only = Integer.getInteger("prodigy.crash.trial");
        if (only != null) {
            out.add(only);
            return out;
        }
        int n = Integer.getInteger(countProperty, defaultCount);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /** When to kill the child. */
    interface Moment {
        /**
         * Waits for the moment; returns when the child should be killed (or it ended by itself).
         *
         * @param child the child
         * @param random the trial's random
         * @return where the kill lands, for the tally
         */
        String await(Child child, Random random) throws Exception;
    }

    /** Kill after the {@code n}-th line starting with the prefix, plus up to {@code maxDelayMs} more. */
    static Moment after(String prefix, int n, int maxDelayMs) {
        return (child, random) -> {
            int delay = maxDelayMs <= 0 ? 0 : random.nextInt(maxDelayMs + 1);
            Predicate<String> match = l -> l.startsWith(prefix);
            if (!child.awaitLine(match, n, Duration.ofSeconds(90))) {
                child.waitExit(30_000); // its output ended: it is exiting by itself
                return "not reached";
            }
            if (delay > 0) {
                child.waitExit(delay);
            }
            return "after " + prefix.replace("EV ", "");
        };
    }

    /** The child kills itself (a git hook or the git wrapper): wait for its end. */
    static Moment byHook(String where) {
        return (child, random) -> {
            if (!child.waitExit(90_000)) {
                throw new AssertionError("the child neither died nor ended");
            }
            return where;
        };
    }

    /** The child's crash-point hook blocks at the point it was told (see {@link #atPoint}): wait for that. */
    static Moment atKillPoint() {
        return (child, random) -> {
            if (child.awaitLine(l -> l.startsWith("KILLPOINT "), 1, Duration.ofSeconds(90))) {
                return child.output().stream()
                        .filter(l -> l.startsWith("KILLPOINT "))
                        .findFirst()
                        .map(l -> l.split(" ")[1])
                        .orElse("?");
            }
            child.waitExit(30_000); // its output ended: it is exiting by itself
            return "not reached";
        };
    }

    /**
     * @return the child's system properties that make its crash-point hook block at the {@code nth} point
     *     {@code point} whose detail contains {@code detail}
     */
    static Map<String, String> atPoint(String point, int nth, String detail) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ChildCrashPoints.KILL_POINT, point);
        p.put(ChildCrashPoints.KILL_NTH, String.valueOf(nth));
        p.put(ChildCrashPoints.KILL_DETAIL, detail);
        return p;
    }

    /**
     * One kill: when, what the child gets, and whether the whole process group dies.
     *
     * @param moment when to kill
     * @param properties system properties of the child (its crash-point hook's configuration)
     * @param group SIGKILL the JVM's process group (with its git commands), not only the JVM
     * @param prepare what to do in the trial directory before the child starts (arm a hook), or null
     */
    record Kill(Moment moment, Map<String, String> properties, boolean group, Prepare prepare) {
        /** @return a kill of the JVM alone at the moment */
        static Kill of(Moment moment) {
            return new Kill(moment, Map.of(), false, null);
        }

        Kill withGroup(boolean g) {
            return new Kill(moment, properties, g, prepare);
        }
    }

    /** Arms something in the trial's directory before a child starts. */
    interface Prepare {
        void run(Path base) throws Exception;
    }

    /** The outcome of one killed-and-resumed run. */
    record Outcome(boolean killed, String firstEnd, RunResult resumed, String childStderr, List<String> kills) {}

    /**
     * Runs the trial's workflow in a child JVM and kills it at the moment, and resumes the run in this JVM until it
     * finishes.
     */
    static Outcome crashAndResume(CrashScenario s, Moment moment, Random random) throws Exception {
        return crashAndResume(s, Kill.of(moment), null, random, Map.of());
    }

    /**
     * As {@link #crashAndResume(CrashScenario, Moment, Random)}; when {@code again} is given the first resume runs in
     * another child JVM that is killed too; a last resume in this JVM finishes the run.
     *
     * @param pauses system properties for every child: its random pauses at the crash points
     */
    static Outcome crashAndResume(CrashScenario s, Kill first, Kill again, Random random, Map<String, String> pauses)
            throws Exception {
        long t0 = System.nanoTime();
        List<String> kills = new ArrayList<>();
        boolean killed;
        String end;
        StringBuilder err = new StringBuilder();
        if (first.prepare() != null) {
            first.prepare().run(s.base);
        }
        try (Child child = Child.start(s.base, merged(pauses, first.properties()), "run")) {
            String where = first.moment().await(child, random);
            killed = false;
            if (!child.waitExit(0)) {
                kill(child, first.group());
                killed = true;
            }
            end = child.end();
            killed = killed || end == null;
            err.append(child.stderrText());
            if (killed) {
                kills.add("run: " + where + (first.group() ? " (group)" : ""));
            }
        }
        disarm(s.base);
        long t1 = System.nanoTime();
        RunResult resumed = null;
        if (killed && again != null && !recordedEnd(s)) {
            if (again.prepare() != null) {
                again.prepare().run(s.base);
            }
            try (Child child = Child.start(s.base, merged(pauses, again.properties()), "resume")) {
                String where = again.moment().await(child, random);
                boolean killedAgain = false;
                if (!child.waitExit(0)) {
                    kill(child, again.group());
                    killedAgain = true;
                }
                String secondEnd = child.end();
                System.out.println("  resumed in a child JVM: "
                        + (killedAgain || secondEnd == null ? "killed again at " + where : "ended " + secondEnd));
                err.append("\n--- first resume (child) ---\n").append(child.stderrText());
                if (killedAgain || secondEnd == null) {
                    kills.add("resume: " + where + (again.group() ? " (group)" : ""));
                } else {
                    kills.add("resume: ended (" + where + ")");
                    killed = false;
                    end = secondEnd;
                }
            }
            disarm(s.base);
        }
        if (killed) {
            try (Prodigy prodigy = s.engine(null, false)) {
                RunStatus recorded = prodigy.checkpoints()
                        .findRun(CrashScenario.RUN_ID)
                        .map(r -> r.status())
                        .orElse(RunStatus.RUNNING);
                if (recorded == RunStatus.SUCCEEDED || recorded == RunStatus.COMPLETED_WITH_FAILURES) {
                    // the kill came after the run recorded its end (before the child printed it): nothing to
                    // resume, and resume rightly refuses; the checks of the finished run still apply
                    System.out.println("  killed after the run recorded " + recorded + "; not resumed");
                    killed = false;
                    end = recorded.name();
                } else {
                    resumed = prodigy.resume(CrashScenario.RUN_ID, s.workflow(), ResumeOptions.DEFAULT);
                }
            }
        }
        synchronized (KILLS) {
            kills.forEach(k -> KILLS.merge(k, 1, Integer::sum));
        }
        System.out.printf(
                "  kills %s; children %d ms, last resume %d ms%n",
                kills, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        return new Outcome(killed, end, resumed, err.toString(), kills);
    }

    private static void kill(Child child, boolean group) throws Exception {
        if (group) {
            child.killGroup();
        } else {
            child.kill();
        }
    }

    private static boolean recordedEnd(CrashScenario s) {
        try (Prodigy prodigy = s.engine(null, false)) {
            RunStatus recorded = prodigy.checkpoints()
                    .findRun(CrashScenario.RUN_ID)
                    .map(r -> r.status())
                    .orElse(RunStatus.RUNNING);
            return recorded == RunStatus.SUCCEEDED || recorded == RunStatus.COMPLETED_WITH_FAILURES;
        }
    }

    /** Removes what armed the self-kills of a child (git hook, git wrapper), so that a resume is not killed by them. */
    private static void disarm(Path base) throws java.io.IOException {
        Files.deleteIfExists(base.resolve("kill-at-merge"));
        Files.deleteIfExists(base.resolve("kill-in-merge"));
        Files.deleteIfExists(base.resolve("merge-count"));
        Files.deleteIfExists(base.resolve("merge-count-wrapper"));
        Files.deleteIfExists(base.resolve("hold-merge"));
        Files.deleteIfExists(base.resolve("kill-in-branch-delete"));
        Files.deleteIfExists(base.resolve("delete-count-wrapper"));
        Files.deleteIfExists(base.resolve("hold-count"));
        Files.deleteIfExists(base.resolve("kill-at-update-ref"));
        Files.deleteIfExists(base.resolve("update-count-wrapper"));
        Files.deleteIfExists(base.resolve("kill-in-sync"));
        Files.deleteIfExists(base.resolve("sync-count-wrapper"));
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }

    /** @return the system properties of random pauses at the crash points of a child */
    static Map<String, String> pauses(long seed, int maxMs) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ChildCrashPoints.PAUSE_SEED, String.valueOf(seed));
        p.put(ChildCrashPoints.PAUSE_MAX_MS, String.valueOf(maxMs));
        return p;
    }

    /** @return how often each kill point was hit by the trials of this JVM, one line per point */
    static String killTally() {
        StringBuilder sb = new StringBuilder();
        synchronized (KILLS) {
            KILLS.forEach((k, v) -> sb.append(String.format("  %4d  %s%n", v, k)));
        }
        return sb.toString();
    }

    static Properties spec(String kind) {
        Properties p = new Properties();
        p.setProperty("kind", kind);
        return p;
    }

    /** Asserts that no process of the trial is left and the run's lock is released. */
    static void assertNothingRunning(CrashScenario s) {
        assertThat(Leftovers.find(s.marker(), s.base))
                .as("processes left by the trial")
                .isEmpty();
        Path lock = s.prodigyHome
                .resolve("engine/runs")
                .resolve(CrashScenario.RUN_ID)
                .resolve("lock");
        assertThat(lock).as("the run's lock").doesNotExist();
    }

    /** @return how many lines equal the text */
    static long count(List<String> lines, String text) {
        return lines.stream().filter(text::equals).count();
    }
}
