package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessRunnerTest {

    @TempDir
    Path dir;

    /** Pids a test expects to outlive a run; killed after the test so nothing leaks. */
    private final List<Long> survivors = new ArrayList<>();

    @AfterEach
    void killSurvivors() {
        survivors.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private ProcessResult run(ProcessSpec.Builder spec) throws InterruptedException {
        return ProcessRunner.run(spec.workingDirectory(dir).build());
    }

    private ProcessResult run(ProcessSpec.Builder spec, TreeMode mode) throws InterruptedException {
        return ProcessRunner.run(spec.workingDirectory(dir).build(), new CancellationToken(), mode);
    }

    // ---- exit codes, output, environment, directory, stdin

    @Test
    void reportsExitCodes() throws Exception {
        assertThat(run(ProcessSpec.shell("exit 0")).success()).isTrue();

        ProcessResult three = run(ProcessSpec.shell("exit 3"));
        assertThat(three.exitCode()).isEqualTo(3);
        assertThat(three.success()).isFalse();
        assertThat(three.timedOut()).isFalse();
        assertThat(three.cancelled()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(TreeMode.class)
    void reportsDeathBySignalAs128PlusSignal(TreeMode mode) throws Exception {
        assertThat(run(ProcessSpec.shell("kill -TERM $$"), mode).exitCode()).isEqualTo(143);
        assertThat(run(ProcessSpec.shell("kill -KILL $$"), mode).exitCode()).isEqualTo(137);
        assertThat(run(ProcessSpec.shell("exit 42"), mode).exitCode()).isEqualTo(42);
    }

    @Test
    void capturesStdoutAndStderrSeparately() throws Exception {
        ProcessResult result = run(ProcessSpec.shell("echo out; echo err >&2; printf more"));

        assertThat(result.stdout()).isEqualTo("out\nmore");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.stdoutBytes()).isEqualTo(8);
        assertThat(result.stderrBytes()).isEqualTo(4);
        assertThat(result.duration()).isPositive();
    }

    @Test
    void replacesMalformedUtf8() throws Exception {
        ProcessResult result = run(ProcessSpec.shell("printf '\\377ok \\303\\251'"));

        assertThat(result.stdout()).isEqualTo("\uFFFDok \u00e9");
    }

    @Test
    void appliesEnvironmentOverridesAndRemovals() throws Exception {
        ProcessResult result =
                run(ProcessSpec.shell("printf '%s|%s|%s' \"$PRODIGY_TEST_VAR\" \"${HOME-unset}\" \"${PATH:+path}\"")
                        .environment(Map.of("PRODIGY_TEST_VAR", "a value"))
                        .removeEnvironment("HOME"));

        assertThat(result.stdout()).isEqualTo("a value|unset|path");
    }

    @Test
    void givesTheExactEnvironmentWhenNotInheriting() throws Exception {
        ProcessResult result = run(ProcessSpec.builder(List.of("env"))
                .inheritEnvironment(false)
                .environment(Map.of("PATH", "/usr/bin:/bin", "ONLY", "1", "GONE", "x"))
                .removeEnvironment("GONE"));

        assertThat(result.stdout().lines()).containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "ONLY=1");
    }

    @Test
    void looksUpTheExecutableOnTheChildsPath() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        executable(bin.resolve("prodigy-test-tool"), "#!/bin/sh\necho tool \"$@\"\n");

        ProcessResult result = run(ProcessSpec.builder(List.of("prodigy-test-tool", "a b"))
                .environment(Map.of("PATH", bin + ":/usr/bin:/bin")));

        assertThat(result.stdout()).isEqualTo("tool a b\n");
    }

    @Test
    void skipsNonExecutableFilesAndDirectoriesEarlierOnThePath() throws Exception {
        Path notExecutable = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(notExecutable.resolve("prodigy-test-tool"), "#!/bin/sh\necho wrong\n");
        Path directory = Files.createDirectories(dir.resolve("dirs/prodigy-test-tool"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("prodigy-test-tool"), "#!/bin/sh\necho right\n");

        ProcessResult result = run(ProcessSpec.builder(List.of("prodigy-test-tool"))
                .environment(Map.of(
                        "PATH",
                        dir.resolve("missing") + ":" + notExecutable + ":" + directory.getParent() + ":" + bin
                                + ":/usr/bin:/bin")));

        assertThat(result.stdout()).isEqualTo("right\n");
    }

    @Test
    void runsInTheWorkingDirectoryAndResolvesRelativeExecutablesThere() throws Exception {
        executable(dir.resolve("run.sh"), "#!/bin/sh\npwd -P\n");

        ProcessResult result = run(ProcessSpec.builder(List.of("./run.sh")));

        assertThat(result.stdout()).isEqualTo(dir.toRealPath() + "\n");
    }

    @Test
    void givesAnEmptyStdin() throws Exception {
        ProcessResult result = run(ProcessSpec.builder(List.of("cat")).timeout(Duration.ofSeconds(10)));

        assertThat(result.success()).isTrue();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(5));
    }

    // ---- start failures

    @Test
    void failsToStartAMissingExecutableWithItsName() {
        assertThatThrownBy(() -> run(ProcessSpec.builder(List.of("prodigy-no-such-tool-xyz", "arg"))))
                .isInstanceOf(ProcessStartException.class)
                .hasMessageContaining("'prodigy-no-such-tool-xyz'")
                .hasMessageContaining("PATH");
    }

    @Test
    void failsToStartAMissingOrNonExecutablePath() throws IOException {
        Files.writeString(dir.resolve("plain.txt"), "echo hi");

        assertThatThrownBy(() -> run(ProcessSpec.builder(List.of("./missing.sh"))))
                .isInstanceOf(ProcessStartException.class)
                .hasMessageContaining(dir.resolve("missing.sh").toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> run(ProcessSpec.builder(List.of("./plain.txt"))))
                .isInstanceOf(ProcessStartException.class)
                .hasMessageContaining("not an executable file");
    }

    @Test
    void failsToStartInAMissingWorkingDirectory() {
        Path missing = dir.resolve("no/such/dir");

        assertThatThrownBy(() -> ProcessRunner.run(
                        ProcessSpec.shell("true").workingDirectory(missing).build()))
                .isInstanceOf(ProcessStartException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("working directory");
    }

    // ---- timeouts and process trees

    @ParameterizedTest
    @EnumSource(TreeMode.class)
    void timeoutKillsTheWholeTree(TreeMode mode) throws Exception {
        ProcessResult result = run(
                ProcessSpec.shell("echo $$ > sh.pid; sleep 1000 & echo $! > bg.pid; "
                                + "sh -c 'sleep 1000 & echo $! > nested.pid; wait' & echo started; wait")
                        .timeout(Duration.ofMillis(1000)),
                mode);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.cancelled()).isFalse();
        assertThat(result.success()).isFalse();
        assertThat(result.exitCode()).isEqualTo(143);
        assertThat(result.stdout()).isEqualTo("started\n");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(4)); // no process needed the 5 s grace
        assertAllGone("sh.pid", "bg.pid", "nested.pid");
    }

    @Test
    void timeoutKillsDaemonizedGrandchildrenInTheProcessGroup() throws Exception {
        assumeTrue(TreeMode.DEFAULT == TreeMode.PROCESS_GROUP, "needs setsid and /proc");

        ProcessResult result =
                run(ProcessSpec.shell("(sleep 1000 & echo $! > daemon.pid); sleep 1000 & echo $! > bg.pid; wait")
                        .timeout(Duration.ofMillis(1000)));

        assertThat(result.timedOut()).isTrue();
        assertAllGone("daemon.pid", "bg.pid");
    }

    @Test
    void killsProcessesIgnoringSigtermAfterTheGracePeriod() throws Exception {
        CancellationToken token = new CancellationToken();
        ProcessSpec spec = ProcessSpec.shell(
                        "trap '' TERM; echo $$ > sh.pid; sleep 1000 & echo $! > bg.pid; echo ready; wait")
                .workingDirectory(dir)
                .killGracePeriod(Duration.ofMillis(300))
                .lineListener((stream, line) -> token.cancel()) // SIGTERM is ignored from here on
                .build();

        ProcessResult result = ProcessRunner.run(spec, token);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.duration())
                .isGreaterThanOrEqualTo(Duration.ofMillis(300))
                .isLessThan(Duration.ofSeconds(4));
        assertAllGone("sh.pid", "bg.pid");
    }

    // ---- leftovers after a normal exit

    @ParameterizedTest
    @EnumSource(TreeMode.class)
    void returnsPromptlyWhenAnOrphanedChildHoldsStdout(TreeMode mode) throws Exception {
        ProcessResult result = run(ProcessSpec.shell("sleep 1000 & echo $! > bg.pid; echo done"), mode);
        if (mode == TreeMode.DESCENDANTS) {
            survivors.add(readPid("bg.pid")); // reparented before we looked: out of reach without a group
        }

        assertThat(result.success()).isTrue();
        assertThat(result.stdout()).isEqualTo("done\n");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(5));
        if (mode == TreeMode.PROCESS_GROUP) {
            assertAllGone("bg.pid");
        }
    }

    @Test
    void readsOutputThatBackgroundChildrenWriteAfterTheShellExits() throws Exception {
        // The shell exits only once the reader has seen "early", so the reader holds the pipe by then.
        String awaitSeen = "while [ ! -e seen ]; do sleep 0.01; done";
        ProcessResult result =
                run(ProcessSpec.shell("(" + awaitSeen + "; sleep 0.1; echo late) & echo early; " + awaitSeen)
                        .timeout(Duration.ofSeconds(10))
                        .lineListener((stream, line) -> {
                            if (line.equals("early")) {
                                touch("seen");
                            }
                        }));

        assertThat(result.stdout()).isEqualTo("early\nlate\n");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(TreeMode.class)
    void terminatesBackgroundProcessesLeftInTheGroupAfterANormalExit(TreeMode mode) throws Exception {
        ProcessResult result = run(ProcessSpec.shell("nohup sleep 1000 >/dev/null 2>&1 & echo $! > bg.pid"), mode);

        assertThat(result.success()).isTrue();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(2)); // released the pipes: no drain wait
        if (mode == TreeMode.PROCESS_GROUP) {
            assertAllGone("bg.pid");
        } else {
            long pid = readPid("bg.pid"); // reparented before we looked: out of reach without a group
            survivors.add(pid);
            assertThat(isAlive(pid)).isTrue();
        }
    }

    // ---- cancellation and interrupts

    @ParameterizedTest
    @EnumSource(TreeMode.class)
    void cancellationFromAnotherThreadTerminatesTheTree(TreeMode mode) throws Exception {
        CancellationToken token = new CancellationToken();
        CountDownLatch ready = new CountDownLatch(1);
        CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
            awaitUninterruptibly(ready);
            token.cancel();
        });
        ProcessSpec spec = ProcessSpec.shell("echo $$ > sh.pid; sleep 1000 & echo $! > bg.pid; echo ready; wait")
                .workingDirectory(dir)
                .lineListener((stream, line) -> {
                    if (line.equals("ready")) {
                        ready.countDown();
                    }
                })
                .build();

        ProcessResult result = ProcessRunner.run(spec, token, mode);
        canceller.get(5, TimeUnit.SECONDS);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.success()).isFalse();
        assertThat(result.stdout()).isEqualTo("ready\n");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(4));
        assertAllGone("sh.pid", "bg.pid");
    }

    @Test
    void doesNotStartWhenAlreadyCancelled() throws Exception {
        CancellationToken token = new CancellationToken();
        token.cancel();

        ProcessResult result = ProcessRunner.run(
                ProcessSpec.shell("touch started").workingDirectory(dir).build(), token);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(dir.resolve("started")).doesNotExist();
    }

    @Test
    void interruptingTheCallerTerminatesTheTreeAndThrows() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        ProcessSpec spec = ProcessSpec.shell("echo $$ > sh.pid; sleep 1000 & echo $! > bg.pid; echo ready; wait")
                .workingDirectory(dir)
                .lineListener((stream, line) -> ready.countDown())
                .build();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread caller = new Thread(
                () -> {
                    try {
                        ProcessRunner.run(spec);
                        outcome.complete(null);
                    } catch (Throwable e) {
                        outcome.complete(e);
                    }
                },
                "test-caller");
        caller.start();

        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertAllGone("sh.pid", "bg.pid");
    }

    // ---- large output, streaming, stdout file

    @Test
    void keepsBothEndsOfHugeOutputWithinTheLimit() throws Exception {
        long payload = 50_000_000;
        ProcessResult result =
                run(ProcessSpec.shell("printf START; head -c " + payload + " /dev/zero | tr '\\0' x; printf END")
                        .maxCapturedBytes(1 << 20));

        assertThat(result.success()).isTrue();
        assertThat(result.stdoutBytes()).isEqualTo(payload + 8);
        assertThat(result.stdout()).startsWith("STARTxxx").endsWith("xxxEND");
        assertThat(result.stdout()).contains("\n[... " + (payload + 8 - (1 << 20)) + " bytes truncated ...]\n");
        assertThat(result.stdout().length()).isLessThan((1 << 20) + 100);
    }

    @Test
    void streamsAHugeLineWithoutANewlineInBoundedPieces() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        int huge = 20_000_000;
        ProcessResult result =
                run(ProcessSpec.shell("head -c " + huge + " /dev/zero | tr '\\0' y; printf '\\nshort\\r\\nend'")
                        .maxCapturedBytes(1024)
                        .timeout(Duration.ofSeconds(20))
                        .lineListener((stream, line) -> lines.add(line)));

        assertThat(result.success()).isTrue();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .hasSize(LineListener.MAX_LINE_BYTES
                        + (" [... " + (huge - LineListener.MAX_LINE_BYTES) + " bytes truncated ...]").length())
                .startsWith("yyyy")
                .endsWith("y [... " + (huge - LineListener.MAX_LINE_BYTES) + " bytes truncated ...]");
        assertThat(lines.subList(1, 3)).containsExactly("short", "end");
    }

    @Test
    void deliversLinesOfBothStreamsTaggedAndSurvivesAFailingListener() throws Exception {
        Set<String> seen = Collections.synchronizedSet(new HashSet<>());
        ProcessResult result =
                run(ProcessSpec.shell("echo one; echo two >&2; echo three").lineListener((stream, line) -> {
                    seen.add(stream + ":" + line);
                    if (line.equals("one")) {
                        throw new IllegalStateException("listener bug");
                    }
                }));

        assertThat(seen).containsExactlyInAnyOrder("STDOUT:one", "STDERR:two", "STDOUT:three");
        assertThat(result.stdout()).isEqualTo("one\nthree\n");
    }

    @Test
    void writesTheCompleteStdoutToTheFile() throws Exception {
        Path file = dir.resolve("out/nested/stdout.txt");
        int size = 5_000_000;

        ProcessResult result = run(ProcessSpec.shell("head -c " + size + " /dev/zero | tr '\\0' z; echo err >&2")
                .maxCapturedBytes(1000)
                .stdoutFile(file));

        assertThat(result.stdoutBytes()).isEqualTo(size);
        assertThat(result.stdout()).contains("bytes truncated");
        byte[] written = Files.readAllBytes(file);
        assertThat(written).hasSize(size);
        assertThat(new String(written, UTF_8).chars().allMatch(c -> c == 'z')).isTrue();
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    // ---- helpers

    private void assertAllGone(String... pidFiles) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String pidFile : pidFiles) {
            pids.add(readPid(pidFile));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pids.stream().anyMatch(ProcessRunnerTest::isAlive) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        survivors.addAll(pids);
        assertThat(pids).as("pids of %s", List.of(pidFiles)).noneMatch(ProcessRunnerTest::isAlive);
    }

    private long readPid(String pidFile) throws IOException {
        Path file = dir.resolve(pidFile);
        assertThat(file).as("pid file %s", pidFile).exists();
        return Long.parseLong(Files.readString(file).trim());
    }

    /** Alive and not a zombie: this machine's pid 1 may be slow to reap orphans. */
    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
    }

    private void touch(String name) {
        try {
            Files.createFile(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the process never became ready");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
