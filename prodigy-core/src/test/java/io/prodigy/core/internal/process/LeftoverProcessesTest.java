package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeftoverProcessesTest {

    @Test
    void findsAndStopsEveryProcessThatCarriesTheRunIdIncludingDescendantsInTheirOwnSession() throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        String runId = "run-leftover-" + UUID.randomUUID();
        String other = "run-other-" + UUID.randomUUID();
        ProcessBuilder orphan = new ProcessBuilder("setsid", "sh", "-c", "sleep 297 & exec sleep 296");
        orphan.environment().put(LeftoverProcesses.RUN_ID_VARIABLE, runId);
        Process ours = orphan.start();
        ProcessBuilder bystander = new ProcessBuilder("sleep", "295");
        bystander.environment().put(LeftoverProcesses.RUN_ID_VARIABLE, other);
        Process theirs = bystander.start();
        try {
            List<Long> found = awaitCount(runId, 2);
            assertThat(found).contains(ours.pid()).hasSize(2);
            assertThat(LeftoverProcesses.find(other)).containsExactly(theirs.pid());

            List<Long> stopped = LeftoverProcesses.terminate(runId, Duration.ofSeconds(2));

            assertThat(stopped).containsExactlyInAnyOrderElementsOf(found);
            assertThat(ours.waitFor()).isNotZero();
            assertThat(awaitCount(runId, 0)).isEmpty();
            assertThat(theirs.isAlive())
                    .as("a process of another run is left alone")
                    .isTrue();
        } finally {
            theirs.destroyForcibly();
            LeftoverProcesses.terminate(runId, Duration.ZERO);
        }
    }

    @Test
    void aGitCommandTheOwnerLeftRunningFinishesBeforeTheRestIsStopped(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        String runId = "run-leftover-git-" + UUID.randomUUID();
        // a stand-in for a git merge the killed owner started: it takes a while and must not be cut short
        java.nio.file.Path git = dir.resolve("git");
        java.nio.file.Path done = dir.resolve("merged");
        java.nio.file.Files.writeString(git, "#!/bin/sh\nsleep 1.5\n: > '" + done + "'\n");
        assertThat(git.toFile().setExecutable(true)).isTrue();
        ProcessBuilder merge = new ProcessBuilder("setsid", git.toString());
        merge.environment().put(LeftoverProcesses.RUN_ID_VARIABLE, runId);
        Process gitProcess = merge.start();
        ProcessBuilder agent = new ProcessBuilder("setsid", "sleep", "294");
        agent.environment().put(LeftoverProcesses.RUN_ID_VARIABLE, runId);
        Process agentProcess = agent.start();
        try {
            awaitCount(runId, 3); // the stand-in, its sleep, the agent
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (LeftoverProcesses.gitCommands(LeftoverProcesses.find(runId)).isEmpty()) {
                // setsid has not exec'd the stand-in yet
                assertThat(System.nanoTime()).as("the stand-in git started").isLessThan(deadline);
                Thread.onSpinWait();
            }

            LeftoverProcesses.terminate(runId, null, Duration.ofSeconds(2), Duration.ofSeconds(20));

            assertThat(done).as("the git command ran to its end").exists();
            assertThat(gitProcess.waitFor()).isZero();
            assertThat(agentProcess.waitFor()).as("the agent was stopped").isNotZero();
            assertThat(awaitCount(runId, 0)).isEmpty();
        } finally {
            LeftoverProcesses.terminate(runId, Duration.ZERO);
        }
    }

    @Test
    void aRunWithTheSameIdUnderAnotherStateDirectoryIsLeftAlone() throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        String runId = "run-leftover-same-id-" + UUID.randomUUID();
        java.nio.file.Path mine = java.nio.file.Path.of("/nonexistent/home-a/runs", runId);
        java.nio.file.Path theirs = java.nio.file.Path.of("/nonexistent/home-b/runs", runId);
        Process ours = start(runId, mine);
        Process other = start(runId, theirs);
        try {
            awaitCount(runId, 2);
            assertThat(LeftoverProcesses.find(runId, mine)).containsExactly(ours.pid());

            LeftoverProcesses.terminate(runId, mine, Duration.ofSeconds(2), Duration.ZERO);

            assertThat(ours.waitFor()).isNotZero();
            assertThat(other.isAlive())
                    .as("another project's run with the same id keeps its agent")
                    .isTrue();
        } finally {
            other.destroyForcibly();
            ours.destroyForcibly();
        }
    }

    private static Process start(String runId, java.nio.file.Path stateDirectory) throws java.io.IOException {
        ProcessBuilder b = new ProcessBuilder("setsid", "sleep", "293");
        b.environment().put(LeftoverProcesses.RUN_ID_VARIABLE, runId);
        b.environment().put(LeftoverProcesses.RUN_STATE_VARIABLE, stateDirectory.toString());
        return b.start();
    }

    private static List<Long> awaitCount(String runId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Long> found = LeftoverProcesses.find(runId);
        while (found.stream()
                                .filter(p ->
                                        !ProcFs.stat(p).map(ProcFs.Stat::zombie).orElse(true))
                                .count()
                        != count
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            found = LeftoverProcesses.find(runId);
        }
        return found.stream()
                .filter(p -> !ProcFs.stat(p).map(ProcFs.Stat::zombie).orElse(true))
                .toList();
    }
}
