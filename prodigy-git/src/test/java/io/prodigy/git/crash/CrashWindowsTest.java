package io.prodigy.git.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash windows the crash harness found, each pinned by a kill at the exact point (a git hook, the git wrapper
 * or the engine's crash-point seam in the child JVM), not by timing luck; each checks exactly-once from main's git
 * history.
 */
class CrashWindowsTest {
    private static final int ITEMS = 5;
    private static final Set<Integer> FAILING = Set.of(3);

    @TempDir
    Path tmp;

    /**
     * A git merge killed while it wrote the item's files into the run's worktree (no {@code MERGE_HEAD} yet) left
     * them there untracked: the resume ran the item again, git refused its merge ("untracked working tree files
     * would be overwritten") and the item went to the DLQ - missing from main.
     */
    @Test
    void aGitMergeKilledHalfWayIsUndoneByTheResumeAndTheItemLandsOnce() throws Exception {
        CrashScenario s = scenario("half-merge", "pooled", "git.wrapper", "merge.in.worktree");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s, armed("kill-in-merge", 2, "inside git merge 2"), null, new Random(1), Map.of());

        assertThat(o.killed()).as("the run was killed inside the merge").isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "half merge; " + o.childStderr());
    }

    /**
     * A git merge killed by a signal while the engine lives (a terminal's Ctrl-C reaches the whole process group)
     * used to fail its item - to the DLQ, not run again by a resume; now the merge is undone and made again.
     */
    @Test
    void aGitMergeKilledWhileTheEngineLivesIsUndoneAndMadeAgain() throws Exception {
        CrashScenario s = scenario("git-killed", "on-demand", "git.wrapper", "merge.in.worktree");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s,
                new CrashTrials.Kill(
                        CrashTrials.byHook("git merge 2 killed, the engine lives"),
                        Map.of(),
                        false,
                        base -> Files.writeString(base.resolve("kill-in-merge"), "2 git\n")),
                null,
                new Random(5),
                Map.of());

        assertThat(o.killed()).as("the engine was not killed").isFalse();
        assertThat(o.childStderr()).as("git was killed in the merge").contains("was stopped by a signal while merging");
        assertThat(o.firstEnd()).as(o.childStderr()).startsWith(RunStatus.COMPLETED_WITH_FAILURES.name());
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "git killed; " + o.childStderr());
    }

    /**
     * The sequence of the lost item (crash trial 15): killed right after a merge, before its journal record; the
     * first resume killed inside a git merge; the second resume must still bring every item exactly once.
     */
    @Test
    void killedAfterAMergeThenTheResumeKilledInsideAGitMergeEveryItemLandsOnce() throws Exception {
        CrashScenario s = scenario("double", "on-demand", "git.wrapper", "merge.in.worktree");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s,
                armed("kill-at-merge", 1, "post-merge hook (merge 1)"),
                armed("kill-in-merge", 1, "inside git merge 1"),
                new Random(2),
                Map.of());

        assertThat(o.kills()).as("both kills happened").hasSize(2);
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "double kill; " + o.childStderr());
    }

    /**
     * The reduce step killed right after its commit, before its journal record, and the first resume killed at the
     * same place of its own run of the step: the second resume undoes the resume's partial step as the first undid
     * the run's, and the reduce lands once.
     */
    @Test
    void aReduceKilledAfterItsCommitInTheRunAndAgainInTheResumeLandsOnce() throws Exception {
        CrashScenario s = scenario("reduce-twice", "on-demand");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s,
                armed("kill-at-commit", "reduce 1", "post-commit hook (reduce 1)"),
                armed("kill-at-commit", "reduce 2", "post-commit hook (reduce 2)"),
                new Random(6),
                Map.of());

        assertThat(o.kills()).as("both kills happened").hasSize(2);
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "reduce killed twice; " + o.childStderr());
    }

    /**
     * The killed run's git merge was still running (held in a hook) when the resume started: the resume must let it
     * end before it looks at the item (before this, git processes did not carry the run's id, so the resume neither
     * waited for nor stopped them, removed their live lock files and raced with them). The item merged by the
     * killed run's git is recognised by ancestry and is not run again.
     */
    @Test
    void aGitMergeTheKilledRunLeftRunningEndsBeforeTheResumeDecidesItsItem() throws Exception {
        heldMergeEndsBeforeTheResumeDecidesItsItem(scenario("held-merge", "pooled", "merge.in.worktree"));
    }

    /** As {@link #aGitMergeTheKilledRunLeftRunningEndsBeforeTheResumeDecidesItsItem()}, for a merge by update-ref. */
    @Test
    void anUpdateRefTheKilledRunLeftRunningEndsBeforeTheResumeDecidesItsItem() throws Exception {
        heldMergeEndsBeforeTheResumeDecidesItsItem(scenario("held-ref-merge", "reuse"));
    }

    private void heldMergeEndsBeforeTheResumeDecidesItsItem(CrashScenario s) throws Exception {
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s, armed("hold-merge", 2, "git merge 2 held in a hook"), null, new Random(3), Map.of());

        assertThat(o.killed()).isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "held merge; " + o.childStderr());
        String held = Files.readString(s.base.resolve("held-item")).strip();
        assertThat(held).startsWith("item_");
        java.util.List<String> dispatches = new java.util.ArrayList<>();
        try (io.prodigy.core.Prodigy prodigy = s.engine(null, false)) {
            prodigy.checkpoints().forEachEntry(CrashScenario.RUN_ID, e -> {
                if (e instanceof io.prodigy.api.spi.JournalEntry.ItemDispatched d
                        && d.itemId().equals(held)) {
                    dispatches.add(d.itemId());
                }
            });
        }
        assertThat(dispatches)
                .as("dispatches of " + held + ", whose merge the killed run's git finished")
                .hasSize(1);
    }

    /**
     * A branch deletion killed with the run's process group left the repository's {@code packed-refs.lock}: every
     * later branch deletion - the resume's discard of a stale attempt, the user's own - failed on it, and the resume
     * ended FAILED (found by the crash harness under load).
     */
    @Test
    void aBranchDeletionKilledHoldingPackedRefsLockDoesNotStopTheResume() throws Exception {
        CrashScenario s = scenario("packed-refs", "on-demand", "git.wrapper");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s,
                new CrashTrials.Kill(
                        CrashTrials.byHook("inside git branch -D 2"),
                        Map.of(),
                        false,
                        base -> Files.writeString(base.resolve("kill-in-branch-delete"), "2\n")),
                null,
                new Random(4),
                Map.of());

        assertThat(o.killed()).isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "packed-refs.lock; " + o.childStderr());
        assertThat(s.repo.resolve(".git/packed-refs.lock")).doesNotExist();
    }

    /**
     * A merge by update-ref killed with the engine after its merge commit was made but before the run's branch
     * moved: the resume sees the branch where it was, runs the item again, and it lands once.
     */
    @Test
    void aMergeByUpdateRefKilledBeforeTheBranchMovesLandsOnce() throws Exception {
        CrashScenario s = scenario("before-update-ref", "pooled", "git.wrapper");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s, armed("kill-at-update-ref", 2, "before update-ref of merge 2"), null, new Random(6), Map.of());

        assertThat(o.killed()).as("the run was killed before the branch moved").isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "before update-ref; " + o.childStderr());
    }

    /**
     * A merge by update-ref killed with the engine right after the run's branch moved, before the engine journaled
     * it (and with the run's worktree behind its branch): the resume recognises the item as merged, brings the
     * worktree up to the branch, and the item lands once.
     */
    @Test
    void aMergeByUpdateRefKilledAfterTheBranchMovedLandsOnce() throws Exception {
        CrashScenario s = scenario("after-update-ref", "on-demand");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s, armed("kill-at-merge", 2, "reference-transaction hook (merge 2)"), null, new Random(7), Map.of());

        assertThat(o.killed()).as("the run was killed after the branch moved").isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "after update-ref; " + o.childStderr());
    }

    /**
     * The run's worktree being brought up to its branch (after merges by update-ref) killed half way - some files
     * written, the index not, {@code index.lock} left: the resume finishes it, and every item lands once.
     */
    @Test
    void aCheckoutSyncKilledHalfWayIsFinishedByTheResume() throws Exception {
        CrashScenario s = scenario("half-sync", "reuse", "git.wrapper");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s, armed("kill-in-sync", 1, "inside read-tree 1"), null, new Random(8), Map.of());

        assertThat(o.killed()).as("the run was killed inside the sync").isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "half sync; " + o.childStderr());
    }

    /**
     * A kill inside the fast-forward of the user's branch, in the user's own checkout, leaves git's
     * {@code ORIG_HEAD.lock} and {@code index.lock} there and the files it had written: the resume removes the locks
     * its killed process made, stages the files that hold exactly what the move writes, and finishes the move (found
     * by the crash suite in CI: a kill of the process group during the final merge failed every resume on
     * {@code ORIG_HEAD.lock}).
     */
    @Test
    void aFinalMergeKilledInTheUsersCheckoutIsFinishedByTheResume() throws Exception {
        CrashScenario s = scenario("half-final", "reuse", "git.wrapper");
        CrashTrials.Outcome o = CrashTrials.crashAndResume(
                s,
                armed("kill-in-final-merge", 1, "inside the final git merge --ff-only"),
                null,
                new Random(9),
                Map.of());

        assertThat(o.killed()).as("the run was killed inside the final merge").isTrue();
        assertThat(o.resumed().status())
                .as(o.resumed().failure() + "\n" + o.childStderr())
                .isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        MapReduceCrashTest.verify(s, ITEMS, new TreeSet<>(FAILING), "half final merge; " + o.childStderr());
        assertThat(s.repo.resolve(".git/ORIG_HEAD.lock")).doesNotExist();
        assertThat(s.repo.resolve(".git/index.lock")).doesNotExist();
    }

    /** @param flags the spec's switches to turn on ({@code git.wrapper}, {@code merge.in.worktree}) */
    private CrashScenario scenario(String name, String mode, String... flags) throws Exception {
        Properties spec = CrashTrials.spec("mapreduce");
        spec.setProperty("items", String.valueOf(ITEMS));
        spec.setProperty("failing", "3");
        spec.setProperty("mode", mode);
        for (String flag : flags) {
            spec.setProperty(flag, "true");
        }
        Path base = tmp.resolve(name);
        Files.createDirectories(base);
        return CrashScenario.create(base, spec);
    }

    private static CrashTrials.Kill armed(String file, int merge, String where) {
        return armed(file, String.valueOf(merge), where);
    }

    private static CrashTrials.Kill armed(String file, String what, String where) {
        return new CrashTrials.Kill(
                CrashTrials.byHook(where), Map.of(), false, base -> Files.writeString(base.resolve(file), what + "\n"));
    }
}
