package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.git.MergePlan;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run: sweeps the item worktrees, merges the run's branch back into the user's branch (after asking
 * the confirmation hook, and through the workflow's merge steps when it has some), then removes the run's worktree
 * and branch once their work is safely on the user's branch.
 *
 * <p>The user's branch only ever moves by a fast-forward: to the run's branch itself, or to a merge commit made
 * in a temporary worktree when the user's branch moved during the run and the merge is clean. In the user's
 * working tree that is a {@code git merge --ff-only}, which git refuses (changing nothing) when local changes are
 * in the way. Any refusal or conflict leaves the run's branch intact and throws an {@link IsolationException}
 * whose message lists the git commands that finish the merge by hand.
 */
public final class FinalMerge {
    private static final Logger LOG = LoggerFactory.getLogger(FinalMerge.class);

    private final RunWorktree run;
    private final GitCli git;
    private final String source;
    private final String target;

    private FinalMerge(RunWorktree run) {
        this.run = run;
        this.git = run.git();
        this.source = run.branch();
        this.target = run.file().targetBranch();
    }

    /**
     * Closes a run.
     *
     * @param run the run
     * @param status how it ended; only {@code SUCCEEDED} and {@code COMPLETED_WITH_FAILURES} merge back, any other
     *               status keeps the run's worktree for a resume
     * @param steps the workflow's merge steps
     * @throws IsolationException if merging back failed (the run's work is intact; the message says how to finish)
     * @throws InterruptedException if interrupted in the merge steps
     */
    public static void close(RunWorktree run, RunStatus status, MergeSteps steps) throws InterruptedException {
        // item merges move the run's branch without its checkout: the merge steps, the dirty check and a kept
        // worktree must see the branch's files
        WorktreeOps.uninterrupted(run::syncCheckout);
        new FinalMerge(run).close(status, steps);
    }

    private void close(RunStatus status, MergeSteps steps) throws InterruptedException {
        boolean merged = false;
        try {
            WorktreeOps.uninterrupted(() -> {
                // a process of this run killed while it moved the user's branch left git's locks there
                FastForwardIntent.read(run.repoDir(), run.file().runKey())
                        .ifPresent(left -> left.clearLocks(run.context().runId(), FastForwardIntent.LOCK_WAIT));
                String tip = WorktreeOps.branchTip(git, run.root(), source);
                if (tip != null) {
                    run.agents().sweep(tip);
                }
            });
            if (status == RunStatus.SUCCEEDED || status == RunStatus.COMPLETED_WITH_FAILURES) {
                merged = mergeBack(steps);
            } else {
                LOG.info(
                        "Run {} ended {}: its work stays on branch {} in {}; resume the run, or merge it by hand "
                                + "with: cd {} && git merge {}",
                        run.context().runId(),
                        status,
                        source,
                        run.root(),
                        Names.shellQuote(run.repo().topLevel().toString()),
                        source);
            }
        } finally {
            boolean done = merged;
            WorktreeOps.uninterrupted(() -> finish(done));
        }
    }

    /** @return whether the run's work is now on the target branch */
    private boolean mergeBack(MergeSteps steps) throws InterruptedException {
        String srcTip = WorktreeOps.branchTip(git, run.root(), source);
        String tgtTip = WorktreeOps.branchTip(git, run.root(), target);
        if (srcTip == null) {
            throw new IsolationException("the run's branch " + source + " is gone, so there is nothing to merge back");
        }
        if (tgtTip == null) {
            throw new IsolationException("your branch '" + target + "' no longer exists, so the run's work could not "
                    + "be merged back. It is intact on branch " + source + " (worktree " + run.root() + "). To keep it "
                    + "under your branch's name: git branch " + target + " " + source);
        }
        if (WorktreeOps.isAncestor(git, run.root(), srcTip, tgtTip)) {
            LOG.info(
                    "Run {}: nothing to merge back, {} already contains everything on {}",
                    run.context().runId(),
                    target,
                    source);
            return true;
        }
        List<String> dirty = WorktreeOps.dirtyPaths(git, run.root());
        if (!dirty.isEmpty()) {
            LOG.warn(
                    "The run's worktree {} has uncommitted changes ({} path(s), e.g. {}); only committed work is "
                            + "merged back, and the worktree is kept",
                    run.root(),
                    dirty.size(),
                    dirty.get(0));
        }
        List<String> commits = commitsBetween(tgtTip, srcTip);
        boolean fastForward = WorktreeOps.isAncestor(git, run.root(), tgtTip, srcTip);
        MergePlan plan = new MergePlan(
                run.context().runId(), run.repo().topLevel(), source, target, commits, fastForward, run.root());
        if (!run.settings().confirmation().confirm(plan)) {
            LOG.info(
                    "Run {}: merging back was declined; the work stays on branch {} ({} commit(s)). To merge it "
                            + "later:\n{}",
                    run.context().runId(),
                    source,
                    commits.size(),
                    commands(fastForward, List.of()));
            return false;
        }
        if (!steps.isEmpty()) {
            boolean ok = steps.run(MergeVariables.of(
                    run.root(),
                    source,
                    target,
                    run.context().runId(),
                    commits,
                    GitVersionControl.lines(
                            git.output(run.root(), "diff", "--name-only", "--no-renames", tgtTip + "..." + srcTip))));
            if (!ok) {
                throw byHand("the workflow's merge steps failed", fastForward, List.of());
            }
            srcTip = WorktreeOps.branchTip(git, run.root(), source);
            tgtTip = WorktreeOps.branchTip(git, run.root(), target);
            if (srcTip == null || tgtTip == null) {
                throw new IsolationException("the workflow's merge steps removed branch "
                        + (srcTip == null ? source : target) + "; nothing was merged back");
            }
            if (WorktreeOps.isAncestor(git, run.root(), srcTip, tgtTip)) {
                LOG.info(
                        "Run {}: the merge steps merged {} into {}",
                        run.context().runId(),
                        source,
                        target);
                return true;
            }
            fastForward = WorktreeOps.isAncestor(git, run.root(), tgtTip, srcTip);
            commits = commitsBetween(tgtTip, srcTip);
        }
        String result = fastForward ? srcTip : mergeCommit(tgtTip);
        apply(result, tgtTip, fastForward);
        LOG.info(
                "Run {}: merged {} commit(s) from {} into {} ({})",
                run.context().runId(),
                commits.size(),
                source,
                target,
                fastForward ? "fast-forward" : "merge commit " + RunWorktree.abbrev(result));
        return true;
    }

    private List<String> commitsBetween(String from, String to) {
        return GitVersionControl.lines(git.output(run.root(), "rev-list", "--reverse", to, "--not", from));
    }

    /** Makes the merge commit in a temporary worktree at the target's tip; throws with the conflicts if any. */
    private String mergeCommit(String tgtTip) {
        Path tmp = run.repoDir().resolve(run.file().runKey() + ".merge");
        WorktreeOps.removeWorktree(git, run.repo(), tmp);
        WorktreeOps.addDetachedWorktree(git, run.repo(), tmp, tgtTip);
        try {
            String message =
                    "Merge prodigy run " + Names.printable(run.context().runId()) + " into " + target + "\n\nWorkflow: "
                            + Names.printable(run.context().workflowName()) + "\nBranch: " + source + "\n";
            GitCli.Result r = git.run(tmp, List.of("merge", "--no-ff", "--no-edit", "-m", message, source));
            if (r.ok()) {
                return git.output(tmp, "rev-parse", "--verify", "HEAD");
            }
            List<String> conflicts = WorktreeOps.merging(git, tmp) ? WorktreeOps.unmergedPaths(git, tmp) : List.of();
            throw byHand(
                    "your branch '" + target + "' moved since the run started (it was at "
                            + RunWorktree.abbrev(run.file().startCommit()) + ", now " + RunWorktree.abbrev(tgtTip)
                            + ") and "
                            + (conflicts.isEmpty()
                                    ? "merging failed: " + r.message()
                                    : "merging conflicts in " + String.join(", ", conflicts)),
                    false,
                    conflicts);
        } finally {
            WorktreeOps.removeWorktree(git, run.repo(), tmp);
        }
    }

    /** Moves the target branch to {@code commit}, which descends from {@code tgtTip}. */
    private void apply(String commit, String tgtTip, boolean fastForward) {
        Optional<Repository.WorktreeEntry> checkedOut = run.repo().checkedOut(git, target);
        Path wt = checkedOut.map(Repository.WorktreeEntry::path).orElse(null);
        Path repoDir = run.repoDir();
        String runKey = run.file().runKey();
        if (wt != null) {
            FastForwardIntent.read(repoDir, runKey)
                    .ifPresent(left -> left.stageWrittenFiles(git, run.context().runId()));
        }
        Path gitDir = wt == null ? null : Path.of(git.output(wt, "rev-parse", "--absolute-git-dir"));
        new FastForwardIntent(wt, gitDir, run.repo().commonDir(), "refs/heads/" + target, tgtTip, commit, Instant.now())
                .write(repoDir, runKey);
        try {
            move(wt, commit, tgtTip, fastForward);
        } finally {
            FastForwardIntent.delete(repoDir, runKey);
        }
    }

    private void move(Path wt, String commit, String tgtTip, boolean fastForward) {
        if (wt != null) {
            GitCli.Result r = git.run(wt, List.of("merge", "--ff-only", "--quiet", commit));
            if (!r.ok()) {
                String msg = r.message();
                boolean local = msg.contains("would be overwritten")
                        || msg.contains("local changes")
                        || msg.contains("untracked working tree files");
                throw byHand(
                        local
                                ? "your working tree " + wt + " has uncommitted changes to files the merge would "
                                        + "write (git said: " + firstLines(msg) + ")"
                                : "git refused to update your branch '" + target + "' in " + wt + ": "
                                        + firstLines(msg),
                        fastForward,
                        List.of(),
                        local);
            }
        } else {
            GitCli.Result r = git.run(
                    run.root(),
                    List.of(
                            "update-ref",
                            "-m",
                            "prodigy: merge run "
                                    + Names.printable(run.context().runId()),
                            "refs/heads/" + target,
                            commit,
                            tgtTip));
            if (!r.ok()) {
                throw byHand(
                        "your branch '" + target + "' changed while merging: " + firstLines(r.message()),
                        fastForward,
                        List.of());
            }
        }
    }

    private IsolationException byHand(String reason, boolean fastForward, List<String> conflicts) {
        return byHand(reason, fastForward, conflicts, false);
    }

    private IsolationException byHand(String reason, boolean fastForward, List<String> conflicts, boolean stash) {
        String text = "Could not merge the work of run " + run.context().runId() + " back into '" + target + "': "
                + reason + ".\nYour branch and working tree were left as they were; the run's work is intact on "
                + "branch " + source + " (worktree " + run.root() + ").\nTo finish by hand:\n"
                + commands(fastForward, conflicts, stash);
        return new IsolationException(text);
    }

    private String commands(boolean fastForward, List<String> conflicts) {
        return commands(fastForward, conflicts, false);
    }

    /** The shell commands that merge the run's branch by hand and clean up after it. */
    private String commands(boolean fastForward, List<String> conflicts, boolean stash) {
        Optional<Repository.WorktreeEntry> checkedOut = run.repo().checkedOut(git, target);
        Path where =
                checkedOut.map(Repository.WorktreeEntry::path).orElse(run.repo().topLevel());
        StringBuilder sb = new StringBuilder();
        sb.append("  cd ").append(Names.shellQuote(where.toString())).append('\n');
        if (checkedOut.isEmpty()) {
            sb.append("  git switch ").append(target).append('\n');
        }
        if (stash) {
            sb.append("  git stash push --include-untracked\n");
        }
        sb.append(fastForward ? "  git merge --ff-only " : "  git merge --no-ff ")
                .append(source)
                .append('\n');
        if (!conflicts.isEmpty()) {
            sb.append("  # resolve the conflicts in ")
                    .append(String.join(", ", conflicts))
                    .append(", then: git add -A && git commit --no-edit\n");
        }
        if (stash) {
            sb.append("  git stash pop\n");
        }
        if (!run.file().dedicated()) {
            sb.append("  git worktree remove ")
                    .append(Names.shellQuote(run.root().toString()))
                    .append('\n');
            sb.append("  git branch -d ").append(source);
        }
        return sb.toString();
    }

    private static String firstLines(String message) {
        String[] lines = message.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(lines.length, 6); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(lines[i].strip());
        }
        return sb.toString();
    }

    /** Removes the run's worktree and branch once merged (never a dedicated one, nor one with local changes). */
    private void finish(boolean merged) {
        boolean worktreeGone = false;
        if (merged && !run.file().dedicated()) {
            try {
                String srcTip = WorktreeOps.branchTip(git, run.repo().topLevel(), source);
                String tgtTip = WorktreeOps.branchTip(git, run.repo().topLevel(), target);
                boolean safe = srcTip == null
                        || (tgtTip != null
                                && WorktreeOps.isAncestor(git, run.repo().topLevel(), srcTip, tgtTip));
                if (safe && WorktreeOps.dirtyPaths(git, run.root()).isEmpty()) {
                    WorktreeOps.removeWorktree(git, run.repo(), run.root());
                    WorktreeOps.deleteBranch(git, run.repo(), source);
                    worktreeGone = true;
                }
            } catch (RuntimeException e) {
                LOG.warn(
                        "Run {}: could not remove its worktree {}: {}",
                        run.context().runId(),
                        run.root(),
                        e.getMessage());
            }
        }
        if (merged) {
            FastForwardIntent.delete(run.repoDir(), run.file().runKey());
        }
        if (worktreeGone && !run.agents().anyLeft()) {
            run.file().delete(run.repoDir());
        } else {
            run.update(run.file().withOpen(false));
        }
    }
}
