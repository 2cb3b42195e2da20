package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationException;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.api.spi.WorkspaceChanges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The isolation SPI driven directly, on real repositories. */
class WorktreeIsolationTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\ntwo\nthree\n", "src/b.txt", "b\n"));
    }

    private static VersionControl vc(Workspace w) {
        return w.versionControl().orElseThrow();
    }

    @Test
    void theRunWorksInItsOwnWorktreeAndBranchAndTheUsersTreeIsUntouched() {
        GitFixture.write(repo, "a.txt", "uncommitted user edit\n");
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));

        assertThat(run.directory()).isEqualTo(fx.prodigyHome.resolve("worktrees/project/r1"));
        assertThat(fx.git(run.directory(), "symbolic-ref", "--short", "HEAD")).isEqualTo("prodigy-r1");
        assertThat(GitFixture.read(run.directory(), "a.txt")).isEqualTo("one\ntwo\nthree\n");
        fx.commit(run.directory(), "new.txt", "x\n", "run commit");

        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("uncommitted user edit\n");
        assertThat(Files.exists(repo.resolve("new.txt"))).isFalse();
        assertThat(fx.git(repo, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
    }

    @Test
    void aRunFromASubdirectoryWorksInTheSameSubdirectoryOfItsWorktree() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo.resolve("src")));
        assertThat(run.directory()).isEqualTo(fx.prodigyHome.resolve("worktrees/project/r1/src"));
        assertThat(GitFixture.read(run.directory(), "b.txt")).isEqualTo("b\n");
    }

    @Test
    void aDirectoryOutsideGitIsRefusedWithAnActionableMessage() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        WorktreeIsolation iso = fx.isolation().build();
        assertThatThrownBy(() -> iso.openRun(fx.context("r1", plain)))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("is not inside a git repository")
                .hasMessageContaining("git init");
    }

    @Test
    void aDetachedHeadIsRefused() {
        fx.git(repo, "checkout", "-q", "--detach");
        assertThatThrownBy(() -> fx.isolation().build().openRun(fx.context("r1", repo)))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("detached HEAD")
                .hasMessageContaining("git switch -c");
    }

    @Test
    void itemsMergeWithOneNoFastForwardCommitEachAndIntegratingAgainIsANoOp() {
        WorktreeIsolation iso = fx.isolation().mode(WorktreeMode.onDemand()).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        String start = vc(run).head();
        Workspace item = iso.acquire(run, "item_0");
        assertThat(fx.git(item.directory(), "symbolic-ref", "--short", "HEAD")).isEqualTo("prodigy/r1/item_0");
        assertThat(item.directory()).isEqualTo(fx.prodigyHome.resolve("worktrees/project/r1.items/item_0"));
        fx.commit(item.directory(), "c.txt", "c\n", "add c");
        fx.commit(item.directory(), "d.txt", "d\n", "add d");
        String itemTip = vc(item).head();

        IntegrationResult first = iso.integrate(run, item);
        assertThat(first).isInstanceOf(IntegrationResult.Integrated.class);
        assertThat(((IntegrationResult.Integrated) first).commits())
                .hasSize(2)
                .last()
                .isEqualTo(itemTip);
        assertThat(fx.git(run.directory(), "log", "-1", "--format=%s")).isEqualTo("Merge item item_0");
        assertThat(fx.git(run.directory(), "log", "-1", "--format=%P").split(" "))
                .containsExactly(start, itemTip);

        String afterFirst = vc(run).head();
        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.NothingToIntegrate.class);
        assertThat(vc(run).head()).isEqualTo(afterFirst);
        assertThat(iso.isIntegrated(run, "item_0")).isTrue();

        iso.release(item, false);
        assertThat(Files.exists(item.directory())).isFalse();
        assertThat(fx.branches(repo)).doesNotContain("prodigy/r1/item_0");
    }

    @Test
    void anItemWithoutCommitsHasNothingToIntegrateAndIsNotReportedIntegrated() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "idle");
        assertThat(iso.isIntegrated(run, "idle")).isFalse();
        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.NothingToIntegrate.class);
        assertThat(iso.isIntegrated(run, "idle")).isFalse();
    }

    @Test
    void aConflictIsAbortedCleanlyAndReportedWithItsPaths() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace x = iso.acquire(run, "x");
        Workspace y = iso.acquire(run, "y");
        fx.commit(x.directory(), "a.txt", "one\nTWO by x\nthree\n", "x edits");
        fx.commit(y.directory(), "a.txt", "one\nTWO by y\nthree\n", "y edits");
        assertThat(iso.integrate(run, x)).isInstanceOf(IntegrationResult.Integrated.class);
        String head = vc(run).head();

        IntegrationResult r = iso.integrate(run, y);
        assertThat(r).isInstanceOf(IntegrationResult.Conflict.class);
        IntegrationResult.Conflict c = (IntegrationResult.Conflict) r;
        assertThat(c.paths()).containsExactly("a.txt");
        assertThat(c.message()).contains("prodigy/r1/y");
        assertThat(vc(run).head()).isEqualTo(head);
        assertThat(vc(run).isDirty()).isFalse();
        assertThat(fx.tryGit(run.directory(), "rev-parse", "-q", "--verify", "MERGE_HEAD")
                        .exit())
                .isNotZero();
        assertThat(GitFixture.read(run.directory(), "a.txt")).isEqualTo("one\nTWO by x\nthree\n");

        iso.release(y, true);
        assertThat(Files.exists(y.directory()))
                .as("a failed item's worktree is kept")
                .isTrue();
        assertThat(fx.git(repo, "worktree", "list", "--porcelain")).contains("locked prodigy: kept for debugging");
    }

    @Test
    void hostileItemIdsGiveValidUniqueContainedNames() {
        WorktreeIsolation iso = fx.isolation().mode(WorktreeMode.onDemand()).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Path items = fx.prodigyHome.resolve("worktrees/project/r1.items");
        List<String> ids = List.of(
                "../../x",
                "a b",
                "refs/heads/x",
                "x".repeat(300),
                "ünïcødé/☃",
                "A",
                "a",
                "-rf",
                "x.lock",
                "@{-1}",
                "HEAD",
                "",
                "..");
        java.util.Set<Path> dirs = new java.util.HashSet<>();
        for (String id : ids) {
            Workspace w = iso.acquire(run, id);
            assertThat(w.directory().getParent()).as(id).isEqualTo(items);
            assertThat(dirs.add(w.directory())).as("unique: " + id).isTrue();
            String branch = fx.git(w.directory(), "symbolic-ref", "--short", "HEAD");
            assertThat(branch).startsWith("prodigy/r1/");
            assertThat(fx.tryGit(repo, "check-ref-format", "refs/heads/" + branch)
                            .exit())
                    .isZero();
            fx.commit(w.directory(), "f-" + dirs.size() + ".txt", id, "item commit");
            assertThat(iso.integrate(run, w)).isInstanceOf(IntegrationResult.Integrated.class);
            iso.release(w, false);
        }
        assertThat(fx.gitLines(run.directory(), "log", "--merges", "--format=%s"))
                .hasSize(ids.size());
        assertThat(fx.branches(repo)).containsExactlyInAnyOrder("main", "prodigy-r1");
    }

    @Test
    void versionControlReportsAddedModifiedDeletedAndBinaryFiles() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "i");
        VersionControl v = vc(item);
        String base = v.head();
        assertThat(v.changesSince(base)).isEqualTo(WorkspaceChanges.NONE);
        assertThat(v.isDirty()).isFalse();

        GitFixture.write(item.directory(), "a.txt", "one\n2\nthree\nfour\n");
        Files.delete(item.directory().resolve("src/b.txt"));
        Files.write(item.directory().resolve("logo.bin"), new byte[] {0, 1, 2, (byte) 255, 0});
        assertThat(v.isDirty()).isTrue();
        String commit = v.commitAll("agent work");
        assertThat(commit).isEqualTo(v.head()).isNotEqualTo(base);
        assertThat(v.commitAll("nothing")).isNull();

        WorkspaceChanges c = v.changesSince(base);
        assertThat(c.commits()).containsExactly(commit);
        assertThat(c.filesAdded()).containsExactly("logo.bin");
        assertThat(c.filesModified()).containsExactly("a.txt");
        assertThat(c.filesDeleted()).containsExactly("src/b.txt");
        assertThat(c.insertions()).isEqualTo(2);
        assertThat(c.deletions()).isEqualTo(2);

        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.Integrated.class);
        assertThat(Files.exists(run.directory().resolve("src/b.txt"))).isFalse();
        assertThat(Files.readAllBytes(run.directory().resolve("logo.bin"))).containsExactly(0, 1, 2, 255, 0);
    }

    @Test
    void closingASucceededRunFastForwardsTheUsersBranchAndRemovesEverything() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "i");
        fx.commit(item.directory(), "c.txt", "c\n", "add c");
        iso.integrate(run, item);
        iso.release(item, false);
        String runTip = vc(run).head();

        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.git(repo, "rev-parse", "main")).isEqualTo(runTip);
        assertThat(GitFixture.read(repo, "c.txt")).isEqualTo("c\n");
        assertThat(fx.branches(repo)).containsExactly("main");
        assertThat(fx.worktrees(repo)).hasSize(1);
        assertThat(fx.prodigyHome.resolve("worktrees/project")).isEmptyDirectory();
    }

    @Test
    void aFailedRunKeepsItsWorktreeForAResume() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        fx.commit(run.directory(), "setup.txt", "s\n", "setup");
        String before = fx.git(repo, "rev-parse", "main");
        iso.closeRun(run, RunStatus.FAILED);
        assertThat(fx.git(repo, "rev-parse", "main")).isEqualTo(before);
        assertThat(Files.exists(run.directory().resolve("setup.txt"))).isTrue();

        Workspace resumed = iso.resumeRun(fx.context("r1", repo), run.directory());
        assertThat(resumed.directory()).isEqualTo(run.directory());
        iso.closeRun(resumed, RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "setup.txt")).isEqualTo("s\n");
        assertThat(fx.branches(repo)).containsExactly("main");
    }

    @Test
    void resumeFindsIntegratedItemsByAncestryAndDiscardsWhatInterruptedAttemptsLeft() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace merged = iso.acquire(run, "merged");
        fx.commit(merged.directory(), "m.txt", "m\n", "m");
        iso.integrate(run, merged);
        Workspace inFlight = iso.acquire(run, "in-flight");
        fx.commit(inFlight.directory(), "f.txt", "f\n", "half done");
        // the process dies here: merged was integrated but not released, in-flight was running
        fx.simulateCrash("project", "r1");

        WorktreeIsolation again = fx.isolation().build();
        Workspace resumed = again.resumeRun(fx.context("r1", repo), run.directory());
        assertThat(resumed.directory()).isEqualTo(run.directory());
        assertThat(again.isIntegrated(resumed, "merged")).isTrue();
        assertThat(again.isIntegrated(resumed, "in-flight")).isFalse();
        again.discardStale(resumed, "in-flight");
        assertThat(inFlight.directory()).doesNotExist();
        assertThat(fx.branches(repo)).doesNotContain("prodigy/r1/in-flight");

        Workspace rerun = again.acquire(resumed, "in-flight");
        assertThat(rerun.directory()).isEqualTo(inFlight.directory());
        assertThat(rerun.directory().resolve("f.txt")).doesNotExist();
        fx.commit(rerun.directory(), "f.txt", "f again\n", "done");
        assertThat(again.integrate(resumed, rerun)).isInstanceOf(IntegrationResult.Integrated.class);
        again.release(rerun, false);
        again.closeRun(resumed, RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "m.txt")).isEqualTo("m\n");
        assertThat(GitFixture.read(repo, "f.txt")).isEqualTo("f again\n");
        assertThat(fx.branches(repo)).containsExactly("main");
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
    }

    @Test
    void resumeAbortsAMergeTheCrashLeftHalfDoneAndRecreatesAMissingWorktree() throws Exception {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        fx.commit(run.directory(), "a.txt", "run\n", "run edit");
        fx.git(run.directory(), "switch", "-q", "-c", "side", "HEAD~1");
        fx.commit(run.directory(), "a.txt", "side\n", "side edit");
        fx.git(run.directory(), "switch", "-q", "prodigy-r1");
        fx.tryGit(run.directory(), "merge", "side");
        fx.simulateCrash("project", "r1");

        Workspace resumed = fx.isolation().build().resumeRun(fx.context("r1", repo), run.directory());
        assertThat(fx.tryGit(resumed.directory(), "rev-parse", "-q", "--verify", "MERGE_HEAD")
                        .exit())
                .isNotZero();
        assertThat(GitFixture.read(resumed.directory(), "a.txt")).isEqualTo("run\n");

        fx.simulateCrash("project", "r1");
        fx.git(repo, "worktree", "remove", "--force", run.directory().toString());
        Workspace recreated = fx.isolation().build().resumeRun(fx.context("r1", repo), run.directory());
        assertThat(GitFixture.read(recreated.directory(), "a.txt")).isEqualTo("run\n");
        assertThat(fx.git(recreated.directory(), "branch", "--show-current")).isEqualTo("prodigy-r1");
    }

    @Test
    void aRetryReplacesTheWorktreeItsFailedAttemptKept() {
        WorktreeIsolation iso = fx.isolation().mode(WorktreeMode.onDemand()).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "flaky");
        fx.commit(first.directory(), "bad.txt", "bad\n", "bad attempt");
        iso.release(first, true);
        Workspace second = iso.acquire(run, "flaky");
        assertThat(second.directory()).isEqualTo(first.directory());
        assertThat(second.directory().resolve("bad.txt")).doesNotExist();
        assertThat(fx.git(repo, "worktree", "list", "--porcelain")).doesNotContain("locked");
    }

    @Test
    void withoutKeepingFailedWorktreesTheDirectoryGoesButUnmergedCommitsStayOnTheBranch() {
        WorktreeIsolation iso = fx.isolation().keepFailedWorktrees(false).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace committed = iso.acquire(run, "committed");
        fx.commit(committed.directory(), "c.txt", "c\n", "work before failing");
        Workspace empty = iso.acquire(run, "empty");
        iso.release(committed, true);
        iso.release(empty, true);
        assertThat(committed.directory()).doesNotExist();
        assertThat(empty.directory()).doesNotExist();
        assertThat(fx.branches(repo)).contains("prodigy/r1/committed").doesNotContain("prodigy/r1/empty");
    }

    @Test
    void aFullPoolMakesTheNextItemWaitAndAKeptSlotLeavesThePool() throws Exception {
        WorktreeIsolation iso = fx.isolation().mode(WorktreeMode.pooled(1)).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "first");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Workspace> second = pool.submit(() -> iso.acquire(run, "second"));
            assertThatThrownBy(() -> second.get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            GitFixture.write(first.directory(), "untracked.txt", "left behind\n");
            GitFixture.write(first.directory(), "a.txt", "modified, not committed\n");
            iso.release(first, false);
            Workspace w = second.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(w.directory()).isEqualTo(first.directory());
            assertThat(fx.git(w.directory(), "branch", "--show-current")).isEqualTo("prodigy/r1/second");
            assertThat(fx.git(w.directory(), "status", "--porcelain")).isEmpty();

            iso.release(w, true);
            Workspace third = iso.acquire(run, "third");
            assertThat(third.directory()).isNotEqualTo(w.directory());
            assertThat(w.directory()).exists();
            iso.release(third, false);
        } finally {
            pool.shutdownNow();
        }
        iso.closeRun(run, RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(fx.worktrees(repo))
                .containsExactly(repo.toString(), first.directory().toString());
        assertThat(fx.branches(repo)).containsExactlyInAnyOrder("main", "prodigy/r1/second");
    }

    @Test
    void aDedicatedWorktreeOutlivesItsRunsAndRefusesASecondConcurrentRun() {
        WorktreeIsolation iso =
                fx.isolation().mode(WorktreeMode.dedicated("Experiment A")).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        assertThat(run.directory().getFileName().toString())
                .startsWith("experiment-a-")
                .endsWith(".dedicated");
        assertThatThrownBy(() -> iso.openRun(fx.context("r2", repo)))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("in use by run 'r1'");
        fx.commit(run.directory(), "e.txt", "1\n", "experiment step 1");
        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "e.txt")).isEqualTo("1\n");
        assertThat(run.directory()).exists();

        Workspace next = iso.openRun(fx.context("r2", repo));
        assertThat(next.directory()).isEqualTo(run.directory());
        fx.commit(next.directory(), "e.txt", "2\n", "experiment step 2");
        iso.closeRun(next, RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "e.txt")).isEqualTo("2\n");
        assertThat(Worktrees.of(iso).list()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(ManagedWorktree.Kind.DEDICATED);
            assertThat(w.orphan()).isFalse();
        });
    }

    @Test
    void anItemThatLeftItsBranchIsRefusedRatherThanMergedWrongly() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "wanderer");
        fx.git(item.directory(), "checkout", "-q", "--detach");
        fx.commit(item.directory(), "lost.txt", "x\n", "commit on a detached HEAD");
        assertThatThrownBy(() -> iso.integrate(run, item))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("no longer on its branch prodigy/r1/wanderer");
    }
}
