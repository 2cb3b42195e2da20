package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.git.WorktreeMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's worktree: {@code PRODIGY_HOME/worktrees/<repo>/<run-key>} on branch {@code prodigy-<run-key>}, branched
 * from the user's current branch, which is recorded so that the run can merge back into it at the end. The user's
 * own working tree is never written to while the run works.
 */
public final class RunWorktree implements Workspace {
    private static final Logger LOG = LoggerFactory.getLogger(RunWorktree.class);

    private final Settings settings;
    private final RunContext context;
    private final Repository repo;
    private final Path repoDir;
    private volatile RunFile file;
    private final Path directory;
    private final GitVersionControl vc;
    private final AgentWorktrees agents;
    private final Integrator integrator;
    private final Path gitDir;
    private final GitCli git;
    private final RefFiles refs;

    private RunWorktree(Settings settings, RunContext context, Repository repo, RunFile file) {
        this.settings = settings;
        this.git = settings.git().forRun(context.runId(), context.stateDirectory());
        this.context = context;
        this.repo = repo;
        this.repoDir = settings.repoDir(repo);
        this.file = file;
        this.directory = repo.projectIn(file.worktree());
        this.refs = new RefFiles(repo.commonDir());
        this.gitDir = Path.of(git.output(file.worktree(), "rev-parse", "--absolute-git-dir"));
        this.vc = new GitVersionControl(git, file.worktree(), refs, () -> gitDir, this::syncCheckout);
        this.agents = new AgentWorktrees(this);
        this.integrator = new Integrator(this);
    }

    /** @return reads refs from the repository's files */
    RefFiles refs() {
        return refs;
    }

    /**
     * @param branch a branch name
     * @return its tip, or null if there is no such branch (read from the ref files, git asked only when unclear)
     */
    String branchTip(String branch) {
        RefFiles.Answer a = refs.branchTip(branch);
        return a.known() ? a.commit() : WorktreeOps.branchTip(git, file.worktree(), branch);
    }

    /**
     * Brings the files and index of the run's worktree up to its branch, which item merges move without touching
     * the worktree (see {@link Integrator}); a no-op when they are up to date. Called before anything uses the
     * worktree's files: a step in it, the final merge, a conflicting merge, a resume.
     */
    void syncCheckout() {
        integrator.syncCheckout();
    }

    /** @return the run worktree's private git directory */
    Path gitDir() {
        return gitDir;
    }

    /** @return whether the run's worktree is in the middle of a merge (it has a {@code MERGE_HEAD}) */
    public boolean merging() {
        return Files.exists(gitDir.resolve("MERGE_HEAD"));
    }

    /**
     * Creates the run's worktree (or, in dedicated mode, opens the named one).
     *
     * @param settings the configuration
     * @param context the run
     * @return the run's worktree
     * @throws IsolationException if the project is not a git repository, is on a detached HEAD or an unborn
     *     branch, git has no committer identity, or the worktree cannot be created
     */
    public static RunWorktree open(Settings settings, RunContext context) {
        GitCli git = settings.git().forRun(context.runId(), context.stateDirectory());
        Repository repo = Repository.discover(git, context.projectDirectory());
        Path repoDir = settings.repoDir(repo);
        String runKey = Names.safe(context.runId());
        Optional<RunFile> previous = RunFile.read(repoDir.resolve(runKey + RunFile.SUFFIX));
        if (previous.isPresent()) {
            throw new IsolationException("run id '" + context.runId() + "' was used before in " + repo.topLevel()
                    + " (its record is " + repoDir.resolve(runKey + RunFile.SUFFIX) + "); resume that run, or "
                    + "start one with another id");
        }
        String target = userBranch(git, repo);
        String start = WorktreeOps.resolve(git, repo.topLevel(), "HEAD");
        if (start == null) {
            throw new IsolationException("branch '" + target + "' in " + repo.topLevel() + " has no commits yet; "
                    + "git worktree isolation starts runs from a commit: commit something first (git add -A && "
                    + "git commit -m 'initial commit')");
        }
        checkIdentity(git, repo);
        warnIfDirty(git, repo, target, start);
        RunFile f;
        if (settings.mode() instanceof WorktreeMode.Dedicated d) {
            f = openDedicated(settings, repo, context, runKey, Names.safe(d.name()), target, start);
        } else {
            Path path = repoDir.resolve(runKey);
            String branch = "prodigy-" + runKey;
            if (WorktreeOps.branchTip(git, repo.topLevel(), branch) != null || Files.exists(path)) {
                throw new IsolationException("branch '" + branch + "' or directory " + path + " already exists, "
                        + "from an earlier run with id '" + context.runId() + "'; start the run with another id, or "
                        + "remove them: git worktree remove --force " + Names.shellQuote(path.toString())
                        + "; git branch -D " + branch);
            }
            WorktreeOps.addWorktree(git, repo, path, branch, start);
            f = RunFile.ofThisProcess(
                    context.runId(), runKey, repo.topLevel(), path, branch, target, start, false, true);
        }
        f.write(repoDir);
        LOG.info(
                "Run {} works in {} on branch {}, started from {} at {}",
                context.runId(),
                f.worktree(),
                f.runBranch(),
                target,
                abbrev(start));
        RunWorktree run = new RunWorktree(settings, context, repo, f);
        run.ensureDirectory();
        return run;
    }

