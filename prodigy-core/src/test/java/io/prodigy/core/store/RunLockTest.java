package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private Path runDir() {
        return home.resolve("runs").resolve("run-1");
    }

    @Test
    void aLiveOwnerInAnotherProcessIsNamedAndAKilledOneIsTakenOver() throws Exception {
        try (ChildJvm child = ChildJvm.start(LockHolder.class, runDir().toString(), "run-1")) {
            assertThat(child.awaitLine(CHILD_TIMEOUT)).isEqualTo("locked " + child.pid());
            String host = InetAddress.getLocalHost().getHostName();

            assertThatThrownBy(() -> RunLock.acquire(runDir(), "run-1"))
                    .isInstanceOfSatisfying(RunLockedException.class, e -> {
                        assertThat(e.ownerPid()).isEqualTo(child.pid());
                        assertThat(e.ownerHost()).isEqualTo(host);
                        assertThat(e.runId()).isEqualTo("run-1");
                        assertThat(e.lockFile()).isEqualTo(runDir().resolve("lock"));
                    })
                    .hasMessageStartingWith(
                            "run run-1 is in use by pid " + child.pid() + " on host " + host + " since ")
                    .hasMessageEndingWith("; if that process is gone, delete " + runDir().resolve("lock"));

            child.kill();
            try (RunLock lock = RunLock.acquire(runDir(), "run-1")) {
                assertThat(lock.tookOver()).isTrue();
                assertThat(Files.readString(lock.file()))
                        .contains("\"pid\":" + ProcessHandle.current().pid());
            }
            assertThat(Files.exists(runDir().resolve("lock"))).isFalse();
        }
    }

    @Test
    void aReleasedLockCanBeTakenByAnotherProcessAndViceVersa() throws Exception {
        try (ChildJvm child = ChildJvm.start(LockHolder.class, runDir().toString(), "run-1")) {
            assertThat(child.awaitLine(CHILD_TIMEOUT)).startsWith("locked ");
            child.send("release");
            assertThat(child.awaitLine(CHILD_TIMEOUT)).isEqualTo("released");
            assertThat(child.waitExit()).isZero();
        }
        RunLock mine = RunLock.acquire(runDir(), "run-1");
        assertThat(mine.tookOver()).isFalse();
        try (ChildJvm child = ChildJvm.start(LockHolder.class, runDir().toString(), "run-1")) {
            assertThat(child.awaitLine(CHILD_TIMEOUT))
                    .startsWith("refused run run-1 is in use by pid "
                            + ProcessHandle.current().pid());
        }
        mine.close();
        mine.close(); // idempotent
    }

    @Test
    void theOwningProcessIsRefusedToo() {
        try (RunLock lock = RunLock.acquire(runDir(), "run-1")) {
            assertThatThrownBy(() -> RunLock.acquire(runDir(), "run-1"))
                    .isInstanceOf(RunLockedException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid() + " (this process)");
            assertThat(lock.runId()).isEqualTo("run-1");
        }
        RunLock.acquire(runDir(), "run-1").close();
    }

    @Test
    void aReusedPidIsRecognisedByItsStartTime() throws IOException {
        Files.createDirectories(runDir());
        String host = InetAddress.getLocalHost().getHostName();
        // this process's pid, but a process started at another time: the owner is gone, the pid was reused
        Files.writeString(
                runDir().resolve("lock"),
                "{\"version\":1,\"run_id\":\"run-1\",\"pid\":"
                        + ProcessHandle.current().pid() + ",\"host\":\"" + host
                        + "\",\"started_at\":\"2001-01-01T00:00:00Z\","
                        + "\"acquired_at\":\"2001-01-01T00:00:01Z\"}\n");
        try (RunLock lock = RunLock.acquire(runDir(), "run-1")) {
            assertThat(lock.tookOver()).isTrue();
        }
    }

    @Test
    void anOwnerOnAnotherHostIsNeverTakenOver() throws IOException {
        Files.createDirectories(runDir());
        Path file = runDir().resolve("lock");
        String content = "{\"version\":1,\"run_id\":\"run-1\",\"pid\":1,\"host\":\"build-server-7\","
                + "\"started_at\":null,\"acquired_at\":\"2026-01-02T03:04:05Z\"}\n";
        Files.writeString(file, content);
        assertThatThrownBy(() -> RunLock.acquire(runDir(), "run-1"))
                .isInstanceOf(RunLockedException.class)
                .hasMessage("run run-1 is in use by pid 1 on host build-server-7 since 2026-01-02T03:04:05Z; if that "
                        + "process is gone, delete " + file);
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    @Test
    void anUnreadableLockIsAnErrorThatSaysWhatToDo() throws IOException {
        Files.createDirectories(runDir());
        Files.writeString(runDir().resolve("lock"), "{\"pid\":");
        assertThatThrownBy(() -> RunLock.acquire(runDir(), "run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("delete it");
    }

    @Test
    void releaseLeavesALockThatIsNoLongerOurs() throws IOException {
        RunLock lock = RunLock.acquire(runDir(), "run-1");
        String other = "{\"version\":1,\"run_id\":\"run-1\",\"pid\":1,\"host\":\"elsewhere\",\"started_at\":null,"
                + "\"acquired_at\":\"" + Instant.now() + "\"}\n";
        Files.writeString(lock.file(), other);
        lock.close();
        assertThat(Files.readString(lock.file(), StandardCharsets.UTF_8)).isEqualTo(other);
    }
}
