package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunStatus;
import io.prodigy.core.Prodigy;
import io.prodigy.core.store.RunLockedException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process owns a run: {@code Prodigy.resume} of a run that another live JVM is running fails with a message
 * naming the owner (pid and host), and leaves the owner's run alone; it finishes as if nothing happened.
 */
class LiveRunLockTest {
    @TempDir
    Path tmp;

    @Test
    void resumingARunThatAnotherLiveProcessRunsFailsNamingItsOwnerAndChangesNothing() throws Exception {
        Properties spec = CrashTrials.spec("signals");
        spec.setProperty("items", "2");
        CrashScenario s = CrashScenario.create(tmp, spec);
        try (Child child = Child.start(tmp, "run")) {
            assertThat(child.awaitLine(l -> l.startsWith("EV ItemStarted"), 2, Duration.ofSeconds(60)))
                    .isTrue();
            String host = InetAddress.getLocalHost().getHostName();
            try (Prodigy prodigy = s.engine(null, false)) {
                assertThatThrownBy(() -> prodigy.resume(CrashScenario.RUN_ID, s.workflow(), ResumeOptions.DEFAULT))
                        .isInstanceOf(RunLockedException.class)
                        .hasMessageContaining("pid " + child.pid())
                        .hasMessageContaining(host);
                assertThat(prodigy.checkpoints()
                                .findRun(CrashScenario.RUN_ID)
                                .orElseThrow()
                                .status())
                        .isEqualTo(RunStatus.RUNNING);
            }
            Files.writeString(tmp.resolve("gate"), "open");
            // the owner is unaffected: cut its agents' sleeps short, and it finishes its run. An agent's shell may not
            // have started its sleeps yet (ItemStarted comes first; a loaded machine delays the fork), so the sleeps
            // are cut each round until the owner exits.
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean exited = false;
            while (!exited && System.nanoTime() < deadline) {
                for (Leftovers.Found f : Leftovers.find(s.marker(), s.base)) {
                    if (f.commandLine().equals("sleep " + s.sleepMarker())) {
                        ProcessHandle.of(f.pid()).ifPresent(ProcessHandle::destroy);
                    }
                }
                exited = child.waitExit(200);
            }
            assertThat(exited).as(child.stderrTail()).isTrue();
            assertThat(child.end()).as(child.stderrTail()).startsWith("SUCCEEDED");
        }
        List<String> subjects = s.gitLines("log", "--format=%s", "main");
        assertThat(CrashTrials.count(subjects, "item 0")).isEqualTo(1);
        assertThat(CrashTrials.count(subjects, "item 1")).isEqualTo(1);
        assertThat(CrashTrials.count(subjects, "reduce")).isEqualTo(1);
    }
}
