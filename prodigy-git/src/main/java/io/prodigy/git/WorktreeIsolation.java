package io.prodigy.git;

import io.prodigy.api.IsolationException;
import io.prodigy.api.IsolationHints;
import io.prodigy.api.ProdigyHome;
import io.prodigy.api.RunStatus;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.Workspace;
import io.prodigy.git.internal.FinalMerge;
import io.prodigy.git.internal.GitCli;
import io.prodigy.git.internal.ItemWorktree;
import io.prodigy.git.internal.RunWorktree;
import io.prodigy.git.internal.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Git worktree isolation: each run works in its own git worktree and branch, each MapReduce item in another,
 * and their commits come back - into the run, then into the user's branch - exactly once, with conflicts
 * detected and never silently lost.
 *
 * <ul>
 *   <li><b>Run worktree.</b> {@link #openRun} creates {@code PRODIGY_HOME/worktrees/<repo>/<run-id>} on branch
 *   {@code prodigy-<run-id>} from the user's current branch, which it records. Setup, reduce and plain steps run
 *   there; the user's working tree is not touched until the final merge. Uncommitted changes in the user's tree
 *   are allowed, but are not part of the run (a warning says so).</li>
 *   <li><b>Item worktrees.</b> {@link #acquire} gives each item a worktree on branch
 *   {@code prodigy/<run-id>/<item>} at the run's current HEAD (fresh, or from a pool: see {@link WorktreeMode}).
 *   Names come from the item id made safe: any id (path separators, {@code ..}, spaces, unicode, 300 characters)
 *   gives a valid, unique name inside the run's directory.</li>
 *   <li><b>Merging.</b> {@link #integrate} merges an item's commits - all of them, whether or not a step set
 *   {@code commit_required} - with {@code git merge --no-ff}, one merge commit per item ("Merge item &lt;id&gt;");
 *   with git 2.38 or later a merge that does not conflict is made without the run's worktree ({@code git merge-tree --write-tree},
 *   {@code commit-tree}, then {@code update-ref} from the head it was computed on), and the worktree's files follow
 *   the branch when something next uses them (a step, a conflicting merge, the final merge, a resume).
 *   An item whose branch the run already contains gives {@code NothingToIntegrate}, so integrating twice is
 *   harmless. Uncommitted changes an item leaves are not merged (a warning names them). A conflict goes to the
 *   {@link ConflictResolution}; unresolved, the merge is aborted, the run's worktree is clean, and the item fails
 *   with the conflicting paths.</li>
 *   <li><b>Release.</b> Merged items' worktrees and branches are removed. Failed items' worktrees are kept (and
 *   locked, with the item named in the lock reason) unless {@link Builder#keepFailedWorktrees(boolean)} says
 *   otherwise; a branch holding commits that are on no other branch is never deleted.</li>
 *   <li><b>Final merge.</b> {@link #closeRun(Workspace, RunStatus, MergeSteps)} of a run that succeeded (or
 *   completed with failed items) asks the {@link MergeConfirmation}, runs the workflow's merge steps if it has
 *   any, then fast-forwards the user's branch, or - when the branch moved during the run - fast-forwards it to a
 *   merge commit made in a temporary worktree, only if that merge is clean. A conflict, or local changes in the
 *   way, leave everything as it was and throw an {@link IsolationException} with the git commands that finish by
 *   hand. Then the run's worktree and branch are removed. Runs that failed, were cancelled or paused keep their
 *   worktree for a resume.</li>
 * </ul>
 *
 * <p>Everything goes through the {@code git} CLI (worktree add/list/remove/prune, merges, reads), so the user's git
 * configuration, hooks and repository extensions apply; no git garbage collection is ever started by Prodigy. Git
 * 2.17 or later is needed (developed and tested with 2.39). Thread-safe: one instance serves any number of runs.
 */
public final class WorktreeIsolation implements IsolationStrategy {
    /**
     * The ignored build and dependency directories a reused worktree ({@link WorktreeMode#pooled(int)},
     * {@link WorktreeMode#reuse()}) keeps warm between items unless told otherwise: {@code target/},
     * {@code build/}, {@code node_modules/}, {@code .venv/}, {@code venv/}, {@code .gradle/}, {@code .tox/},
     * {@code __pycache__/}, {@code .mypy_cache/}, {@code .pytest_cache/}.
     */
    public static final java.util.List<String> DEFAULT_WARM_DIRECTORIES = java.util.List.of(
            "target/",
            "build/",
            "node_modules/",
            ".venv/",
            "venv/",
            ".gradle/",
            ".tox/",
            "__pycache__/",
            ".mypy_cache/",
            ".pytest_cache/");

    private final Settings settings;
    /** Whether the host named the state directory; otherwise each run's engine's directory is used. */
    private final boolean homeChosen;

    private WorktreeIsolation(Builder b, Path home, boolean homeChosen) {
        this.settings = new Settings(
                home,
                b.mode,
                b.maxWorktrees,
                b.keepFailed,
                b.conflicts,
                b.confirmation,
                new GitCli(b.gitExecutable, b.gitEnvironment, b.gitTimeout),
                b.warmDirectoriesLessCold(),
                b.mergeInWorktree,
                b.coldPaths());
        this.homeChosen = homeChosen;
    }

    /** @return the settings of a run: worktrees under its engine's state directory unless the builder named one */
    private Settings settingsFor(RunContext run) {
        return homeChosen || run.home() == null ? settings : settings.withHome(run.home());
    }

    /** @return a builder with the defaults: reused (warm) item worktrees, failed worktrees kept, conflicts to the DLQ, merge accepted */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the worktree isolation with every default */
    public static WorktreeIsolation create() {
        return builder().build();
    }

    /** @return the configuration, for {@link Worktrees} */
    Settings settings() {
        return settings;
    }

    /**
     * @return where worktrees live: {@code <home>/worktrees}, with the home given to
     *         {@link Builder#prodigyHome(Path)}, else {@code $PRODIGY_HOME} or {@code ~/.prodigy}. Without
     *         {@code prodigyHome}, a run's worktrees go under the state directory of the engine that runs it
     *         ({@code Prodigy.builder().home(dir)}), which is this directory unless the engine names another
     */
    public Path worktreesDirectory() {
        return settings.home().resolve("worktrees");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IsolationException if the project directory is not in a git repository (the message says how to make
     *     it one), is on a detached HEAD or a branch without commits, git has no committer identity, or the worktree
     *     cannot be created
     */
    @Override
    public Workspace openRun(RunContext run) {
        return RunWorktree.open(settingsFor(run), run);
    }

    /**
     * Re-attaches to an interrupted run's worktree (recreating it from the run's branch if its directory is gone),
     * and aborts a merge the interruption left half done.
     *
     * @throws IsolationException as {@link #openRun}, or if another live process still owns the run
     */
    @Override
    public Workspace resumeRun(RunContext run, Path workspace) {
        return RunWorktree.resume(settingsFor(run), run);
    }

    /**
     * @return whether the item's branch was merged into the run's branch by an item merge (its tip is the second
     *         parent of a merge commit of the run)
     */
    @Override
    public boolean isIntegrated(Workspace run, String itemId) {
        return isIntegrated(run, new ItemKey(0, itemId));
    }

    /**
     * @return whether the item's branch was merged into the run's branch by an item merge; items of stages other
     *         than the first have branches of their own (named from {@code stage-<n>/<item>})
     */
    @Override
    public boolean isIntegrated(Workspace run, ItemKey item) {
        RunWorktree r = runOf(run);
        return r.integrator().isMerged(r.agents().branchOf(nameOf(item)));
    }

    @Override
    public void discardStale(Workspace run, String itemId) {
        discardStale(run, new ItemKey(0, itemId));
    }

    @Override
    public void discardStale(Workspace run, ItemKey item) {
        runOf(run).agents().discardStale(nameOf(item));
    }

    /**
     * The name an item's worktree and branch are made from: its id in the workflow's first stage (as it always
     * was), prefixed with its stage in later ones, so that items of two stages with the same id do not share (or
     * replace) a worktree.
     */
    private static String nameOf(ItemKey item) {
        return item.stage() == 0 ? item.itemId() : "stage-" + item.stage() + "/" + item.itemId();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Blocks while {@link Builder#maxWorktrees(int)} item worktrees (or a full pool) are in use. A worktree or
     * branch that an earlier attempt at the same item left is removed first.
     *
     * @throws IsolationException if git fails, or the thread is interrupted while waiting (its interrupt flag is set)
     */
    @Override
    public Workspace acquire(Workspace run, String itemId) {
        return acquire(run, new ItemKey(0, itemId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Items of the first stage get {@code prodigy/<run-id>/<item>}; items of a later stage a branch and worktree
     * named from {@code stage-<n>/<item>} (made safe, so {@code prodigy/<run-id>/stage-<n>-<item>-<hash>}), so that
     * a failed item's kept worktree is never replaced by a later stage's item with the same id.
     *
     * @throws IsolationException as {@link #acquire(Workspace, String)}
     */
    @Override
    public Workspace acquire(Workspace run, ItemKey item) {
        WorkflowDefinitionException.requireNonNull(item, "item");
        return runOf(run).agents().acquire(nameOf(item));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IsolationException if git fails or refuses to merge for a reason other than a conflict (for example
     *     uncommitted changes in the run's worktree in the way); the run's worktree is left clean
     */
    @Override
    public IntegrationResult integrate(Workspace run, Workspace item) {
        RunWorktree r = runOf(run);
        ItemWorktree i = itemOf(item);
        if (i.run() != r) {
            throw new IllegalArgumentException(item + " does not belong to " + run);
        }
        return r.integrator().integrate(i);
    }

    @Override
    public void release(Workspace item, boolean keep) {
        ItemWorktree i = itemOf(item);
        i.run().agents().release(i, keep);
    }

    @Override
    public void closeRun(Workspace run, RunStatus status) {
        try {
            closeRun(run, status, MergeSteps.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while merging the run back", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IsolationException if the work could not be merged back; the run's branch and worktree are intact and
     *     the message lists the git commands that finish the merge by hand
     */
    @Override
    public void closeRun(Workspace run, RunStatus status, MergeSteps merge) throws InterruptedException {
        FinalMerge.close(runOf(run), status, merge);
    }

    private static RunWorktree runOf(Workspace w) {
        if (w instanceof RunWorktree r) {
            return r;
        }
        throw new IllegalArgumentException(w + " is not a run workspace of a WorktreeIsolation");
    }

    private static ItemWorktree itemOf(Workspace w) {
        if (w instanceof ItemWorktree i) {
            return i;
        }
        throw new IllegalArgumentException(w + " is not an item workspace of a WorktreeIsolation");
    }

    /** Builds a {@link WorktreeIsolation}. Every setting is optional; a null gets a WorkflowDefinitionException. */
    public static final class Builder {
        private Path prodigyHome;
        private WorktreeMode mode = WorktreeMode.reuse();
        private int maxWorktrees = Integer.MAX_VALUE;
        private boolean keepFailed = true;
        private ConflictResolution conflicts = ConflictResolution.deadLetter();
        private MergeConfirmation confirmation = MergeConfirmation.ACCEPT;
        private String gitExecutable = "git";
        private final Map<String, String> gitEnvironment = new LinkedHashMap<>();
        private Duration gitTimeout = Duration.ofMinutes(10);
        private java.util.List<String> warmDirectories = DEFAULT_WARM_DIRECTORIES;
        private java.util.List<String> coldDirectories = java.util.List.of();
        private boolean mergeInWorktree;

        private Builder() {}

        /**
         * @param home {@code PRODIGY_HOME}; worktrees go to {@code home/worktrees/<repo>/}. Default: the state
         *             directory of the engine running the run ({@code Prodigy.builder().home(dir)}, which defaults
         *             to {@code $PRODIGY_HOME}, else {@code ~/.prodigy})
         * @return this
         */
        public Builder prodigyHome(Path home) {
            this.prodigyHome = WorkflowDefinitionException.requireNonNull(home, "home");
            return this;
        }

        /** @param mode how runs and items get worktrees; default {@link WorktreeMode#reuse()} @return this */
        public Builder mode(WorktreeMode mode) {
            this.mode = WorkflowDefinitionException.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param max the most item worktrees in use at once; an item waits for one to be released. Default: no limit
         *            beyond the map phase's {@code max_parallel}
         * @return this
         * @throws IllegalArgumentException if {@code max} is below 1
         */
        public Builder maxWorktrees(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxWorktrees must be at least 1, not " + max);
            }
            this.maxWorktrees = max;
            return this;
        }

        /**
         * @param keep whether a failed item's worktree stays on disk for debugging (its path is recorded in the DLQ
         *             entry); default true. Without it the worktree is removed, but a branch holding the failed
         *             item's commits is still kept
         * @return this
         */
        public Builder keepFailedWorktrees(boolean keep) {
            this.keepFailed = keep;
            return this;
        }

        /**
         * @param inWorktree whether every item merge is made by {@code git merge --no-ff} in the run's worktree (so
         *                   that the repository's merge hooks, such as {@code post-merge}, run for it). Default
         *                   false: with git 2.38 or later a merge that does not conflict is made without touching the
         *                   worktree ({@code git merge-tree --write-tree}, {@code commit-tree}, {@code update-ref}),
         *                   several times faster; conflicting merges always go through the worktree
         * @return this
         */
        public Builder mergeInWorktree(boolean inWorktree) {
            this.mergeInWorktree = inWorktree;
            return this;
        }

        /** @param resolution what to do when an item's merge conflicts; default the DLQ @return this */
        public Builder conflictResolution(ConflictResolution resolution) {
            this.conflicts = WorkflowDefinitionException.requireNonNull(resolution, "resolution");
            return this;
        }

        /**
         * @param confirmation asked before merging the run back into the user's branch; default
         *                     {@link MergeConfirmation#ACCEPT}
         * @return this
         */
        public Builder mergeConfirmation(MergeConfirmation confirmation) {
            this.confirmation = WorkflowDefinitionException.requireNonNull(confirmation, "confirmation");
            return this;
        }

        /** @param executable the git executable, a name on PATH or a path; default {@code git} @return this */
        public Builder gitExecutable(String executable) {
            WorkflowDefinitionException.requireNonNull(executable, "executable");
            if (executable.isBlank()) {
                throw new IllegalArgumentException("the git executable must not be blank");
            }
            this.gitExecutable = executable;
            return this;
        }

        /**
         * @param name an environment variable for every git process Prodigy runs (for example
         *             {@code GIT_CONFIG_GLOBAL}, or {@code GIT_SSH_COMMAND})
         * @param value its value
         * @return this
         */
        public Builder gitEnvironment(String name, String value) {
            gitEnvironment.put(
                    WorkflowDefinitionException.requireNonNull(name, "name"),
                    WorkflowDefinitionException.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Which ignored directories a reused worktree keeps between items (builds and installs stay warm). Between
         * two items a pooled worktree is reset to the run's head: tracked changes are undone, the index is reset,
         * untracked files are removed and so are ignored ones, except directories with one of these names (at any
         * depth) that {@code .gitignore} ignores, with everything inside them. Default
         * {@link #DEFAULT_WARM_DIRECTORIES}; an empty list keeps nothing; to opt single directories out without
         * restating the list, see {@link #coldDirectories(java.util.Collection)}. Fresh worktrees
         * ({@link WorktreeMode#onDemand()}) are unaffected.
         *
         * @param names directory names such as {@code target} or {@code node_modules/} (a trailing {@code /} is
         *              added when missing); no wildcards, slashes inside, or blank names
         * @return this
         * @throws IllegalArgumentException if a name is blank or holds a wildcard, a slash before its end, or a
         *                                  line break
         */
        public Builder warmDirectories(java.util.Collection<String> names) {
            this.warmDirectories = checked(names, true);
            return this;
        }

        /**
         * Opts directories out of the warm list without restating it: a name (such as {@code build}) is taken out of
         * {@link #warmDirectories(java.util.Collection)} at every depth; a path relative to the repository's top
         * (such as {@code tools/build}) is cleaned between items like any ignored directory, while directories of
         * that name elsewhere stay warm. Default: none.
         *
         * @param paths directory names or relative paths (a trailing {@code /} is allowed); no wildcards
         * @return this
         * @throws IllegalArgumentException if one is blank, absolute, or holds a wildcard, {@code ..}, {@code .git}
         *                                  or a line break
         */
        public Builder coldDirectories(java.util.Collection<String> paths) {
            this.coldDirectories = checked(paths, false);
            return this;
        }

        private static java.util.List<String> checked(java.util.Collection<String> given, boolean warm) {
            WorkflowDefinitionException.requireNonNull(given, warm ? "names" : "paths");
            java.util.List<String> list = new java.util.ArrayList<>();
            for (String n : given) {
                WorkflowDefinitionException.requireNonNull(n, (warm ? "names[" : "paths[") + list.size() + "]");
                try {
                    String plain = warm ? IsolationHints.checkWarmDirectory(n) : IsolationHints.checkColdDirectory(n);
                    list.add(plain + "/");
                } catch (WorkflowDefinitionException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            return java.util.List.copyOf(list);
        }

        /** @return the warm directories without those a cold name takes out */
        private java.util.List<String> warmDirectoriesLessCold() {
            return warmDirectories.stream()
                    .filter(w -> !coldDirectories.contains(w))
                    .toList();
        }

        /** @return the cold entries that are paths, not names */
        private java.util.List<String> coldPaths() {
            return coldDirectories.stream()
                    .filter(c -> c.indexOf('/') < c.length() - 1)
                    .toList();
        }

        /** @param limit the time limit of one git command; default 10 minutes @return this */
        public Builder gitTimeout(Duration limit) {
            WorkflowDefinitionException.requireNonNull(limit, "limit");
            if (limit.isZero() || limit.isNegative()) {
                throw new IllegalArgumentException("the git timeout must be positive");
            }
            this.gitTimeout = limit;
            return this;
        }

        /** @return the strategy */
        public WorktreeIsolation build() {
            return new WorktreeIsolation(this, ProdigyHome.resolve(prodigyHome), prodigyHome != null);
        }
    }
}
