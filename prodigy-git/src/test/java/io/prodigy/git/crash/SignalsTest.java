package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGINT and SIGTERM to a JVM running a MapReduce workflow with {@code handleSignals(true)}, while its agents (and
 * their grandchildren) sleep: the process exits promptly saying how to resume, no agent process survives, the run
 * is recorded as resumable, and a resume finishes it with every item exactly once.
 */
@Tag("slow")
class SignalsTest {
    private static final int ITEMS = 3;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalStopsTheRunKillsItsAgentsAndTheRunResumesToTheEnd(String signal) throws Exception {
        Properties spec = CrashTrials.spec("signals");
        spec.setProperty("items", String.valueOf(ITEMS));
        Path base = tmp.resolve(signal);
        Files.createDirectories(base);
        CrashScenario s = CrashScenario.create(base, spec);
        String sleep = "sleep " + s.sleepMarker();
        String stderr;
        long exitMillis;
        try (Child child = Child.start(base, "run", "signals")) {
            assertThat(child.awaitLine(l -> l.startsWith("EV ItemStarted"), ITEMS, Duration.ofSeconds(60)))
                    .as("all agents started")
                    .isTrue();
            // every agent and its grandchild sleep
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sleepers(s, sleep) < 2 * ITEMS) {
                assertThat(System.nanoTime())
                        .as("sleeping agents: " + Leftovers.find(s.marker(), s.base))
                        .isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            long t0 = System.nanoTime();
            child.signal(signal);
            assertThat(child.waitExit(15_000))
                    .as("the child exits within 15 s of SIG" + signal)
                    .isTrue();
            exitMillis = (System.nanoTime() - t0) / 1_000_000;
            child.end();
            stderr = child.stderrText();
        }
        System.out.println("SIG" + signal + ": exited after " + exitMillis + " ms");
        assertThat(stderr).as("what the user sees").contains("prodigy resume " + CrashScenario.RUN_ID);

        // no agent, grandchild or git process of the run survives (give the kernel a moment to reap them)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Leftovers.Found> left = Leftovers.find(s.marker(), s.base);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            left = Leftovers.find(s.marker(), s.base);
        }
        List<Leftovers.Found> survivors = left;
        Leftovers.killAll(s.marker(), s.base);
        assertThat(survivors).as("processes that survived SIG" + signal).isEmpty();

        Files.writeString(base.resolve("gate"), "open");
        RunResult r;
        try (Prodigy prodigy = s.engine(null, false)) {
            RunRecord record =
                    prodigy.checkpoints().findRun(CrashScenario.RUN_ID).orElseThrow();
            assertThat(record.status()).as("recorded status").isEqualTo(RunStatus.CANCELLED);
            r = prodigy.resume(CrashScenario.RUN_ID, s.workflow(), ResumeOptions.DEFAULT);
        }
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        List<String> subjects = s.gitLines("log", "--format=%s", "main");
        for (int i = 0; i < ITEMS; i++) {
            assertThat(CrashTrials.count(subjects, "item " + i))
                    .as("commits of item " + i + ": " + subjects)
                    .isEqualTo(1);
        }
        assertThat(CrashTrials.count(subjects, "reduce")).isEqualTo(1);
        assertThat(Files.readString(s.repo.resolve("reduce.txt"))).isEqualTo(ITEMS + " 0 " + ITEMS + "\n");
        assertThat(s.gitLines("worktree", "list", "--porcelain").stream().filter(l -> l.startsWith("worktree ")))
                .containsExactly("worktree " + s.repo);
        CrashTrials.assertNothingRunning(s);
    }

    private static long sleepers(CrashScenario s, String sleep) {
        return Leftovers.find(s.marker(), s.base).stream()
                .filter(f -> f.commandLine().equals(sleep))
                .count();
    }
}
