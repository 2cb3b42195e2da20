package io.prodigy.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The published process API: real processes, their output, their environment, timeouts and cancellation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessesTest {
    @TempDir
    Path dir;

    @Test
    void runsACommandAndReportsItsExitAndOutputLineByLine() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ProcessOutcome o =
                Processes.run(ProcessCommand.shell("echo out; echo err >&2; echo \"$GREETING-$HOME_X\"; exit 3")
                        .workingDirectory(dir)
                        .environment(Map.of("GREETING", "hi", "HOME_X", "x"))
                        .removeEnvironment(List.of("HOME_X"))
                        .stdoutFile(dir.resolve("logs/out.txt"))
                        .outputListener((stderr, line) -> lines.add((stderr ? "E:" : "O:") + line))
                        .build());

        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.success()).isFalse();
        assertThat(o.stdout()).isEqualTo("out\nhi-\n");
        assertThat(o.stderr()).isEqualTo("err\n");
        assertThat(lines).contains("O:out", "E:err", "O:hi-");
        assertThat(Files.readString(dir.resolve("logs/out.txt"))).isEqualTo("out\nhi-\n");
        assertThat(o.toString()).doesNotContain("hi-");
    }

    @Test
    void aTimeoutTerminatesTheWholeTree() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        ProcessOutcome o =
                Processes.run(ProcessCommand.builder(List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait"))
                        .timeout(Duration.ofMillis(500))
                        .killGracePeriod(Duration.ofMillis(200))
                        .build());

        assertThat(o.timedOut()).isTrue();
        assertThat(o.success()).isFalse();
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running(grandchild) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(running(grandchild))
                .as("the background sleep %d", grandchild)
                .isFalse();
    }

    /** Alive and not a zombie: this machine's pid 1 may be slow to reap orphans. */
    private static boolean running(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return !Files.isDirectory(Path.of("/proc/self")); // without /proc trust isAlive; else it is gone
            }
        }
        return false;
    }

    @Test
    void cancellingStopsARunningProcessAndAPreCancelledSignalStartsNothing() throws Exception {
        Cancellation cancellation = new Cancellation();
        CountDownLatch started = new CountDownLatch(1);
        ProcessCommand sleeper = ProcessCommand.shell("echo ready; sleep 60")
                .outputListener((stderr, line) -> started.countDown())
                .build();
        CompletableFuture<ProcessOutcome> running = CompletableFuture.supplyAsync(() -> {
            try {
                return Processes.run(sleeper, cancellation);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        cancellation.cancel();
        ProcessOutcome o = running.get(20, TimeUnit.SECONDS);
        assertThat(o.cancelled()).isTrue();
        assertThat(cancellation.isCancelled()).isTrue();

        Path marker = dir.resolve("marker");
        ProcessOutcome none =
                Processes.run(ProcessCommand.shell("touch " + marker).build(), cancellation);
        assertThat(none.cancelled()).isTrue();
        assertThat(none.exitCode()).isEqualTo(-1);
        assertThat(marker).doesNotExist();
    }

    @Test
    void aMissingExecutableIsALaunchFailureNamingIt() {
        assertThatThrownBy(() -> Processes.run(ProcessCommand.builder(List.of("no-such-tool-xyz", "--flag"))
                        .build()))
                .isInstanceOf(ProcessLaunchException.class)
                .hasMessageContaining("no-such-tool-xyz");
        assertThatThrownBy(() -> ProcessCommand.builder(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessCommand.shell("true").timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Processes.run(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("command");
    }
}
