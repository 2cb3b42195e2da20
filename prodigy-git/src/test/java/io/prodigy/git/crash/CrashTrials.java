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
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.function.Predicate;

/**
 * What the crash test classes share: seeds, starting the child, killing it with SIGKILL at a chosen moment
 * together with everything it started, and resuming the run to its end.
 *
 * <p>Seeds: every class picks a base seed (printed), and trial {@code t} uses {@code base + t}. To replay one
 * trial: {@code -Dprodigy.crash.seed=<base> -Dprodigy.crash.trial=<t>}; {@code -Dprodigy.crash.trials=<n>}
 * changes how many trials run.
 */
final class CrashTrials {
    private CrashTrials() {
    }

    static long baseSeed() {
        return Long.getLong("prodigy.crash.seed", System.nanoTime());
    }

    /** @return the trial numbers to run */
    static List<Integer> trials(int defaultCount) {
        List<Integer> out = new ArrayList<>();
        Integer only = Integer.getInteger("prodigy.crash.trial");
        if (only != null) {
            out.add(only);
            return out;
        }
        int n = Integer.getInteger("prodigy.crash.trials", defaultCount);
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
         */
        void await(Child child, Random random) throws Exception;
    }

    /** Kill after the {@code n}-th line starting with the prefix, plus up to {@code maxDelayMs} more. */
    static Moment after(String prefix, int n, int maxDelayMs) {
        return (child, random) -> {
            int delay = maxDelayMs <= 0 ? 0 : random.nextInt(maxDelayMs + 1);
            Predicate<String> match = l -> l.startsWith(prefix);
            if (child.awaitLine(match, n, Duration.ofSeconds(90)) && delay > 0) {
                child.waitExit(delay);
            }
        };
    }

    /** The child kills itself (through the post-merge hook): wait for its end. */
    static Moment byHook() {
        return (child, random) -> {
            if (!child.waitExit(90_000)) {
                throw new AssertionError("the child neither died nor ended");
            }
        };
    }

    /** The outcome of one killed-and-resumed run. */
    record Outcome(boolean killed, String firstEnd, RunResult resumed, List<Leftovers.Found> killedLeftovers,
                   String childStderr) {
    }

    /**
     * Runs the trial's workflow in a child JVM, kills it at the moment with SIGKILL together with the agents it
     * started, and resumes the run in this JVM until it finishes.
     */
    static Outcome crashAndResume(CrashScenario s, Moment moment, Random random) throws Exception {
        return crashAndResume(s, moment, null, random);
    }

    /**
     * As {@link #crashAndResume(CrashScenario, Moment, Random)}, but when {@code again} is given the first resume
     * runs in another child JVM that is killed too, at that moment; a last resume in this JVM finishes the run.
     */
    static Outcome crashAndResume(CrashScenario s, Moment moment, Moment again, Random random) throws Exception {
        long t0 = System.nanoTime();
        boolean killed;
        String end;
        String err;
        try (Child child = Child.start(s.base, "run")) {
            moment.await(child, random);
            killed = false;
            if (!child.waitExit(0)) {
                child.kill();
                killed = true;
            }
            end = child.end();
            killed = killed || end == null;
            err = child.stderrText();
        }
        List<Leftovers.Found> left = Leftovers.killAll(s.marker(), s.base);
        Files.deleteIfExists(s.base.resolve("kill-at-merge"));
        long t1 = System.nanoTime();
        RunResult resumed = null;
        if (killed && again != null) {
            try (Child child = Child.start(s.base, "resume")) {
                again.await(child, random);
                boolean killedAgain = false;
                if (!child.waitExit(0)) {
                    child.kill();
                    killedAgain = true;
                }
                String secondEnd = child.end();
                System.out.println("  resumed in a child JVM: " + (killedAgain || secondEnd == null ? "killed again"
                        : "ended " + secondEnd));
                err = err + "\n--- first resume (child) ---\n" + child.stderrText();
                if (!killedAgain && secondEnd != null) {
                    killed = false;
                    end = secondEnd;
                }
            }
            left = new ArrayList<>(left);
            left.addAll(Leftovers.killAll(s.marker(), s.base));
        }
        if (killed) {
            try (Prodigy prodigy = s.engine(null, false)) {
                RunStatus recorded = prodigy.checkpoints().findRun(CrashScenario.RUN_ID).map(r -> r.status())
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
        System.out.printf("  child %d ms, resume %d ms%n", (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        return new Outcome(killed, end, resumed, left, err);
    }

    static Properties spec(String kind) {
        Properties p = new Properties();
        p.setProperty("kind", kind);
        return p;
    }

    /** Asserts that no process of the trial is left and the run's lock is released. */
    static void assertNothingRunning(CrashScenario s) {
        assertThat(Leftovers.find(s.marker(), s.base)).as("processes left by the trial").isEmpty();
        Path lock = s.prodigyHome.resolve("engine/runs").resolve(CrashScenario.RUN_ID).resolve("lock");
        assertThat(lock).as("the run's lock").doesNotExist();
    }

    /** @return how many lines equal the text */
    static long count(List<String> lines, String text) {
        return lines.stream().filter(text::equals).count();
    }
}
