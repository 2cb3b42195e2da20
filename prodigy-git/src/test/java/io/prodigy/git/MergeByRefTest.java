package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Item merges made without the run's worktree ({@code merge-tree} + {@code commit-tree} + {@code update-ref}, git
 * 2.38 or later): the branch moves by a real merge commit, the run's checkout follows when it is used - a step, a
 * conflicting merge, the final merge, a resume - and the worktree merge stays available.
 */
class MergeByRefTest {
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

    private String lastReflog(Path dir, String branch) {
        return fx.git(dir, "reflog", "-1", "--format=%gs", "refs/heads/" + branch);
    }

    @Test
    void aCleanMergeMovesTheBranchByUpdateRefAndTheCheckoutFollowsWhenTheWorktreeIsUsed() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Path root = run.directory();
        String start = vc(run).head();
        Workspace item = iso.acquire(run, "item_0");
        fx.commit(item.directory(), "c.txt", "c\n", "add c");
        fx.commit(item.directory(), "src/b.txt", "b by item\n", "edit b");
        String itemTip = vc(item).head();

        IntegrationResult r = iso.integrate(run, item);

        assertThat(r).isInstanceOf(IntegrationResult.Integrated.class);
        assertThat(((IntegrationResult.Integrated) r).commits())
                .hasSize(2)
                .last()
                .isEqualTo(itemTip);
        String head = vc(run).head();
        assertThat(fx.git(repo, "log", "-1", "--format=%P", head).split(" ")).containsExactly(start, itemTip);
        assertThat(fx.git(repo, "log", "-1", "--format=%B", head))
                .startsWith("Merge item item_0\n\nBranch: " + "prodigy/r1/item_0");
        assertThat(lastReflog(repo, "prodigy-r1")).isEqualTo("prodigy: merge item item_0");
        assertThat(root.resolve("c.txt"))
                .as("the merge did not write into the run's worktree")
                .doesNotExist();
        assertThat(iso.isIntegrated(run, "item_0")).isTrue();

