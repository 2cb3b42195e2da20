package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's owner is live only while its process is: a pid the system gave to another process since (fast on busy
 * machines, where pids wrap at 32768) does not keep a killed run from being resumed.
 */
class RunFileTest {
    @TempDir
    Path tmp;

    @Test
    void anOwnerIsLiveOnlyWhileItsOwnProcessRunsNotAnotherWithItsPid() {
        RunFile mine = RunFile.ofThisProcess(
                "run-1", "run-1", tmp, tmp.resolve("wt"), "prodigy-run-1", "main", "abc", false, true);
        assertThat(mine.live()).isTrue();

        RunFile reusedPid = new RunFile(
                "run-1",
                "run-1",
                tmp,
                tmp.resolve("wt"),
                "prodigy-run-1",
                "main",
                "abc",
                false,
                true,
                RunFile.currentPid(),
                RunFile.currentHost(),
                "2001-01-01T00:00:00Z");
        assertThat(reusedPid.live())
                .as("our pid, but the record's owner started in 2001")
                .isFalse();

        mine.write(tmp);
        assertThat(RunFile.read(mine.file(tmp))).contains(mine);
        assertThat(mine.withOpen(false).live()).isFalse();
    }
}