    /**
     * Re-attaches to the worktree of an interrupted run: the recorded worktree if it is still there, else a new
     * worktree for the run's branch, else (the branch was merged back and removed) a new branch from the user's
     * branch. A merge the crash left half done in the run's worktree is aborted.
     *
     * @param settings the configuration
     * @param context the run
     * @return the run's worktree
     * @throws IsolationException as {@link #open}, or if another live process owns the run
     */
    public static RunWorktree resume(Settings settings, RunContext context) {
        GitCli git = settings.git().forRun(context.runId(), context.stateDirectory());
        Repository repo = Repository.discover(git, context.projectDirectory());
        Path repoDir = settings.repoDir(repo);
        String runKey = Names.safe(context.runId());
        Optional<RunFile> recorded = RunFile.read(repoDir.resolve(runKey + RunFile.SUFFIX));
        if (recorded.isEmpty()) {
            LOG.info("Run {} has no worktree record in {}; opening a new worktree", context.runId(), repoDir);
            return open(settings, context);
        }
        RunFile f = recorded.get();
        if (f.live() && f.ownerPid() != RunFile.currentPid()) {
            throw new IsolationException("run '" + context.runId() + "' is still running (process " + f.ownerPid()
                    + " on " + f.ownerHost() + "); stop it before resuming");
        }
        clearStalePackedRefsLock(repo.commonDir(), f.runId(), PACKED_REFS_LOCK_WAIT);
        Path path = f.worktree();
        Optional<Repository.WorktreeEntry> entry = repo.worktrees(git).stream()
                .filter(e -> e.path().equals(path) && !e.prunable())
                .findFirst();
        if (entry.isPresent() && f.runBranch().equals(entry.get().branch())) {
            clearStaleLocks(git, path, f.runId(), f.runBranch(), f.runKey());
            if (WorktreeOps.merging(git, path)) {
                LOG.warn("Run {}: its worktree was left in the middle of a merge; aborting that merge", f.runId());
                git.output(path, "merge", "--abort");
            }
        } else if (entry.isPresent()) {
            throw new IsolationException("the worktree " + path + " of run '" + f.runId() + "' is on "
                    + (entry.get().branch() == null
                            ? "a detached HEAD"
                            : "branch '" + entry.get().branch() + "'")
                    + " instead of the run's branch " + f.runBranch() + "; switch it back before resuming: cd "
                    + Names.shellQuote(path.toString()) + " && git switch " + f.runBranch());
        } else {
            git.output(repo.topLevel(), "worktree", "prune");
            WorktreeOps.deleteTree(path);
            if (WorktreeOps.branchTip(git, repo.topLevel(), f.runBranch()) != null) {
                WorktreeOps.addWorktree(git, repo, path, f.runBranch());
            } else {
                String base = WorktreeOps.branchTip(git, repo.topLevel(), f.targetBranch());
                base = base != null ? base : f.startCommit();
                LOG.info(
                        "Run {}: its branch {} is gone (merged back and removed); continuing from {} at {}",
                        f.runId(),
                        f.runBranch(),
                        f.targetBranch(),
                        abbrev(base));
                WorktreeOps.addWorktree(git, repo, path, f.runBranch(), base);
            }
        }
        RunFile reopened = f.withOpen(true);
        reopened.write(repoDir);
        LOG.info("Run {} resumes in {} on branch {}", f.runId(), path, f.runBranch());
        RunWorktree run = new RunWorktree(settings, context, repo, reopened);
        run.integrator.recoverInterruptedMerge();
        run.syncCheckout();
        run.ensureDirectory();
        run.agents.removePool();
        return run;
    }

