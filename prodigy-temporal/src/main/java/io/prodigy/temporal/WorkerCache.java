package io.prodigy.temporal;

import io.prodigy.api.IsolationException;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.Workspace;
import io.prodigy.git.WorktreeIsolation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * A worker's own git cache: one repository per shared remote, and per run (and stage) a checkout of the run's base
 * opened as a run workspace of {@link WorktreeIsolation}, from which each item gets its own worktree and branch,
 * at the commit its attempt starts from. The cache fetches a run head only when it lacks it (a remote given as a path
 * of this machine is read in place: no fetch at all). Thread-safe.
 */
final class WorkerCache implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkerCache.class);
    private final Path dir;
    /** Item worktrees whose release was requested and not yet done (guarded by this). */
    private final java.util.ArrayDeque<Workspace> pendingReleases = new java.util.ArrayDeque<>();
    /** Releases item worktrees after their attempt's result went back (see {@link #releaseSoon}). */
    private final java.util.concurrent.ExecutorService releaser =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "prodigy-worker-release");
                t.setDaemon(true);
                return t;
            });

    private final WorktreeIsolation isolation;
    private final Map<String, RunEntry> runs = new HashMap<>();
    /** Cache repositories that read their remote's objects in place (see {@link #shareObjects}). */
    private final java.util.Set<Path> shared = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Remote to its cache repository, once made and checked. */
    private final Map<String, Path> readyRepositories = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.Set<Path> checkedShared = new java.util.HashSet<>();

    /** How many runs' checkouts a cache keeps by default. */
    static final int DEFAULT_MAX_RUNS = 8;

    private final int maxRuns;
    /** Each item worktree handed out, to its run (guarded by this). */
    private final Map<Workspace, RunEntry> itemRuns = new java.util.IdentityHashMap<>();
    /** Orders the runs by last use (guarded by this). */
    private long clock;

    WorkerCache(Path dir) {
        this(dir, DEFAULT_MAX_RUNS);
    }

    /**
     * @param dir the cache directory
     * @param maxRuns how many runs (and stages) keep their checkout and worktrees in the cache: opening one more
     *                evicts the least recently used run without an item running (see {@link #evict})
     */
    WorkerCache(Path dir, int maxRuns) {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns must be at least 1, got " + maxRuns);
        }
        this.maxRuns = maxRuns;
        this.dir = dir.toAbsolutePath().normalize();
        this.isolation = WorktreeIsolation.builder()
                .prodigyHome(this.dir.resolve("home"))
                .build();
    }

    /**
     * Makes an item's worktree at the commit the attempt starts from ({@link ItemTask#baseCommit()}, else the tip of
     * the run's base ref when the run was first seen), fetching the run's base ref only when that commit is not in the
     * cache yet: once per run head, not per item. Worktree changes and fetches in the cache repository are
     * serialized: a fetch that runs while a worktree is being added or removed can see that worktree's half-made HEAD
     * and fail.
     *
     * @param task the attempt
     * @param remoteBase the tip of the run's base ref on the remote, if the caller read it (null if not, or absent)
     * @return the item's worktree
     * @throws IsolationException if git fails or the remote does not hold the attempt's base commit
     */
    synchronized Workspace acquire(ItemTask task, String remoteBase) {
        drainReleases(); // a worktree whose release is pending is reused, never doubled
        RunEntry run = run(task);
        String want = task.baseCommit() != null ? task.baseCommit() : run.firstBase;
        if (!want.equals(run.head)) {
            if (!(shared.contains(run.repo) && moveTo(run, want)) && !has(run.repo, want)) {
                fetch(run.repo, task.remote(), "+" + task.baseRef() + ":" + run.localBase);
                if (!has(run.repo, want)) {
                    throw new IsolationException("the run's base commit " + want + " is not on " + task.remote()
                            + " at " + task.baseRef()
                            + (remoteBase == null ? " (the ref does not exist)" : " (its tip is " + remoteBase + ")"));
                }
            }
            if (!want.equals(run.head)) {
                Git.check(run.workspace.directory(), "update-ref", "HEAD", want);
                run.head = want;
            }
        }
        Workspace item = isolation.acquire(run.workspace, new ItemKey(task.stageIndex(), task.itemId()));
        run.inUse++;
        run.lastUsed = ++clock;
        itemRuns.put(item, run);
        return item;
    }

    /**
     * Moves the run workspace's branch to a commit, which item worktrees branch at (the workspace's files are never
     * used on a worker).
     *
     * @return false if git refused (the commit is not in the cache, nor in the remote it shares objects with)
     */
    private static boolean moveTo(RunEntry run, String commit) {
        if (!Git.run(run.workspace.directory(), null, "update-ref", "HEAD", commit)
                .ok()) {
            return false;
        }
        run.head = commit;
        return true;
    }

    /** Releases an item's worktree (serialized like {@link #acquire}). */
    synchronized void release(Workspace item) {
        try {
            isolation.release(item, false);
        } finally {
            done(item);
        }
    }

    /** Counts an item worktree's run as no longer using it. */
    private void done(Workspace item) {
        RunEntry run = itemRuns.remove(item);
        if (run != null) {
            run.inUse--;
        }
    }

    /**
     * Releases an item's worktree soon, on a thread of the cache, so that the attempt's result goes back without
     * waiting for it (the release's git checks are off the path from an item's end to the next item's start). The
     * next {@link #acquire} does every release requested before it first, so a released worktree is reused as if
     * it had been released inline. A failed release is logged (the worktree stays out of the pool).
     *
     * @param item an item's worktree from {@link #acquire}
     */
    void releaseSoon(Workspace item) {
        synchronized (this) {
            pendingReleases.add(item);
        }
        try {
            releaser.execute(this::drainReleases);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            drainReleases(); // closed: release here
        }
    }

    /** Does every pending release. */
    synchronized void drainReleases() {
        for (Workspace w = pendingReleases.poll(); w != null; w = pendingReleases.poll()) {
            try {
                isolation.release(w, false);
            } catch (io.prodigy.api.ProdigyException e) {
                LOG.warn("could not release the worktree {}: {}", w.directory(), e.getMessage());
            } finally {
                done(w);
            }
        }
    }

    /** Does the pending releases and stops the cache's thread. */
    @Override
    public void close() {
        releaser.shutdown();
        try {
            releaser.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainReleases();
    }

    /** @return the output of a git fetch into the cache repository (serialized like {@link #acquire}) */
    synchronized String fetch(Path repo, String remote, String refspec) {
        return Git.check(repo, Git.fetch(remote, refspec));
    }

    /**
     * @return the cache repository for a remote, made on first use (later calls do not wait for the cache's lock, so
     *     an item's first look at the remote does not queue behind another item's worktree release)
     */
    Path repository(String remote) {
        Path ready = readyRepositories.get(remote);
        return ready != null ? ready : openRepository(remote);
    }

    private synchronized Path openRepository(String remote) {
        Path repo = dir.resolve("repos").resolve(hash(remote));
        if (!Files.isDirectory(repo.resolve(".git"))) {
            try {
                Files.createDirectories(repo);
            } catch (java.io.IOException e) {
                throw new IsolationException("cannot create the worker cache " + repo + ": " + e.getMessage(), e);
            }
            Git.check(repo, "init", "-q");
            shareObjects(repo, remote);
            if (Git.run(repo, null, "config", "user.email").output().isBlank()) {
                // agents commit with the identity the environment gives them; this is only the fallback
                Git.check(repo, "config", "user.email", "prodigy-worker@localhost");
                Git.check(repo, "config", "user.name", "Prodigy worker");
            }
        }
        if (!checkedShared.contains(repo)) {
            checkedShared.add(repo);
            if (Files.isRegularFile(repo.resolve(".git/objects/info/alternates"))) {
                shared.add(repo);
            }
        }
        readyRepositories.put(remote, repo);
        return repo;
    }

    /**
     * @param repo a cache repository ({@link #repository})
     * @param remote its remote
     * @param worktree an item's worktree in it
     * @return where the item's work can be published without {@code git push} (see {@link InPlacePublication}), or
     *     empty if the cache does not read that remote's objects in place (a URL, {@code file://} included)
     */
    java.util.Optional<InPlacePublication.Target> inPlaceTarget(Path repo, String remote, Path worktree) {
        Path local = remote.startsWith("file://") ? null : SettledRefs.localRepository(remote);
        if (local == null || !shared.contains(repo)) {
            return java.util.Optional.empty();
        }
        Path objects = repo.resolve(".git/objects");
        try {
            String alternate = Files.readAllLines(objects.resolve("info/alternates")).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst()
                    .orElse("");
            if (alternate.isEmpty() || !Files.isDirectory(Path.of(alternate))) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new InPlacePublication.Target(worktree, objects, local, Path.of(alternate)));
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * A remote that is a path of a repository on this machine (workers beside the user's repository; not a
     * {@code file://} URL): the cache reads its
     * objects in place (git's alternates) instead of fetching each new run head. The cache then depends on the remote's
     * objects, which a repository keeps while they are reachable or recent; delete the cache (it is only a cache) if
     * the remote was pruned of commits the cache still names.
     */
    private static void shareObjects(Path repo, String remote) {
        Path local = remote.startsWith("file://") ? null : SettledRefs.localRepository(remote);
        if (local == null) {
            return; // a URL, file:// included, goes through git's transport
        }
        Git.Result objects = Git.run(local, null, "rev-parse", "--path-format=absolute", "--git-path", "objects");
        if (!objects.ok() || !Files.isDirectory(Path.of(objects.output()))) {
            return; // fetching works everywhere: this is only a shortcut
        }
        try {
            Path alternates = repo.resolve(".git/objects/info/alternates");
            Files.createDirectories(alternates.getParent());
            Files.writeString(alternates, objects.output() + "\n");
        } catch (java.io.IOException e) {
            throw new IsolationException(
                    "cannot write " + repo + "/.git/objects/info/alternates: " + e.getMessage(), e);
        }
    }

    /** A run (and stage) this worker has items of: its checkout opened as a run workspace, and its head. */
    private static final class RunEntry {
        final Path repo;
        final String localBase;
        final String firstBase;
        final Workspace workspace;
        final String key;
        final Path checkout;
        final Path state;
        String head;
        /** Item worktrees of the run handed out and not released. */
        int inUse;
        /** When the run last had an item, in {@link #clock} ticks. */
        long lastUsed;

        RunEntry(
                Path repo,
                String localBase,
                String firstBase,
                Workspace workspace,
                String key,
                Path checkout,
                Path state) {
            this.key = key;
            this.checkout = checkout;
            this.state = state;
            this.repo = repo;
            this.localBase = localBase;
            this.firstBase = firstBase;
            this.workspace = workspace;
            this.head = firstBase;
        }
    }

    /** @return the run's entry, its base fetched from the remote and checked out on first use */
    private RunEntry run(ItemTask task) {
        String key = task.remote() + "\n" + task.baseRef();
        RunEntry entry = runs.get(key);
        if (entry != null) {
            return entry;
        }
        Path repo = repository(task.remote());
        String local = "refs/prodigy-base/" + hash(key);
        String base;
        if (task.baseCommit() != null && shared.contains(repo) && has(repo, task.baseCommit())) {
            base = task.baseCommit(); // readable in the remote's objects: nothing to fetch
        } else {
            fetch(repo, task.remote(), "+" + task.baseRef() + ":" + local);
            base = task.baseCommit() != null && has(repo, task.baseCommit())
                    ? task.baseCommit()
                    : Git.check(repo, "rev-parse", local + "^{commit}");
        }
        Path checkout = dir.resolve("bases").resolve(hash(key));
        if (!Files.isDirectory(checkout)) {
            Git.check(repo, "worktree", "add", "-q", "-B", "base-" + hash(key), checkout.toString(), base);
        }
        String runName = Git.refSafe(task.runId()) + "-s" + task.stageIndex();
        RunContext context = new RunContext(
                runName, task.workflowName(), checkout, dir.resolve("state").resolve(runName), MergeSteps.NONE, null);
        Workspace ws;
        try {
            ws = isolation.openRun(context);
        } catch (IsolationException e) {
            ws = isolation.resumeRun(context, null); // a worker restarted on the same cache
        }
        entry = new RunEntry(
                repo, local, base, ws, key, checkout, dir.resolve("state").resolve(runName));
        entry.head =
                ws.versionControl().map(io.prodigy.api.spi.VersionControl::head).orElse(base);
        entry.lastUsed = ++clock;
        runs.put(key, entry);
        evictBeyondBound(entry);
        return entry;
    }

    /**
     * Evicts the least recently used runs without an item running while the cache holds more than its bound (a run
     * with items running stays, so the bound can be exceeded while they run).
     */
    private void evictBeyondBound(RunEntry opened) {
        while (runs.size() > maxRuns) {
            RunEntry oldest = runs.values().stream()
                    .filter(r -> r.inUse == 0 && r != opened)
                    .min(java.util.Comparator.comparingLong(r -> r.lastUsed))
                    .orElse(null);
            if (oldest == null) {
                return;
            }
            evict(oldest);
        }
    }

    /**
     * Removes a run from the cache: closes its run workspace (its idle item worktrees go), then removes every
     * worktree and branch of the cache's isolation that no live run uses (this run's, and those a previous worker
     * process on this cache left; their work is on the shared remote already), the run's checkout of its base, its
     * local base ref and its state. A later item of the run opens it again, as on first use. Failures are logged:
     * eviction only frees space.
     */
    private void evict(RunEntry run) {
        runs.remove(run.key);
        LOG.info("evicting run {} from the worker cache ({} runs at most)", run.checkout.getFileName(), maxRuns);
        try {
            isolation.closeRun(run.workspace, io.prodigy.api.RunStatus.CANCELLED);
        } catch (io.prodigy.api.ProdigyException e) {
            LOG.warn("could not close run {} in the worker cache: {}", run.key, e.getMessage());
        }
        try {
            // every repository of the cache's home: its runs share one record folder per cache repository
            io.prodigy.git.CleanupReport report =
                    io.prodigy.git.Worktrees.of(isolation).clean(true);
            LOG.debug("worker cache clean-up removed {}, skipped {}", report.removed(), report.skipped());
        } catch (io.prodigy.api.ProdigyException e) {
            LOG.warn("could not clean the worker cache's worktrees: {}", e.getMessage());
        }
        removeCheckout(run.repo, run.checkout);
        Git.run(run.repo, null, "update-ref", "-d", run.localBase);
        deleteTree(run.state);
        // checkouts a previous worker process on this cache left, of runs this one has not opened
        java.util.Set<Path> open = new java.util.HashSet<>();
        runs.values().forEach(r -> open.add(r.checkout));
        try (java.util.stream.Stream<Path> bases = Files.list(dir.resolve("bases"))) {
            for (Path stale : bases.filter(p -> !open.contains(p)).toList()) {
                removeCheckout(run.repo, stale);
            }
        } catch (java.io.IOException e) {
            LOG.warn("could not list the worker cache's checkouts: {}", e.getMessage());
        }
    }

    /** Removes a run's checkout of its base (a worktree of the cache repository) and its branch. */
    private static void removeCheckout(Path repo, Path checkout) {
        Git.run(repo, null, "worktree", "remove", "--force", "--force", checkout.toString());
        deleteTree(checkout); // not a worktree git knows (any more): the directory only
        Git.run(repo, null, "worktree", "prune");
        Git.run(repo, null, "branch", "-D", "-q", "base-" + checkout.getFileName());
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            LOG.warn("could not delete {}: {}", root, e.getMessage());
        }
    }

    /** @return the keys of the runs the cache holds now (for tests) */
    synchronized java.util.Set<String> runKeys() {
        return java.util.Set.copyOf(runs.keySet());
    }

    private static boolean has(Path repo, String commit) {
        return Git.run(repo, null, "cat-file", "-e", commit + "^{commit}").ok();
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
