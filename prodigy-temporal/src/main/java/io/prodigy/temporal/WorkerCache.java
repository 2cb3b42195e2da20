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
 * opened as a run workspace of {@link WorktreeIsolation}, from which each item gets its own worktree and branch.
 * Thread-safe.
 */
final class WorkerCache {
    private final Path dir;
    private final WorktreeIsolation isolation;
    private final Map<String, Workspace> runs = new HashMap<>();

    WorkerCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.isolation = WorktreeIsolation.builder()
                .prodigyHome(this.dir.resolve("home"))
                .build();
    }

    /**
     * Makes an item's worktree. Worktree changes and fetches in the cache repository are serialized: a fetch that
     * runs while a worktree is being added or removed can see that worktree's half-made HEAD and fail.
     */
    synchronized Workspace acquire(Workspace run, ItemKey item) {
        return isolation.acquire(run, item);
    }

    /** Releases an item's worktree (serialized like {@link #acquire}). */
    synchronized void release(Workspace item) {
        isolation.release(item, false);
    }

    /** @return the output of a git fetch into the cache repository (serialized like {@link #acquire}) */
    synchronized String fetch(Path repo, String remote, String refspec) {
        return Git.check(repo, "fetch", "-q", remote, refspec);
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
            if (Git.run(repo, null, "config", "user.email").output().isBlank()) {
                // agents commit with the identity the environment gives them; this is only the fallback
                Git.check(repo, "config", "user.email", "prodigy-worker@localhost");
                Git.check(repo, "config", "user.name", "Prodigy worker");
            }
        }
        return repo;
    }

    /**
     * @param task the attempt
     * @return the run workspace holding the run's base, fetched from the remote on first use
     */
    synchronized Workspace runWorkspace(ItemTask task) {
        String key = task.remote() + "\n" + task.baseRef();
        Workspace ws = runs.get(key);
        if (ws != null) {
            return ws;
        }
        Path repo = repository(task.remote());
        String local = "refs/prodigy-base/" + hash(key);
        fetch(repo, task.remote(), "+" + task.baseRef() + ":" + local);
        String base = Git.check(repo, "rev-parse", local + "^{commit}");
        Path checkout = dir.resolve("bases").resolve(hash(key));
        if (!Files.isDirectory(checkout)) {
            Git.check(repo, "worktree", "add", "-q", "-B", "base-" + hash(key), checkout.toString(), base);
        }
        String runName = Git.refSafe(task.runId()) + "-s" + task.stageIndex();
        RunContext context = new RunContext(
                runName, task.workflowName(), checkout, dir.resolve("state").resolve(runName), MergeSteps.NONE, null);
        try {
            ws = isolation.openRun(context);
        } catch (IsolationException e) {
            ws = isolation.resumeRun(context, null); // a worker restarted on the same cache
        }
        runs.put(key, ws);
        return ws;
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