    /** How long a {@code packed-refs.lock} must stay unchanged before a resume takes it for a killed command's. */
    static final java.time.Duration PACKED_REFS_LOCK_WAIT = java.time.Duration.ofSeconds(3);

    /**
     * Every ref deletion (an item branch removed) takes the repository-wide {@code packed-refs.lock}; a git command
     * killed with the run's process group while holding it leaves it behind, and every later branch deletion in the
     * repository fails on it - the user's too. Git holds it for milliseconds and gives up waiting for it after
     * {@code core.packedRefsTimeout} (1 s), so a lock that stays, unchanged, for {@code wait} is a dead command's:
     * it is removed, with a warning. A lock that goes away or changes meanwhile belongs to a live git and is left.
     *
     * @param commonDir the repository's git directory
     * @param runId the run, for messages
     * @param wait how long the lock must stay unchanged
     */
    static void clearStalePackedRefsLock(Path commonDir, String runId, java.time.Duration wait) {
        Path lock = commonDir.resolve("packed-refs.lock");
        try {
            if (!Files.exists(lock)) {
                return;
            }
            Object key = Files.readAttributes(lock, java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey();
            java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(lock);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                if (!Files.exists(lock)) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
            java.nio.file.attribute.BasicFileAttributes now;
            try {
                now = Files.readAttributes(lock, java.nio.file.attribute.BasicFileAttributes.class);
            } catch (java.nio.file.NoSuchFileException e) {
                return;
            }
            if (!java.util.Objects.equals(key, now.fileKey()) || !modified.equals(now.lastModifiedTime())) {
                return; // taken again meanwhile: a live git works with it
            }
            Files.deleteIfExists(lock);
            LOG.warn(
                    "Run {}: removed {}, which stayed for {} s - longer than git holds it; a git command killed with "
                            + "the run's process left it",
                    runId,
                    lock,
                    wait.toSeconds());
        } catch (IOException e) {
            throw new IsolationException(
                    "could not check the stale " + lock + " of run '" + runId + "': " + e.getMessage(), e);
        }
    }

    /**
     * A git command killed with the run's process (a step's {@code git commit}, a merge) leaves lock files behind
     * ({@code index.lock}, {@code HEAD.lock}, {@code ORIG_HEAD.lock}, the run branch's ref lock), and every later git
     * command in the worktree fails on them. The run is ours now (its lock, and the record's owner and the processes
     * it started are gone), so nothing else can be holding them. For a linked worktree every lock in its private git
     * directory is removed, and the lock of the run's own branch; for a main checkout only its index lock. The
     * run's item worktrees and branches are found by the run key (not by the run worktree's name, which differs in
     * the dedicated mode).
     *
     * @param runKey the run's safe name: item worktrees are {@code <run-key>.items/*} and {@code <run-key>.pool/*}
     *               beside the run's worktree, item branches {@code prodigy/<run-key>/*}
     */
    static void clearStaleLocks(GitCli git, Path worktree, String runId, String runBranch, String runKey) {
        clearStaleLocks(git, worktree, runId, runBranch, runKey, true);
    }

    /**
     * As {@link #clearStaleLocks(GitCli, Path, String, String, String)}; without {@code withItems} only the locks of
     * the run's own worktree and branch (for a git command of the run killed while the run's items still work).
     */
    static void clearStaleLocks(
            GitCli git, Path worktree, String runId, String runBranch, String runKey, boolean withItems) {
        Path gitDir =
                Path.of(git.output(worktree, "rev-parse", "--absolute-git-dir")).normalize();
        Path commonDir = worktree.resolve(git.output(worktree, "rev-parse", "--git-common-dir"))
                .normalize();
        List<Path> locks = new ArrayList<>();
        if (!gitDir.equals(commonDir)) {
            try (Stream<Path> files = Files.walk(gitDir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".lock") && Files.isRegularFile(f))
                        .forEach(locks::add);
            } catch (IOException e) {
                throw new IsolationException(
                        "could not list the git directory " + gitDir + " of run '" + runId + "': " + e.getMessage(), e);
            }
            Path heads = commonDir.resolve("refs").resolve("heads");
            if (Files.isDirectory(heads)) {
                // the run's branch and its items' branches (prodigy/<run-key>/<item>)
                String itemPrefix = "prodigy/" + runKey + "/";
                try (Stream<Path> files = Files.walk(heads)) {
                    files.filter(f -> {
                                String ref = heads.relativize(f).toString().replace('\\', '/');
                                if (!ref.endsWith(".lock")) {
                                    return false;
                                }
                                String name = ref.substring(0, ref.length() - ".lock".length());
                                return name.equals(runBranch) && runBranch.startsWith("prodigy")
                                        || withItems && name.startsWith(itemPrefix);
                            })
                            .forEach(locks::add);
                } catch (IOException e) {
                    throw new IsolationException(
                            "could not list the branches under " + heads + " of run '" + runId + "': " + e.getMessage(),
                            e);
                }
            }
        } else {
            locks.add(gitDir.resolve("index.lock"));
        }
        // the run's item worktrees (<run>.items/<item>, <run>.pool/slot-<n>): a git command of an agent killed with
        // the run leaves the same locks in their private git directories, and the next attempt there would fail
        Path items = worktree.resolveSibling(runKey + ".items");
        Path pool = worktree.resolveSibling(runKey + ".pool");
        Path linked = commonDir.resolve("worktrees");
        if (withItems && Files.isDirectory(linked)) {
            try (Stream<Path> dirs = Files.list(linked)) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    Path pointer = dir.resolve("gitdir");
                    if (!Files.isRegularFile(pointer)) {
                        continue;
                    }
                    Path itemTree = Path.of(Files.readString(pointer).strip()).getParent();
                    if (itemTree != null && (itemTree.startsWith(items) || itemTree.startsWith(pool))) {
                        try (Stream<Path> files = Files.walk(dir)) {
                            files.filter(f -> f.getFileName().toString().endsWith(".lock") && Files.isRegularFile(f))
                                    .forEach(locks::add);
                        }
                    }
                }
            } catch (IOException e) {
                throw new IsolationException(
                        "could not list the worktrees of run '" + runId + "' under " + linked + ": " + e.getMessage(),
                        e);
            }
        }
        for (Path lock : locks) {
            try {
                if (Files.deleteIfExists(lock)) {
                    LOG.warn(
                            "Run {}: removed {}, left by a git command that was killed with the run's process",
                            runId,
                            lock);
                }
            } catch (IOException e) {
                throw new IsolationException(
                        "could not remove the stale " + lock + " of run '" + runId + "': " + e.getMessage(), e);
            }
        }
    }

    private static RunFile openDedicated(
            Settings settings,
            Repository repo,
            RunContext context,
            String runKey,
            String name,
            String target,
            String start) {
        GitCli git = settings.git().forRun(context.runId(), context.stateDirectory());
        Path repoDir = settings.repoDir(repo);
        Path path = repoDir.resolve(name + ".dedicated");
        String branch = "prodigy-" + name;
        for (RunFile other : RunFile.all(repoDir)) {
            if (other.dedicated() && other.worktree().equals(path) && other.live()) {
                throw new IsolationException("the dedicated worktree '" + name + "' (" + path + ") is in use by run '"
                        + other.runId() + "' (process " + other.ownerPid() + " on " + other.ownerHost()
                        + "); use another name or wait for that run to end");
            }
        }
        Optional<Repository.WorktreeEntry> entry = repo.worktrees(git).stream()
                .filter(e -> e.path().equals(path) && !e.prunable())
                .findFirst();
        if (entry.isPresent()) {
            if (!branch.equals(entry.get().branch())) {
                throw new IsolationException("the dedicated worktree " + path + " is on '"
                        + entry.get().branch()
                        + "' instead of its branch '" + branch + "'; switch it back: cd "
                        + Names.shellQuote(path.toString()) + " && git switch " + branch);
            }
            List<String> dirty = WorktreeOps.dirtyPaths(git, path);
            if (!dirty.isEmpty()) {
                throw new IsolationException("the dedicated worktree " + path + " has uncommitted changes ("
                        + String.join(", ", dirty.subList(0, Math.min(5, dirty.size()))) + "); commit or discard "
                        + "them first: cd " + Names.shellQuote(path.toString()) + " && git status");
            }
            LOG.info("Run {} continues in the dedicated worktree {} on branch {}", context.runId(), path, branch);
        } else {
            git.output(repo.topLevel(), "worktree", "prune");
            WorktreeOps.deleteTree(path);
            if (WorktreeOps.branchTip(git, repo.topLevel(), branch) != null) {
                WorktreeOps.addWorktree(git, repo, path, branch);
            } else {
                WorktreeOps.addWorktree(git, repo, path, branch, start);
            }
        }
        return RunFile.ofThisProcess(context.runId(), runKey, repo.topLevel(), path, branch, target, start, true, true);
    }

    private static String userBranch(GitCli git, Repository repo) {
        GitCli.Result r = git.run(repo.topLevel(), List.of("symbolic-ref", "--quiet", "--short", "HEAD"));
        if (!r.ok() || r.line().isEmpty()) {
            throw new IsolationException(repo.topLevel() + " is on a detached HEAD, so there is no branch to merge "
                    + "the run's work back into; check out a branch first (git switch -c my-work)");
        }
        return r.line();
    }

    private static void checkIdentity(GitCli git, Repository repo) {
        GitCli.Result r = git.run(repo.topLevel(), List.of("var", "GIT_COMMITTER_IDENT"));
        if (!r.ok()) {
            throw new IsolationException("git has no committer identity in " + repo.topLevel() + ", and the run "
                    + "must commit merges; set one: git config --global user.name 'Your Name' && git config "
                    + "--global user.email you@example.com (git said: " + r.message() + ")");
        }
    }

    private static void warnIfDirty(GitCli git, Repository repo, String target, String start) {
        List<String> dirty = WorktreeOps.dirtyPaths(git, repo.topLevel());
        if (!dirty.isEmpty()) {
            LOG.warn(
                    "{} has uncommitted changes ({} path(s), e.g. {}); they are NOT part of the run, which starts "
                            + "from the last commit of {} ({}); commit them first if the run needs them",
                    repo.topLevel(),
                    dirty.size(),
                    dirty.get(0),
                    target,
                    abbrev(start));
        }
    }

    private void ensureDirectory() {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new IsolationException(
                        "could not create " + directory + " in the run's worktree: " + e.getMessage(), e);
            }
        }
    }

    static String abbrev(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(12, commit.length()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The files there are brought up to the run's branch first if item merges moved it (see
     * {@link #syncCheckout()}): whoever asks for the directory is about to use what is in it.
     */
    @Override
    public Path directory() {
        syncCheckout();
        return directory;
    }

    @Override
    public String name() {
        return file.runBranch();
    }

    @Override
    public Optional<VersionControl> versionControl() {
        return Optional.of(vc);
    }

    /** @return the top directory of the run's worktree */
    public Path root() {
        return file.worktree();
    }

    /** @return the run's branch */
    public String branch() {
        return file.runBranch();
    }

    /** @return what is recorded about the run */
    public RunFile file() {
        return file;
    }

    /** @param f the new record, written to disk */
    void update(RunFile f) {
        f.write(repoDir);
        this.file = f;
    }

    /** @return the configuration */
    public Settings settings() {
        return settings;
    }

    /** @return the run */
    public RunContext context() {
        return context;
    }

    /** @return the repository */
    public Repository repo() {
        return repo;
    }

    /** @return {@code PRODIGY_HOME/worktrees/<repo>} */
    public Path repoDir() {
        return repoDir;
    }

    /** @return the item worktrees of this run */
    public AgentWorktrees agents() {
        return agents;
    }

    /** @return merges items into this run */
    public Integrator integrator() {
        return integrator;
    }

    /** @return the git runner of this run (its processes carry the run's id) */
    public GitCli git() {
        return git;
    }

    @Override
    public String toString() {
        return "run worktree " + file.worktree() + " (" + file.runBranch() + ")";
    }
}
