package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing worktrees, finding orphans and cleaning them without losing unmerged work. */
class WorktreesTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "a\n"));
    }

    @Test
    void cleaningRemovesOrphansButNeverUnmergedWorkUnlessForced() {
        WorktreeIsolation iso = fx.isolation().build();
        RunResult r = fx.engine(repo)
                .isolation(iso)
                .build()
                .run(
                        fx.mapOver(
                                "mixed",
                                MapPhase.builder()
                                        .input(WorkInput.values(List.of("worked", "gave-up", "crashed")))
                                        .idField(null)
                                        .maxParallel(1)
                                        .agentTemplate(
                                                Step.shell(
                                                        "case ${item.item} in "
                                                                + "worked) echo ok > ok.txt && git add -A && git commit -q -m ok ;; "
                                                                + "gave-up) exit 3 ;; "
                                                                + "crashed) echo half > half.txt && git add -A && git commit -q -m half && exit 4 ;; esac"))));
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(r.items())
                .extracting(i -> i.status())
                .containsExactly(ItemStatus.SUCCEEDED, ItemStatus.FAILED, ItemStatus.FAILED);
        assertThat(GitFixture.read(repo, "ok.txt")).isEqualTo("ok\n");

        Worktrees worktrees = Worktrees.of(iso);
        List<ManagedWorktree> orphans = worktrees.orphans();
        assertThat(orphans).hasSize(2).allSatisfy(w -> {
            assertThat(w.kind()).isEqualTo(ManagedWorktree.Kind.ITEM);
            assertThat(w.runId()).isEqualTo(r.runId());
            assertThat(w.kept()).isTrue();
            assertThat(w.live()).isFalse();
            assertThat(w.repository()).isEqualTo(repo);
        });
        ManagedWorktree crashed = orphans.stream()
                .filter(w -> w.branch().endsWith("/item_2"))
                .findFirst()
                .orElseThrow();
        assertThat(crashed.unmergedCommits()).isEqualTo(1);
        assertThat(crashed.holdsWork()).isTrue();
        ManagedWorktree gaveUp = orphans.stream()
                .filter(w -> w.branch().endsWith("/item_1"))
                .findFirst()
                .orElseThrow();
        assertThat(gaveUp.holdsWork()).isFalse();

        CleanupReport gentle = worktrees.clean(false);
        assertThat(gentle.removed()).extracting(ManagedWorktree::branch).containsExactly(gaveUp.branch());
        assertThat(gentle.skipped()).singleElement().satisfies(s -> {
            assertThat(s.worktree().branch()).isEqualTo(crashed.branch());
            assertThat(s.reason()).contains("1 commit(s) on no other branch");
        });
        assertThat(crashed.path()).exists();
        assertThat(fx.git(repo, "show", crashed.branch() + ":half.txt")).isEqualTo("half");

        CleanupReport forced = worktrees.clean(true);
        assertThat(forced.removed()).extracting(ManagedWorktree::branch).containsExactly(crashed.branch());
        assertThat(worktrees.list()).isEmpty();
        assertThat(fx.branches(repo)).containsExactly("main");
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
        assertThat(fx.prodigyHome.resolve("worktrees/project")).isEmptyDirectory();
    }

    @Test
    void aLiveRunIsNoOrphanAndADeadOnesRunWorktreeWithCommitsIsKept() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace live = iso.openRun(fx.context("live", repo));
        Workspace item = iso.acquire(live, "busy");
        Worktrees worktrees = Worktrees.of(iso);

        assertThat(worktrees.list())
                .extracting(ManagedWorktree::kind, ManagedWorktree::live)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ManagedWorktree.Kind.RUN, true),
                        org.assertj.core.groups.Tuple.tuple(ManagedWorktree.Kind.ITEM, true));
        assertThat(worktrees.orphans()).isEmpty();
        assertThat(worktrees.clean(true).removed()).isEmpty();
        assertThat(item.directory()).exists();

        fx.commit(live.directory(), "setup.txt", "s\n", "setup work");
        iso.release(item, false);
        iso.closeRun(live, RunStatus.CANCELLED);
        List<ManagedWorktree> orphans = worktrees.orphans();
        assertThat(orphans).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(ManagedWorktree.Kind.RUN);
            assertThat(w.branch()).isEqualTo("prodigy-live");
            assertThat(w.unmergedCommits()).isEqualTo(1);
        });
        assertThat(worktrees.clean(false).skipped()).hasSize(1);
        assertThat(live.directory()).exists();
    }

    @Test
    void aBranchLeftWithoutItsWorktreeIsFoundAndCleanedWhenMerged() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace item = iso.acquire(run, "i");
        fx.commit(item.directory(), "i.txt", "i\n", "item");
        assertThat(iso.integrate(run, item)).isInstanceOf(IntegrationResult.Integrated.class);
        // the process dies after the merge, before the release, and the item's directory is lost
        fx.git(repo, "worktree", "remove", "--force", item.directory().toString());
        fx.simulateCrash("project", "r1");

        Worktrees worktrees = Worktrees.of(iso);
        assertThat(worktrees.orphans())
                .extracting(ManagedWorktree::kind, ManagedWorktree::branch, ManagedWorktree::unmergedCommits)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ManagedWorktree.Kind.RUN, "prodigy-r1", 2),
                        org.assertj.core.groups.Tuple.tuple(ManagedWorktree.Kind.ITEM, "prodigy/r1/i", 0));
        CleanupReport report = worktrees.clean(false);
        assertThat(report.removed()).extracting(ManagedWorktree::branch).containsExactly("prodigy/r1/i");
        assertThat(fx.branches(repo)).containsExactlyInAnyOrder("main", "prodigy-r1");
    }
}
