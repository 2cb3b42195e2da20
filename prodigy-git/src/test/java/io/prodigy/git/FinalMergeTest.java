package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationException;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge of a run back into the user's branch, driven through the isolation SPI. */
class FinalMergeTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\ntwo\nthree\n", "b.txt", "b\n"));
    }

    /** Opens a run whose work changes a.txt (and adds run.txt), as items and reduce would. */
    private Workspace runThatEditsA(WorktreeIsolation iso) {
        Workspace run = iso.openRun(fx.context("r1", repo));
        fx.commit(run.directory(), "a.txt", "one\nrun two\nthree\n", "run edits a");
        fx.commit(run.directory(), "run.txt", "r\n", "run adds run.txt");
        return run;
    }

    @Test
    void theMergePlanIsShownAndDecliningLeavesTheRunsBranch() {
        AtomicReference<MergePlan> seen = new AtomicReference<>();
        WorktreeIsolation iso = fx.isolation()
                .mergeConfirmation(plan -> {
                    seen.set(plan);
                    return false;
                })
                .build();
        Workspace run = runThatEditsA(iso);
        String main = fx.git(repo, "rev-parse", "main");

        iso.closeRun(run, RunStatus.SUCCEEDED);
        MergePlan plan = seen.get();
        assertThat(plan.sourceBranch()).isEqualTo("prodigy-r1");
        assertThat(plan.targetBranch()).isEqualTo("main");
        assertThat(plan.commits()).hasSize(2);
        assertThat(plan.fastForward()).isTrue();
        assertThat(plan.worktree()).isEqualTo(run.directory());
        assertThat(fx.git(repo, "rev-parse", "main")).isEqualTo(main);
        assertThat(fx.branches(repo)).contains("prodigy-r1");
        assertThat(run.directory()).exists();
    }

    @Test
    void localChangesWhereTheMergeWritesStopItWithStashCommandsAndAreKept() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = runThatEditsA(iso);
        GitFixture.write(repo, "a.txt", "my local edit\n");
        String main = fx.git(repo, "rev-parse", "main");

        assertThatThrownBy(() -> iso.closeRun(run, RunStatus.SUCCEEDED))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("uncommitted changes to files the merge would write")
                .hasMessageContaining("git stash push --include-untracked")
                .hasMessageContaining("git merge --ff-only prodigy-r1")
                .hasMessageContaining("git stash pop");
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("my local edit\n");
        assertThat(fx.git(repo, "rev-parse", "main")).isEqualTo(main);
        assertThat(fx.branches(repo)).contains("prodigy-r1");
        assertThat(fx.git(run.directory(), "log", "-1", "--format=%s")).isEqualTo("run adds run.txt");
    }

    @Test
    void localChangesElsewhereSurviveAFastForward() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = runThatEditsA(iso);
        GitFixture.write(repo, "b.txt", "my local edit\n");
        GitFixture.write(repo, "untracked.txt", "mine\n");

        iso.closeRun(run, RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nrun two\nthree\n");
        assertThat(GitFixture.read(repo, "b.txt")).isEqualTo("my local edit\n");
        assertThat(GitFixture.read(repo, "untracked.txt")).isEqualTo("mine\n");
        assertThat(fx.branches(repo)).containsExactly("main");
    }

    @Test
    void aTargetBranchThatIsNotCheckedOutIsMovedWithoutTouchingAnyWorkingTree() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = runThatEditsA(iso);
        fx.git(repo, "switch", "-q", "-c", "elsewhere");
        fx.commit(repo, "b.txt", "user moved on\n", "user works elsewhere");

        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.git(repo, "show", "main:a.txt")).isEqualTo("one\nrun two\nthree");
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\ntwo\nthree\n");
        assertThat(fx.git(repo, "symbolic-ref", "--short", "HEAD")).isEqualTo("elsewhere");
        assertThat(fx.branches(repo)).containsExactlyInAnyOrder("main", "elsewhere");
    }

    @Test
    void aMovedBranchGetsAMergeCommitWhoseFirstParentIsTheUsersWork() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = runThatEditsA(iso);
        fx.commit(repo, "b.txt", "user b\n", "user edits b");
        String user = fx.git(repo, "rev-parse", "main");
        String runTip = fx.git(run.directory(), "rev-parse", "HEAD");

        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.git(repo, "log", "-1", "--format=%P", "main").split(" ")).containsExactly(user, runTip);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nrun two\nthree\n");
        assertThat(GitFixture.read(repo, "b.txt")).isEqualTo("user b\n");
        assertThat(fx.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
    }

    @Test
    void mergeStepsRunWithMergeVariablesAndMayDoTheMergeThemselves() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = runThatEditsA(iso);
        List<Map<String, String>> calls = new ArrayList<>();
        MergeSteps steps = new MergeSteps() {
            @Override
            public boolean isEmpty() {
                return false;
            }

            @Override
            public boolean run(Map<String, String> variables) {
                calls.add(variables);
                fx.git(
                        repo,
                        "merge",
                        "-q",
                        "--no-ff",
                        "-m",
                        "merged by the steps",
                        variables.get("merge.source_branch"));
                return true;
            }
        };
        iso.closeRun(run, RunStatus.SUCCEEDED, steps);

        assertThat(calls).singleElement().satisfies(v -> {
            assertThat(v)
                    .containsEntry("merge.source_branch", "prodigy-r1")
                    .containsEntry("merge.target_branch", "main")
                    .containsEntry("merge.session_id", "r1")
                    .containsEntry("merge.commit_count", "2")
                    .containsEntry("merge.file_list", "a.txt,run.txt")
                    .containsEntry("merge.file_count", "2")
                    .containsEntry("merge.worktree", run.directory().toString());
            assertThat(v.get("merge.commits")).startsWith("[\"").endsWith("\"]");
            assertThat(v.get("merge.modified_files")).isEqualTo("[\"a.txt\",\"run.txt\"]");
        });
        assertThat(fx.git(repo, "log", "-1", "--format=%s", "main")).isEqualTo("merged by the steps");
        assertThat(fx.branches(repo)).containsExactly("main");
    }

    @Test
    void failingMergeStepsLeaveEverythingAndSayHowToFinish() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = runThatEditsA(iso);
        MergeSteps failing = new MergeSteps() {
            @Override
            public boolean isEmpty() {
                return false;
            }

            @Override
            public boolean run(Map<String, String> variables) {
                return false;
            }
        };
        String main = fx.git(repo, "rev-parse", "main");
        assertThatThrownBy(() -> iso.closeRun(run, RunStatus.SUCCEEDED, failing))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("merge steps failed")
                .hasMessageContaining("git merge --ff-only prodigy-r1");
        assertThat(fx.git(repo, "rev-parse", "main")).isEqualTo(main);
        assertThat(Files.exists(run.directory().resolve("run.txt"))).isTrue();
    }

    @Test
    void nothingToMergeSkipsTheConfirmation() {
        WorktreeIsolation iso = fx.isolation()
                .mergeConfirmation(plan -> {
                    throw new AssertionError("nothing to confirm");
                })
                .build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.branches(repo)).containsExactly("main");
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
    }
}
