package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the JVM running a run skips every shutdown hook, so the agents it started (in their own
 * session) keep running; the resume must stop them before it starts the step again beside them.
 */
class ResumeStopsLeftoverAgentsTest {
    @TempDir
    Path tmp;

    @Test
    void resumeAfterKillNineStopsTheAgentsThePreviousOwnerLeftRunning() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/environ")), "needs Linux /proc");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        String runId = "run-leftover-" + ThreadLocalRandom.current().nextInt(1_000_000);
        String marker = "291." + ThreadLocalRandom.current().nextInt(1000, 10_000);

        ProcessHandle agent;
        try (ChildJvm child =
                ChildJvm.start(LeftoverAgentChild.class, home.toString(), runId, work.toString(), marker)) {
            child.awaitLine(Duration.ofSeconds(60));
            agent = awaitProcess(marker, Duration.ofSeconds(60));
            child.kill();
        }
        assertThat(agent.isAlive())
                .as("kill -9 of the JVM leaves its agent running")
                .isTrue();

        Files.writeString(work.resolve("flag"), "go");
        try (Prodigy prodigy =
                Prodigy.builder().home(home).workingDirectory(work).build()) {
            RunResult result = prodigy.resume(runId, LeftoverAgentChild.workflow(marker), ResumeOptions.DEFAULT);
            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(agent.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS).isAlive())
                .isFalse();
        assertThat(findProcess(marker)).isEmpty();
        assertThat(Files.readString(work.resolve("steps.txt"))).isEqualTo("second\n");
    }

    private static ProcessHandle awaitProcess(String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ProcessHandle> found = findProcess(marker);
        while (found.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no 'sleep " + marker + "' started within " + timeout);
            }
            Thread.onSpinWait();
            found = findProcess(marker);
        }
        return found.get();
    }

    /** @return the {@code sleep <marker>} process, found by its command line */
    private static Optional<ProcessHandle> findProcess(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    try {
                        byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                        List<String> argv = List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
                        return argv.size() == 2
                                && argv.get(0).endsWith("sleep")
                                && argv.get(1).equals(marker);
                    } catch (IOException e) {
                        return false;
                    }
                })
                .findFirst();
    }
}
