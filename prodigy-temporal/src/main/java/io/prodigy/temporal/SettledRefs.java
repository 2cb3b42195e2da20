package io.prodigy.temporal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the refs of settled attempts from the shared remote, in batches: one git process per batch of refs, never
 * one per item. A ref is queued only once the engine has journaled what follows its attempt (see
 * {@link io.prodigy.api.spi.MapExecutor#attemptSettled}); the queue is flushed when it holds {@code batchSize} refs
 * and when a map phase ends, and a phase whose every item ended has all of its refs and its base ref swept. On a
 * remote that is a directory of this machine the refs are deleted in place with {@code git update-ref --stdin};
 * elsewhere with one {@code git push --delete}. Failures are logged, never thrown: a ref left behind costs space
 * only, and {@code prodigy temporal refs} lists and removes leftovers. Thread-safe.
 */
final class SettledRefs {
    private static final Logger LOG = LoggerFactory.getLogger(SettledRefs.class);
    /** Refs per {@code git push --delete} (bounds the command line). */
    private static final int PER_PUSH = 500;

    private final int batchSize;
    /** Remote to the refs waiting for deletion there. */
    private final Map<String, Set<String>> pending = new LinkedHashMap<>();

    SettledRefs(int batchSize) {
        this.batchSize = Math.max(1, batchSize);
    }

    /**
     * Queues a ref for deletion; deletes the remote's queue once it holds a batch.
     *
     * @param dir a git repository to run git in (the coordinator's)
     * @param remote the remote's URL
     * @param ref the ref to delete
     */
    void add(Path dir, String remote, String ref) {
        List<String> batch = null;
        synchronized (this) {
            Set<String> refs = pending.computeIfAbsent(remote, r -> new LinkedHashSet<>());
            refs.add(ref);
            if (refs.size() >= batchSize) {
                batch = new ArrayList<>(refs);
                pending.remove(remote);
            }
        }
        if (batch != null) {
            delete(dir, remote, batch);
        }
    }

    /**
     * Deletes every ref queued for a remote, and with {@code prefix} every ref under it on the remote as well as
     * {@code extra}.
     *
     * @param dir a git repository to run git in
     * @param remote the remote's URL
     * @param prefix a ref folder to sweep whole ({@code refs/prodigy/<run>/}), or null
     * @param extra further refs to delete (the run's base ref)
     */
    void flush(Path dir, String remote, String prefix, Collection<String> extra) {
        Set<String> refs;
        synchronized (this) {
            refs = pending.remove(remote);
        }
        Set<String> all = new LinkedHashSet<>();
        if (refs != null) {
            all.addAll(refs);
        }
        if (prefix != null) {
            all.addAll(list(dir, remote, prefix));
            all.addAll(extra);
        }
        if (!all.isEmpty()) {
            delete(dir, remote, new ArrayList<>(all));
        }
    }

    /** @return every ref under {@code prefix} on the remote (empty if it cannot be listed) */
    static List<String> list(Path dir, String remote, String prefix) {
        Path local = localRepository(remote);
        Git.Result r = local != null
                ? Git.run(local, null, "for-each-ref", "--format=%(refname)", prefix)
                : Git.run(dir, null, "ls-remote", "--refs", remote, prefix + "*");
        if (!r.ok()) {
            LOG.warn("could not list the refs under {} on {}: {}", prefix, remote, r.output());
            return List.of();
        }
        List<String> refs = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String name = line.contains("\t") ? line.substring(line.indexOf('\t') + 1) : line.strip();
            if (name.startsWith(prefix)) {
                refs.add(name);
            }
        }
        return refs;
    }

    /**
     * Deletes refs on a remote; a ref that does not exist is no error.
     *
     * @return whether git succeeded
     */
    static boolean delete(Path dir, String remote, List<String> refs) {
        Path local = localRepository(remote);
        if (local != null) {
            StringBuilder in = new StringBuilder();
            refs.forEach(r -> in.append("delete ").append(r).append('\n'));
            Git.Result r = Git.run(local, in.toString(), "update-ref", "--stdin");
            if (!r.ok()) {
                LOG.warn("could not delete {} ref(s) in {}: {}", refs.size(), remote, r.output());
            }
            return r.ok();
        }
        boolean ok = true;
        for (int from = 0; from < refs.size(); from += PER_PUSH) {
            List<String> args = new ArrayList<>(List.of("push", "-q", remote, "--delete"));
            args.addAll(refs.subList(from, Math.min(refs.size(), from + PER_PUSH)));
            Git.Result r = Git.run(dir, null, args.toArray(String[]::new));
            if (!r.ok()) {
                LOG.warn("could not delete {} ref(s) on {}: {}", refs.size(), remote, r.output());
                ok = false;
            }
        }
        return ok;
    }

    /** @return the repository directory when the remote is a path on this machine, else null */
    static Path localRepository(String remote) {
        if (remote.contains("://") && !remote.startsWith("file://")) {
            return null;
        }
        String path = remote.startsWith("file://") ? remote.substring("file://".length()) : remote;
        if (!path.startsWith("/") && path.indexOf(':') > 0) {
            return null; // scp-like host:path
        }
        try {
            Path p = Path.of(path);
            return Files.isDirectory(p) ? p : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