        Path dir = run.directory();
        assertThat(GitFixture.read(dir, "c.txt")).isEqualTo("c\n");
        assertThat(GitFixture.read(dir, "src/b.txt")).isEqualTo("b by item\n");
        assertThat(vc(run).isDirty()).isFalse();
        assertThat(fx.git(dir, "status", "--porcelain")).isEmpty();
        assertThat(Path.of(fx.git(dir, "rev-parse", "--absolute-git-dir")).resolve("prodigy-checkout"))
                .doesNotExist();
    }

    @Test
    void theMergedCommitsAreExactlyWhatTheRunLackedEvenWhenAnItemMergedAnotherItemsWork() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        String start = vc(run).head();
        Workspace a = iso.acquire(run, "a");
        Workspace b = iso.acquire(run, "b");
        Workspace c = iso.acquire(run, "c");
        fx.commit(a.directory(), "a.new", "a\n", "a's work");
        fx.commit(b.directory(), "b.new", "b\n", "b's work");
        // c takes a's and b's work into its own branch before it is merged
        fx.git(c.directory(), "merge", "-q", "--no-edit", a.branchName().orElseThrow());
        fx.git(c.directory(), "merge", "-q", "--no-edit", b.branchName().orElseThrow());
        fx.commit(c.directory(), "c.new", "c\n", "c's work");
        for (Workspace item : java.util.List.of(a, b, c)) {
            // the engine lists each item's commits since its base before it integrates it
            vc(item).changesSince(start);
        }

        for (Workspace item : java.util.List.of(a, b, c)) {
            String runHead = vc(run).head();
            String tip = vc(item).head();
            java.util.List<String> lacking = java.util.List.of(
                    fx.git(repo, "rev-list", "--reverse", tip, "--not", runHead).split("\n"));
            IntegrationResult r = iso.integrate(run, item);
            assertThat(r).isInstanceOf(IntegrationResult.Integrated.class);
            assertThat(((IntegrationResult.Integrated) r).commits())
                    .as("the commits of %s", item.branchName().orElseThrow())
                    .containsExactlyInAnyOrderElementsOf(lacking);
        }
        assertThat(iso.integrate(run, a))
                .as("integrating again")
                .isInstanceOf(IntegrationResult.NothingToIntegrate.class);
    }

    @Test
    void localChangesInTheRunWorktreeElsewhereSurviveTheCheckoutCatchingUp() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "item_0");
        fx.commit(item.directory(), "c.txt", "c\n", "add c");
        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.Integrated.class);
        Path root = fx.prodigyHome.resolve("worktrees/project/r1");
        GitFixture.write(root, "a.txt", "a local edit\n");

        Path dir = run.directory();

        assertThat(GitFixture.read(dir, "c.txt")).isEqualTo("c\n");
        assertThat(GitFixture.read(dir, "a.txt")).isEqualTo("a local edit\n");
        assertThat(fx.git(dir, "status", "--porcelain")).isEqualTo(" M a.txt");
    }

    @Test
    void aConflictGoesThroughTheWorktreeAfterTheCheckoutCaughtUpAndLaterMergesAreByRefAgain() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace x = iso.acquire(run, "x");
        Workspace y = iso.acquire(run, "y");
        Workspace z = iso.acquire(run, "z");
        fx.commit(x.directory(), "a.txt", "one\nTWO by x\nthree\n", "x edits");
        fx.commit(y.directory(), "a.txt", "one\nTWO by y\nthree\n", "y edits");
        fx.commit(z.directory(), "z.txt", "z\n", "z adds");
        assertThat(iso.integrate(run, x)).isInstanceOf(IntegrationResult.Integrated.class);
        String head = vc(run).head();

        IntegrationResult r = iso.integrate(run, y);

        assertThat(r).isInstanceOf(IntegrationResult.Conflict.class);
        assertThat(((IntegrationResult.Conflict) r).paths()).containsExactly("a.txt");
        assertThat(vc(run).head()).isEqualTo(head);
        Path root = fx.prodigyHome.resolve("worktrees/project/r1");
        assertThat(GitFixture.read(root, "a.txt"))
                .as("the checkout caught up before the merge in the worktree")
                .isEqualTo("one\nTWO by x\nthree\n");
        assertThat(fx.git(root, "status", "--porcelain")).isEmpty();

        assertThat(iso.integrate(run, z)).isInstanceOf(IntegrationResult.Integrated.class);
        assertThat(lastReflog(repo, "prodigy-r1")).isEqualTo("prodigy: merge item z");
        iso.release(x, false);
        iso.release(y, true);
        iso.release(z, false);
        iso.closeRun(run, RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nTWO by x\nthree\n");
        assertThat(GitFixture.read(repo, "z.txt")).isEqualTo("z\n");
    }

    @Test
    void aResumeBringsTheCheckoutTheCrashLeftBehindUpToTheBranch() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "item_0");
        fx.commit(item.directory(), "c.txt", "c\n", "add c");
        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.Integrated.class);
        Path root = fx.prodigyHome.resolve("worktrees/project/r1");
        Path record = Path.of(fx.git(root, "rev-parse", "--absolute-git-dir")).resolve("prodigy-checkout");
        assertThat(record).exists();
        fx.simulateCrash("project", "r1");

        fx.isolation().build().resumeRun(fx.context("r1", repo), root);

        assertThat(GitFixture.read(root, "c.txt")).isEqualTo("c\n");
        assertThat(fx.git(root, "status", "--porcelain")).isEmpty();
        assertThat(record).doesNotExist();
    }

    @Test
    void mergeInWorktreeMakesEveryItemMergeWithGitMerge() {
        WorktreeIsolation iso = fx.isolation().mergeInWorktree(true).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Path root = run.directory();
        Workspace item = iso.acquire(run, "item_0");
        fx.commit(item.directory(), "c.txt", "c\n", "add c");

        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.Integrated.class);

        assertThat(lastReflog(repo, "prodigy-r1")).startsWith("merge prodigy/r1/item_0");
        assertThat(GitFixture.read(root, "c.txt")).isEqualTo("c\n");
        assertThat(fx.git(repo, "log", "-1", "--format=%s", "prodigy-r1")).isEqualTo("Merge item item_0");
    }
}
