package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.git.ConflictResolution;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges items' branches into the run's worktree, one at a time: {@code git merge --no-ff} with a commit per
 * item. A conflict goes to the configured {@link ConflictResolution}; whatever happens, the run's worktree is never
 * left in the middle of a merge, and its branch only moves forward by a complete merge.
 */
public final class Integrator {
    private static final Logger LOG = LoggerFactory.getLogger(Integrator.class);
    /** Files larger than this are not scanned for conflict markers. */
    private static final long MARKER_SCAN_LIMIT = 8L << 20;

    private final RunWorktree run;
    private final GitCli git;
    private volatile MergedTips mergedTips;

    /** The item tips merged into the run branch, as of one run HEAD. */
    private record MergedTips(String head, Set<String> tips) {
    }

    /** @param run the run whose worktree items merge into */
    public Integrator(RunWorktree run) {
        this.run = run;
        this.git = run.git();
    }

    /**
     * Brings an item's commits into the run: nothing if its branch is already contained in the run's branch (so a
     * repeated call is a no-op), otherwise a {@code --no-ff} merge commit.
     *
     * @param item the item's worktree
     * @return what happened
     * @throws IsolationException if git fails or refuses to merge for a reason other than a conflict
     */
    public synchronized IntegrationResult integrate(ItemWorktree item) {
        Path root = run.root();
        String itemTip = WorktreeOps.branchTip(git, root, item.branch());
        if (itemTip == null) {
            throw new IsolationException("the branch " + item.branch() + " of item " + item.itemId()
                    + " does not exist any more, so its work cannot be merged");
        }
        if (!item.onItsBranch()) {
            throw new IsolationException("the worktree of item " + item.itemId() + " (" + item.root() + ") is no "
                    + "longer on its branch " + item.branch() + " - a step switched branches or detached HEAD - so "
                    + "which work to merge is unclear; commit on " + item.branch() + " instead");
        }
        warnIfUncommitted(item);
        if (run.merging()) {
            LOG.warn("The run's worktree {} was in the middle of a merge; aborting it first", root);
            git.output(root, "merge", "--abort");
        }
        String runHead = run.versionControl().orElseThrow().head();
        List<String> commits = GitVersionControl.lines(git.output(root, "rev-list", "--reverse", itemTip,
                "--not", runHead));
        if (commits.isEmpty()) {
            LOG.debug("Item {}: nothing to merge, its branch is contained in {}", item.itemId(), run.branch());
            item.integrated(itemTip);
            return new IntegrationResult.NothingToIntegrate();
        }
        String message = "Merge item " + Names.printable(item.itemId()) + "\n\nBranch: " + item.branch()
                + "\nProdigy-Run: " + run.context().runId() + "\nProdigy-Item: " + Names.printable(item.itemId())
                + "\n";
        GitCli.Result r = git.run(root, List.of("merge", "--no-ff", "--no-edit", "-m", message, item.branch()));
        if (r.ok()) {
            LOG.info("Merged item {} ({} commit(s)) into {}", item.itemId(), commits.size(), run.branch());
            item.integrated(itemTip);
            return new IntegrationResult.Integrated(commits);
        }
        if (!run.merging()) {
            resetTo(runHead);
            throw new IsolationException("git refused to merge item " + item.itemId() + " into the run's worktree "
                    + root + ": " + r.message() + " - uncommitted changes in the run's worktree are in the way; "
                    + "commit them in the steps that make them");
        }
        List<String> conflicts = WorktreeOps.unmergedPaths(git, root);
        if (conflicts.isEmpty()) {
            resetTo(runHead);
            throw new IsolationException("merging item " + item.itemId() + " into " + run.branch() + " stopped: "
                    + r.message());
        }
        LOG.info("Merging item {} into {} conflicts in {}", item.itemId(), run.branch(), conflicts);
        return resolve(item, runHead, itemTip, commits, conflicts, message);
    }

    private IntegrationResult resolve(ItemWorktree item, String runHead, String itemTip, List<String> commits,
                                      List<String> conflicts, String message) {
        ConflictResolution how = run.settings().conflicts();
        String what = "merging item " + item.itemId() + " (branch " + item.branch() + ") into the run's branch "
                + run.branch();
        if (how instanceof ConflictResolution.DeadLetter) {
            resetTo(runHead);
            return new IntegrationResult.Conflict(conflicts, what + " conflicts; the merge was aborted and the item's "
                    + "work is on its branch");
        }
        Map<String, String> vars = new LinkedHashMap<>(MergeVariables.of(run.root(), item.branch(), run.branch(),
                run.context().runId(), commits, changedFiles(runHead, itemTip)));
        vars.put("merge.item_id", item.itemId());
        vars.put("merge.conflicts", String.join(" ", conflicts));
        boolean ok;
        String detail;
        try {
            if (how instanceof ConflictResolution.Agent agent) {
                AgentRunner runner = run.context().agentRunner();
                if (runner == null) {
                    resetTo(runHead);
                    return new IntegrationResult.Conflict(conflicts, what + " conflicts, and the conflict-resolving "
                            + "agent cannot run: the engine has no agent runner");
                }
                AgentResult result = runner.run(new AgentRequest(MergeVariables.fill(agent.command(), vars),
                        run.directory(), MergeVariables.environment(vars), agent.timeout(), run.context().runId(),
                        item.itemId(), "resolve merge conflict", run.context().stateDirectory(), null));
                ok = result.success();
                detail = ok ? "" : "the resolving agent failed: " + result.errorMessage();
            } else {
                MergeSteps steps = run.context().mergeSteps();
                if (steps.isEmpty()) {
                    resetTo(runHead);
                    return new IntegrationResult.Conflict(conflicts, what + " conflicts, and the workflow has no "
                            + "merge steps to resolve it");
                }
                ok = steps.run(vars);
                detail = ok ? "" : "the merge steps failed";
            }
        } catch (InterruptedException e) {
            resetTo(runHead);
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while resolving the conflict of " + what, e);
        } catch (RuntimeException e) {
            ok = false;
            detail = "the resolver failed: " + e.getMessage();
        }
        String failure = ok ? finishResolution(runHead, itemTip, conflicts, message) : detail;
        if (failure != null) {
            resetTo(runHead);
            LOG.warn("Could not resolve the conflict of {}: {}", what, failure);
            return new IntegrationResult.Conflict(conflicts, what + " conflicts and was not resolved (" + failure
                    + "); the merge was aborted");
        }
        LOG.info("Resolved the conflict of item {} in {}", item.itemId(), conflicts);
        item.integrated(itemTip);
        return new IntegrationResult.Integrated(commits);
    }

