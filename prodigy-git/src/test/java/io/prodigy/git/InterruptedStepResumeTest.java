package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions found by the crash tests ({@code io.prodigy.git.crash}): a top-level step interrupted after it had
 * committed ran again on top of its own commit on resume (a duplicate commit, or a failing "nothing to commit"), and
 * a git command killed with the run left lock files ({@code index.lock}, {@code HEAD.lock}, ref locks) in the run's
 * worktree and branches, failing the resume.
 */
class InterruptedStepResumeTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "a\n"));
    }

    private Workflow workflow(String secondStep) {
        Workflow.Builder b = Workflow.builder("interrupted");
        fx.env.forEach(b::env);
        return b.steps(
                        Step.shell("echo one > one.txt && git add -A && git commit -q -m one")
                                .build(),
                        Step.shell(secondStep).build(),
                        Step.shell("echo three > three.txt && git add -A && git commit -q -m three")
                                .build())
                .build();
    }

    private List<String> subjects(String ref) {
        return fx.gitLines(repo, "log", "--format=%s", ref);
    }

    @Test
    void aStepInterruptedAfterItCommittedIsUndoneAndRunsOnceMoreOnResume() throws Exception {
        Path gate = tmp.resolve("gate");
        // commits, then waits for the gate (while it waits the run is cancelled); on the second run the gate is open
        Path attempt = tmp.resolve("attempt");
        Workflow wf = workflow("echo two-$(cat " + attempt + ") > two.txt && { [ \"$(cat " + attempt + ")\" = 2 ] "
                + "|| echo left > junk.txt; } && git add two.txt && git commit -q -m two && while [ ! -f " + gate
                + " ]; do sleep 0.05; done");
        Files.writeString(tmp.resolve("attempt"), "1");
        Prodigy prodigy = fx.engine(repo).isolation(fx.isolation().build()).build();
        RunHandle handle =
                prodigy.start(wf, RunOptions.builder().runId("run-int").build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!fx.tryGit(repo, "log", "--format=%s", "prodigy-run-int").out().contains("two\n")) {
            assertThat(System.nanoTime()).as("step two committed in time").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        handle.cancel();
        assertThat(handle.await().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(subjects("prodigy-run-int")).containsExactly("two", "one", "initial");

        Files.writeString(tmp.resolve("attempt"), "2");
        Files.writeString(gate, "open");
        RunResult r = prodigy.resume("run-int", wf, ResumeOptions.DEFAULT);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(subjects("main")).containsExactly("three", "two", "one", "initial");
        assertThat(GitFixture.read(repo, "two.txt")).isEqualTo("two-2\n");
        assertThat(repo.resolve("junk.txt")).doesNotExist();
        // what the interrupted attempt left uncommitted is kept in the stash, not destroyed
        assertThat(fx.git(repo, "stash", "list")).contains("interrupted step");
    }

    @Test
    void aStaleIndexLockInTheRunsWorktreeIsRemovedOnResume() throws Exception {
        Path fixed = tmp.resolve("fixed");
        Workflow wf = workflow("test -f " + fixed + " && echo two > two.txt && git add -A && git commit -q -m two");
        Prodigy prodigy = fx.engine(repo).isolation(fx.isolation().build()).build();
        RunResult first = prodigy.run(wf, RunOptions.builder().runId("run-lock").build());
        assertThat(first.status()).isEqualTo(RunStatus.FAILED);
        Path runTree = fx.prodigyHome.resolve("worktrees/project/run-lock");
        Path gitDir = Path.of(fx.git(runTree, "rev-parse", "--absolute-git-dir"));
        Files.writeString(gitDir.resolve("index.lock"), "");
        // a merge or commit killed while updating refs also leaves these
        Files.writeString(gitDir.resolve("HEAD.lock"), "");
        Files.writeString(gitDir.resolve("ORIG_HEAD.lock"), "");
        Path commonDir = runTree.resolve(fx.git(runTree, "rev-parse", "--git-common-dir"))
                .normalize();
        Path branchLock = commonDir.resolve("refs/heads/prodigy-run-lock.lock");
        Files.writeString(branchLock, "");
        Path itemBranchLock = Files.createDirectories(commonDir.resolve("refs/heads/prodigy/run-lock"))
                .resolve("item_0.lock");
        Files.writeString(itemBranchLock, "");

        Files.writeString(fixed, "");
        RunResult r = prodigy.resume("run-lock", wf, ResumeOptions.DEFAULT);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(subjects("main")).containsExactly("three", "two", "one", "initial");
        assertThat(branchLock).doesNotExist();
        assertThat(itemBranchLock).doesNotExist();
    }
}
