package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.api.Step;
import io.prodigy.api.StepRecord;
import io.prodigy.api.spi.ConflictResolver;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.git.ConflictResolution;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges items' branches into the run's branch, one at a time, with a merge commit per item. With git 2.38 or
 * later a merge is made without the run's worktree: {@code git merge-tree --write-tree} computes it, {@code git
 * commit-tree} makes the commit and {@code git update-ref} moves the branch from the head it was computed on (the
 * worktree's files follow later, when something uses them: see {@link RunCheckout}). A merge that conflicts, that
 * git refuses, or an older git, goes through {@code git merge --no-ff} in the run's worktree, and a conflict there
 * to the configured {@link ConflictResolution}; whatever happens, the run's worktree is never left in the middle of a
 * merge, and its branch only moves forward by a complete merge.
 */
public final class Integrator {
    private static final Logger LOG = LoggerFactory.getLogger(Integrator.class);
    /** The name of the conflict-resolving agent's step in events and step records. */
    static final String RESOLVING_STEP = "resolve merge conflict";
    /** Files larger than this are not scanned for conflict markers. */
    private static final long MARKER_SCAN_LIMIT = 8L << 20;

    private final RunWorktree run;
    private final GitCli git;
    private final RunCheckout checkout;
    private volatile MergedTips mergedTips;
    private volatile Boolean mergeTree;
    /** The lowest exit status of a process that died of a signal (128 + the signal's number, SIGHUP is 1). */
    private static final int SIGNALLED = 129;

    /** The item tips merged into the run branch, as of one run HEAD. */
    private record MergedTips(String head, Set<String> tips) {}

    /** How many of the merges made here are remembered in {@link #madeHere}. */
    private static final int REMEMBERED_MERGES = 512;

    /**
     * The run heads made here by merges without the worktree (the most recent ones), each with the head it was made
     * on and the commits it brought into the run: what the run's history gained since an item's base, without
     * asking git. Guarded by this.
     */
    private final Map<String, MergeStep> madeHere = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MergeStep> eldest) {
            return size() > REMEMBERED_MERGES;
        }
    };

    /** One merge made here: {@code before} is its first parent, {@code brought} the item's commits it merged. */
    private record MergeStep(String before, Set<String> brought) {}

    /** @param run the run whose worktree items merge into */
    public Integrator(RunWorktree run) {
        this.run = run;
        this.git = run.git();
        this.checkout = new RunCheckout(run);
    }

    /** Brings the run worktree's files up to its branch if merges by ref moved it (see {@link RunCheckout}). */
    void syncCheckout() {
        if (checkout.stale()) {
            synchronized (this) {
                checkout.sync();
            }
        }
    }

    /** @return whether merges can be made without the worktree ({@code git merge-tree --write-tree}, git 2.38) */
    private boolean mergesByRef() {
        Boolean known = mergeTree;
        if (known == null) {
            known = !run.settings().mergeInWorktree() && git.atLeast(2, 38);
            mergeTree = known;
        }
        return known;
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
        String itemTip = run.branchTip(item.branch());
        if (itemTip == null) {
            throw new IsolationException("the branch " + item.branch() + " of item " + item.itemId()
                    + " does not exist any more, so its work cannot be merged");
        }
        if (!item.onItsBranch()) {
            throw new IsolationException("the worktree of item " + item.itemId() + " (" + item.root() + ") is no "
                    + "longer on its branch " + item.branch() + " - a step switched branches or detached HEAD - so "
                    + "which work to merge is unclear; commit on " + item.branch() + " instead");
        }
        if (item.slot() == null) {
            // a reused worktree's release reads its status anyway, and warns then
            warnIfUncommitted(item, WorktreeOps.dirtyPaths(git, item.root()));
        }
        if (run.merging()) {
            LOG.warn("The run's worktree {} was in the middle of a merge; aborting it first", root);
            git.output(root, "merge", "--abort");
        }
        String runHead = run.versionControl().orElseThrow().head();
        List<String> commits = knownCommits(item, runHead, itemTip);
        if (commits == null) {
            commits = GitVersionControl.lines(git.output(root, "rev-list", "--reverse", itemTip, "--not", runHead));
        }
        if (commits.isEmpty()) {
            LOG.debug("Item {}: nothing to merge, its branch is contained in {}", item.itemId(), run.branch());
            item.integrated(itemTip);
            return new IntegrationResult.NothingToIntegrate();
        }
        if (mergesByRef()) {
            IntegrationResult byRef = mergeByRef(item, runHead, itemTip, commits);
            if (byRef != null) {
                return byRef;
            }
            // a conflict, or git refused: the merge in the worktree finds out again and handles it as ever
        }
        checkout.sync();
        MergeIntent intent = new MergeIntent(runHead, item.itemId(), itemTip, MergeIntent.IN_WORKTREE);
        for (int attempt = 1; ; attempt++) {
            intent.write(run.gitDir());
            boolean known = false;
            try {
                IntegrationResult result = merge(item, runHead, itemTip, commits);
                known = true;
                return result;
            } catch (MergeKilledException e) {
                if (!runHead.equals(run.versionControl().orElseThrow().head())) {
                    // killed after it committed (in a post-merge hook, say): the merge is made
                    if (run.merging()) {
                        git.run(root, List.of("merge", "--abort"));
                    }
                    known = true;
                    LOG.info(
                            "Merged item {} ({} commit(s)) into {}; git was stopped after it committed the merge",
                            item.itemId(),
                            commits.size(),
                            run.branch());
                    item.integrated(itemTip);
                    return new IntegrationResult.Integrated(commits);
                }
                // the killed git's lock files: merges into the run's worktree are made one at a time, here, so no
                // other git command holds them
                RunWorktree.clearStaleLocks(
                        git,
                        root,
                        run.context().runId(),
                        run.branch(),
                        run.file().runKey(),
                        false);
                rollBack(intent);
                known = true;
                if (attempt >= 2) {
                    throw new IsolationException(
                            "git was stopped by a signal twice while merging item "
                                    + item.itemId() + " (" + e.getMessage()
                                    + "); the run's worktree was put back as it was "
                                    + "before the merge",
                            e);
                }
                // a signal meant for someone else (a terminal's Ctrl-C reaches the whole process group): the item's
                // work is fine, so it is not failed for it
                LOG.warn(
                        "git was stopped by a signal while merging item {} ({}); the merge was undone and runs again",
                        item.itemId(),
                        e.getMessage());
            } catch (IsolationException e) {
                // git refused or failed with an answer (the worktree was reset to the run's head): nothing of the
                // merge is left; an error of the reset itself leaves the record for the next resume to finish
                known = !run.merging()
                        && runHead.equals(run.versionControl().orElseThrow().head());
                throw e;
            } finally {
                if (known) {
                    MergeIntent.clear(run.gitDir());
                }
            }
        }
    }

    /**
     * Merges without the worktree: the merged tree from {@code git merge-tree --write-tree}, a merge commit of it
     * with the run's head and the item's tip as parents, and the run's branch moved to it by {@code update-ref}
     * only from {@code runHead} (atomic: the branch moved, or it did not). The merge-intent record is written before
     * the branch moves, and the checkout's record before the checkout falls behind.
     *
     * @return the result, or null when the merge must be made in the worktree (it conflicts, or git refused or
     *     failed - the merge in the worktree tells which, and handles it)
     */
    private IntegrationResult mergeByRef(ItemWorktree item, String runHead, String itemTip, List<String> commits) {
        Path root = run.root();
        GitCli.Result tree = git.run(root, List.of("merge-tree", "--write-tree", "--no-messages", runHead, itemTip));
        String treeId = tree.stdout().lines().findFirst().orElse("");
        if (!tree.ok() || !RefFiles.isObjectId(treeId)) {
            LOG.debug(
                    "Item {}: git merge-tree exited {}; merging in the run's worktree", item.itemId(), tree.exitCode());
            return null;
        }
        GitCli.Result commit =
                git.run(root, List.of("commit-tree", treeId, "-p", runHead, "-p", itemTip, "-m", messageOf(item)));
        if (!commit.ok() || !RefFiles.isObjectId(commit.line())) {
            LOG.debug(
                    "Item {}: git commit-tree failed ({}); merging in the run's worktree",
                    item.itemId(),
                    commit.message());
            return null;
        }
        String merged = commit.line();
        MergeIntent intent = new MergeIntent(runHead, item.itemId(), itemTip, MergeIntent.BY_REF);
        intent.write(run.gitDir());
        boolean known = false;
        try {
            checkout.leaving(runHead);
            GitCli.Result moved = git.run(
                    root,
                    List.of(
                            "update-ref",
                            "-m",
                            "prodigy: merge item " + Names.printable(item.itemId()),
                            "refs/heads/" + run.branch(),
                            merged,
                            runHead));
            String head = run.versionControl().orElseThrow().head();
            known = true;
            if (head.equals(merged)) {
                madeHere.put(merged, new MergeStep(runHead, Set.copyOf(commits)));
                LOG.info("Merged item {} ({} commit(s)) into {}", item.itemId(), commits.size(), run.branch());
                item.integrated(itemTip);
                return new IntegrationResult.Integrated(commits);
            }
            if (head.equals(runHead)) {
                LOG.debug(
                        "Item {}: git update-ref did not move {} ({}); merging in the run's worktree",
                        item.itemId(),
                        run.branch(),
                        moved.message());
                return null;
            }
            throw new IsolationException("the run's branch " + run.branch() + " moved to " + RunWorktree.abbrev(head)
                    + " while item " + item.itemId() + " was merged into it, and only the run moves it; the item's "
                    + "work is on its branch " + item.branch());
        } finally {
            if (known) {
                MergeIntent.clear(run.gitDir());
            }
        }
    }

    /**
     * The item's commits that the run's head lacks ({@code git rev-list itemTip --not runHead}) without asking git,
     * when that is known exactly: the item's commits since its base were listed already (by the engine or a step),
     * and every run head from the item's base to {@code runHead} was made here by a merge without the worktree, so
     * that what the run gained since the base is those merge commits and the commits they brought in.
     *
     * @return the commits, oldest first, or null when git must be asked
     */
    private List<String> knownCommits(ItemWorktree item, String runHead, String itemTip) {
        List<String> sinceBase = item.knownCommits(itemTip);
        if (sinceBase == null) {
            return null;
        }
        Set<String> inRun = new HashSet<>();
        String head = runHead;
        for (int n = 0; !head.equals(item.base()); n++) {
            MergeStep step = madeHere.get(head);
            if (step == null || n >= REMEMBERED_MERGES) {
                return null;
            }
            inRun.add(head);
            inRun.addAll(step.brought());
            head = step.before();
        }
        List<String> missing = new ArrayList<>(sinceBase.size());
        for (String c : sinceBase) {
            if (!inRun.contains(c)) {
                missing.add(c);
            }
        }
        return missing;
    }

    private String messageOf(ItemWorktree item) {
        return "Merge item " + Names.printable(item.itemId()) + "\n\nBranch: " + item.branch()
                + "\nProdigy-Run: " + run.context().runId() + "\nProdigy-Item: " + Names.printable(item.itemId())
                + "\n";
    }

    /** A git merge that died of a signal: what it wrote of the item's files may be in the run's worktree. */
    private static final class MergeKilledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MergeKilledException(String message) {
            super(message);
        }
    }

    private IntegrationResult merge(ItemWorktree item, String runHead, String itemTip, List<String> commits) {
        Path root = run.root();
        String message = messageOf(item);
        GitCli.Result r = git.run(root, List.of("merge", "--no-ff", "--no-edit", "-m", message, item.branch()));
        if (r.exitCode() >= SIGNALLED) {
            throw new MergeKilledException("exit " + r.exitCode() + ": " + r.message());
        }
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
            throw new IsolationException(
                    "merging item " + item.itemId() + " into " + run.branch() + " stopped: " + r.message());
        }
        LOG.info("Merging item {} into {} conflicts in {}", item.itemId(), run.branch(), conflicts);
        return resolve(item, runHead, itemTip, commits, conflicts, message);
    }

    private IntegrationResult resolve(
            ItemWorktree item,
            String runHead,
            String itemTip,
            List<String> commits,
            List<String> conflicts,
            String message) {
        ConflictResolution how = run.settings().conflicts();
        String what = "merging item " + item.itemId() + " (branch " + item.branch() + ") into the run's branch "
                + run.branch();
        if (how instanceof ConflictResolution.DeadLetter) {
            resetTo(runHead);
            return new IntegrationResult.Conflict(
                    conflicts, what + " conflicts; the merge was aborted and the item's " + "work is on its branch");
        }
        Map<String, String> vars = new LinkedHashMap<>(MergeVariables.of(
                run.root(),
                item.branch(),
                run.branch(),
                run.context().runId(),
                commits,
                changedFiles(runHead, itemTip)));
        vars.put("merge.item_id", item.itemId());
        vars.put("merge.conflicts", String.join(" ", conflicts));
        boolean ok;
        String detail;
        try {
            if (how instanceof ConflictResolution.Agent agent) {
                ConflictResolver resolver = run.context().conflictResolver();
                if (!resolver.canRunAgents()) {
                    resetTo(runHead);
                    return new IntegrationResult.Conflict(
                            conflicts,
                            what + " conflicts, and the conflict-resolving "
                                    + "agent cannot run: the engine has no agent runner");
                }
                StepRecord result = resolver.run(
                        Step.agent(agent.command())
                                .name(RESOLVING_STEP)
                                .timeout(agent.timeout())
                                .build(),
                        item.itemId(),
                        vars,
                        MergeVariables.environment(vars));
                ok = result.success();
                detail = ok
                        ? ""
                        : "the resolving agent failed: "
                                + (result.error() == null
                                        ? "no reason given"
                                        : result.error().message());
            } else {
                MergeSteps steps = run.context().mergeSteps();
                if (steps.isEmpty()) {
                    resetTo(runHead);
                    return new IntegrationResult.Conflict(
                            conflicts, what + " conflicts, and the workflow has no " + "merge steps to resolve it");
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
            return new IntegrationResult.Conflict(
                    conflicts, what + " conflicts and was not resolved (" + failure + "); the merge was aborted");
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
            LOG.warn(
                    "The conflict resolver left uncommitted changes in the run's worktree {}; they are not part of "
                            + "the merge",
                    root);
        }
        return null;
    }

    /**
     * Finishes what a crash left of an item merge, from the record written before it started: if the run's branch
     * moved, the merge commit was made (git moves the branch last, after the worktree and index are written) and
     * nothing is to do; otherwise the merge is undone. Called when a run resumes, after the processes the killed
     * owner left are gone and stale git locks are removed.
     */
    void recoverInterruptedMerge() {
        Optional<MergeIntent> found = MergeIntent.read(run.gitDir());
        if (found.isEmpty()) {
            return;
        }
        MergeIntent intent = found.get();
        String head = run.versionControl().orElseThrow().head();
        if (intent.byRef()) {
            // update-ref moves the branch or does not, and nothing of the merge is in the worktree either way
            LOG.info(
                    "Run {}: the merge of item {} was interrupted {} git moved the run's branch",
                    run.context().runId(),
                    intent.itemId(),
                    head.equals(intent.before()) ? "before" : "after");
        } else if (intent.before() == null) {
            LOG.debug(
                    "Run {}: an unfinished merge record without a start; the merge had not started",
                    run.context().runId());
        } else if (!head.equals(intent.before())) {
            LOG.info(
                    "Run {}: the merge of item {} was interrupted after git committed it (the run's branch is at {})",
                    run.context().runId(),
                    intent.itemId(),
                    RunWorktree.abbrev(head));
            if (run.merging()) {
                git.run(run.root(), List.of("merge", "--abort"));
            }
        } else {
            LOG.warn(
                    "Run {}: the merge of item {} into {} was interrupted before git committed it; undoing what it "
                            + "wrote in the run's worktree (the item runs again)",
                    run.context().runId(),
                    intent.itemId(),
                    run.branch());
            rollBack(intent);
        }
        MergeIntent.clear(run.gitDir());
    }

    /**
     * Undoes a merge that did not complete: aborts git's merge state, resets the worktree and index to the run's
     * head, and removes the untracked files the merge wrote at paths the item's branch adds. Git checks before a
     * merge writes anything that no untracked file would be overwritten, so an untracked file at such a path can only
     * come from the interrupted merge itself.
     */
    private void rollBack(MergeIntent intent) {
        Path root = run.root();
        resetTo(intent.before());
        if (intent.itemTip() == null || !git.test(root, "cat-file", "-e", intent.itemTip() + "^{commit}")) {
            return;
        }
        Set<String> added = new HashSet<>(GitVersionControl.lines(git.output(
                root,
                "diff",
                "--name-only",
                "--no-renames",
                "--diff-filter=A",
                intent.before() + "..." + intent.itemTip())));
        if (added.isEmpty()) {
            return;
        }
        String untracked = git.output(root, "ls-files", "--others", "--exclude-standard", "-z");
        for (String path : untracked.split("\0")) {
            if (!path.isEmpty() && added.contains(path)) {
                Path file = root.resolve(path);
                try {
                    Files.deleteIfExists(file);
                    for (Path dir = file.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
                        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
                            if (left.findAny().isPresent()) {
                                break;
                            }
                        }
                        Files.delete(dir);
                    }
                } catch (IOException e) {
                    throw new IsolationException(
                            "could not remove " + file + ", left by the interrupted merge of item " + intent.itemId()
                                    + ": " + e.getMessage(),
                            e);
                }
            }
        }
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
        checkout.current();
    }

    private List<String> changedFiles(String from, String to) {
        return GitVersionControl.lines(
                git.output(run.root(), "diff", "--name-only", "--no-renames", from + "..." + to));
    }

    private static List<String> withConflictMarkers(Path root, List<String> paths) {
        List<String> marked = new ArrayList<>();
        for (String p : paths) {
            Path file = root.resolve(p);
            try {
                if (!Files.isRegularFile(file) || Files.size(file) > MARKER_SCAN_LIMIT) {
                    continue;
                }
                try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(
                        Files.newInputStream(file),
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPLACE)
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

    /**
     * Warns that an item's uncommitted changes are not merged.
     *
     * @param item the item
     * @param dirty its paths with uncommitted changes (none: no warning)
     */
    static void warnIfUncommitted(ItemWorktree item, List<String> dirty) {
        if (!dirty.isEmpty()) {
            LOG.warn(
                    "Item {} left uncommitted changes in {} ({} path(s), e.g. {}); only its commits are merged - "
                            + "commit in the step (or set auto_commit) to keep such changes",
                    item.itemId(),
                    item.root(),
                    dirty.size(),
                    dirty.get(0));
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
        String tip = run.branchTip(itemBranch);
        if (tip == null) {
            return false;
        }
        String head = run.versionControl().orElseThrow().head();
        MergedTips known = mergedTips;
        if (known == null || !known.head().equals(head)) {
            Set<String> tips = new HashSet<>();
            String range = run.file().startCommit() == null
                    ? head
                    : head + " ^" + run.file().startCommit();
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