    /** @return null when the merge is now complete, else why not */
    private String finishResolution(String runHead, String itemTip, List<String> conflicts, String message) {
        Path root = run.root();
        GitCli.Result branch = git.run(root, List.of("symbolic-ref", "--quiet", "HEAD"));
        if (!branch.ok() || !("refs/heads/" + run.branch()).equals(branch.line())) {
            return "the resolver left the run's worktree off its branch " + run.branch();
        }
        if (run.merging()) {
            git.output(root, "add", "-A");
            List<String> unmerged = WorktreeOps.unmergedPaths(git, root);
            if (!unmerged.isEmpty()) {
                return "still unmerged: " + String.join(", ", unmerged);
            }
            List<String> marked = withConflictMarkers(root, conflicts);
            if (!marked.isEmpty()) {
                return "conflict markers are left in " + String.join(", ", marked);
            }
            GitCli.Result commit = git.run(root, List.of("commit", "--quiet", "--no-edit", "-m", message));
            if (!commit.ok()) {
                return "committing the resolved merge failed: " + commit.message();
            }
        }
        String head = run.versionControl().orElseThrow().head();
        if (!WorktreeOps.isAncestor(git, root, itemTip, head) || !WorktreeOps.isAncestor(git, root, runHead, head)) {
            return "the resolver ended the merge without merging the item's branch";
        }
        if (!WorktreeOps.dirtyPaths(git, root).isEmpty()) {
            LOG.warn("The conflict resolver left uncommitted changes in the run's worktree {}; they are not part of "
                    + "the merge", root);
        }
        return null;
    }

    /** Aborts any merge in progress and puts the run's branch and worktree back at {@code runHead}. */
    private void resetTo(String runHead) {
        Path root = run.root();
        if (run.merging()) {
            git.run(root, List.of("merge", "--abort"));
        }
        GitCli.Result branch = git.run(root, List.of("symbolic-ref", "--quiet", "HEAD"));
        if (!branch.ok() || !("refs/heads/" + run.branch()).equals(branch.line())) {
            git.output(root, "checkout", "--quiet", "--force", run.branch());
        }
        git.output(root, "reset", "--quiet", "--hard", runHead);
    }

    private List<String> changedFiles(String from, String to) {
        return GitVersionControl.lines(git.output(run.root(), "diff", "--name-only", "--no-renames",
                from + "..." + to));
    }

    private static List<String> withConflictMarkers(Path root, List<String> paths) {
        List<String> marked = new ArrayList<>();
        for (String p : paths) {
            Path file = root.resolve(p);
            try {
                if (!Files.isRegularFile(file) || Files.size(file) > MARKER_SCAN_LIMIT) {
                    continue;
                }
                try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                                .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ")) {
                            marked.add(p);
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debug("could not scan {} for conflict markers: {}", file, e.getMessage());
            }
        }
        return marked;
    }

    private void warnIfUncommitted(ItemWorktree item) {
        List<String> dirty = WorktreeOps.dirtyPaths(git, item.root());
        if (!dirty.isEmpty()) {
            LOG.warn("Item {} left uncommitted changes in {} ({} path(s), e.g. {}); only its commits are merged - "
                    + "commit in the step (or set auto_commit) to keep such changes", item.itemId(), item.root(),
                    dirty.size(), dirty.get(0));
        }
    }

    /**
     * Whether an item's branch was merged into the run's branch by an item merge: its tip is the second parent of a
     * merge commit on the run branch's first-parent history since the run started. An item branch that merely
     * points into the run's history (an item that made no commits yet) does not count.
     *
     * @param itemBranch the item's branch
     * @return whether it was merged
     */
    public boolean isMerged(String itemBranch) {
        String tip = WorktreeOps.branchTip(git, run.root(), itemBranch);
        if (tip == null) {
            return false;
        }
        String head = run.versionControl().orElseThrow().head();
        MergedTips known = mergedTips;
        if (known == null || !known.head().equals(head)) {
            Set<String> tips = new HashSet<>();
            String range = run.file().startCommit() == null ? head : head + " ^" + run.file().startCommit();
            List<String> args = new ArrayList<>(List.of("rev-list", "--first-parent", "--merges", "--parents"));
            args.addAll(List.of(range.split(" ")));
            GitCli.Result r = git.run(run.root(), args);
            if (!r.ok()) {
                throw GitCli.failure(run.root(), args, r);
            }
            for (String line : GitVersionControl.lines(r.stdout())) {
                String[] ids = line.split(" ");
                for (int i = 2; i < ids.length; i++) {
                    tips.add(ids[i]);
                }
            }
            known = new MergedTips(head, tips);
            mergedTips = known;
        }
        return known.tips().contains(tip);
    }
}
