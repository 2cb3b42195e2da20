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
final class WorkerCache {
    private final Path dir;
    private final WorktreeIsolation isolation;
    private final Map<String, RunEntry> runs = new HashMap<>();
    /** Cache repositories that read their remote's objects in place (see {@link #shareObjects}). */
    private final java.util.Set<Path> shared = new java.util.HashSet<>();

    private final java.util.Set<Path> checkedShared = new java.util.HashSet<>();

    WorkerCache(Path dir) {
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
        return isolation.acquire(run.workspace, new ItemKey(task.stageIndex(), task.itemId()));
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
        isolation.release(item, false);
    }

    /** @return the output of a git fetch into the cache repository (serialized like {@link #acquire}) */
    synchronized String fetch(Path repo, String remote, String refspec) {
        return Git.check(repo, Git.fetch(remote, refspec));
    }

    /** @return the cache repository for a remote, made on first use */
    synchronized Path repository(String remote) {
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
        return repo;
    }

    /**
     * @param repo a cache repository ({@link #repository})
     * @param remote its remote
     * @param worktree an item's worktree in it
     * @return where the item's work can be published without {@code git push} (see {@link InPlacePublication}), or
     *     empty if the cache does not read that remote's objects in place (a URL, {@code file://} included)
     */
    synchronized java.util.Optional<InPlacePublication.Target> inPlaceTarget(Path repo, String remote, Path worktree) {
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
        String head;

        RunEntry(Path repo, String localBase, String firstBase, Workspace workspace) {
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
        entry = new RunEntry(repo, local, base, ws);
        entry.head =
                ws.versionControl().map(io.prodigy.api.spi.VersionControl::head).orElse(base);
        runs.put(key, entry);
        return entry;
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
