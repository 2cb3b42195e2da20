package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a sequential workflow (every step commits and captures a value the next step uses) with SIGKILL at a
 * random moment, resumes it, and checks that each step's commit is on the user's branch exactly once and that the
 * captured variables of the steps finished before the crash were restored.
 */
@Tag("slow")
class SequentialCrashTest {
    @TempDir
    Path tmp;

    @Test
    void aSequentialRunKilledAtRandomMomentsAndResumedCommitsEveryStepOnceWithItsVariables() throws Exception {
        long seed = CrashTrials.baseSeed();
        System.out.println("SequentialCrashTest base seed " + seed + " (replay: -Dprodigy.crash.seed=" + seed + ")");
        long started = System.nanoTime();
        List<Integer> trials = CrashTrials.trials(6);
        int killed = 0;
        for (int t : trials) {
            killed += trial(seed, t) ? 1 : 0;
        }
        System.out.printf(
                "SequentialCrashTest: %d trials (%d killed) in %.1f s%n",
                trials.size(), killed, (System.nanoTime() - started) / 1e9);
        assertThat(killed).as("trials that were really killed").isGreaterThanOrEqualTo(trials.size() * 2 / 3);
    }

    private boolean trial(long baseSeed, int t) throws Exception {
        long seed = baseSeed + t;
        Random random = new Random(seed);
        int steps = 4 + random.nextInt(3);
        Properties spec = CrashTrials.spec("sequential");
        spec.setProperty("steps", String.valueOf(steps));
        for (int i = 0; i < steps; i++) {
            spec.setProperty("delay." + i, String.valueOf(50 + random.nextInt(200)));
        }
        Path base = tmp.resolve("s" + t);
        Files.createDirectories(base);
        CrashScenario s = CrashScenario.create(base, spec);
        int k = 1 + random.nextInt(steps);
        String what = "during step " + (k - 1) + " of " + steps;
        System.out.printf(
                "sequential crash trial %d seed %d: kill %s (replay: -Dprodigy.crash.seed=%d "
                        + "-Dprodigy.crash.trial=%d)%n",
                t, seed, what, baseSeed, t);
        CrashTrials.Outcome o =
                CrashTrials.crashAndResume(s, CrashTrials.after("EV StepStarted steps", k, 400), random);
        String context = "trial " + t + " seed " + seed + " (" + what + "); first run "
                + (o.killed() ? "killed" : "ended " + o.firstEnd()) + "; child stderr:\n" + o.childStderr();
        if (o.killed()) {
            assertThat(o.resumed().status())
                    .as(context + "\nresume failure: " + o.resumed().failure())
                    .isEqualTo(RunStatus.SUCCEEDED);
        } else {
            assertThat(o.firstEnd()).as(context).startsWith(RunStatus.SUCCEEDED.name());
        }
        List<String> subjects = s.gitLines("log", "--format=%s", "main");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < steps; i++) {
            assertThat(CrashTrials.count(subjects, "step " + i))
                    .as(context + "\ncommits of step " + i + ":\n" + subjects)
                    .isEqualTo(1);
            assertThat(Files.readString(s.repo.resolve("step-" + i + ".txt")))
                    .as(context)
                    .isEqualTo((i == 0 ? "start" : "value-" + (i - 1)) + "\n");
            values.append(i == 0 ? "" : " ").append("value-").append(i);
        }
        assertThat(CrashTrials.count(subjects, "final")).as(context).isEqualTo(1);
        assertThat(Files.readString(s.repo.resolve("final.txt")))
                .as(context + "\ncaptured variables")
                .isEqualTo(values + "\n");
        assertThat(s.gitLines("worktree", "list", "--porcelain").stream().filter(l -> l.startsWith("worktree ")))
                .as(context + "\nworktrees")
                .containsExactly("worktree " + s.repo);
        assertThat(s.gitLines("for-each-ref", "--format=%(refname:short)", "refs/heads/"))
                .as(context)
                .containsExactly("main");
        assertThat(s.git("status", "--porcelain")).as(context).isEmpty();
        CrashTrials.assertNothingRunning(s);
        return o.killed();
    }
}
