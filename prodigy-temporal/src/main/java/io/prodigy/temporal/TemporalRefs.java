package io.prodigy.temporal;

import io.prodigy.api.IsolationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The refs that runs on Temporal keep on a shared remote: per run (and MapReduce stage) its base ref,
 * {@code refs/prodigy-base/<run>}, and one {@code refs/prodigy/<run>/<item>@<attempt>} per attempt that produced work.
 * The executor deletes them as the attempts settle and when a map phase ends with every item ended; a coordinator
 * that died and was never resumed leaves its run's refs behind. This lists them by run and deletes those of chosen
 * runs (for {@code prodigy temporal refs}).
 */
public final class TemporalRefs {
    private static final Pattern STAGE = Pattern.compile("(.*)-s([0-9]+)");

    private final Path dir;
    private final String remote;

    private TemporalRefs(Path dir, String remote) {
        this.dir = dir;
        this.remote = remote;
    }

    /**
     * @param dir a git repository to run git in
     * @param remote the shared remote's URL or path
     * @return the refs of runs on that remote
     */
    public static TemporalRefs of(Path dir, String remote) {
        return new TemporalRefs(Objects.requireNonNull(dir, "dir"), Objects.requireNonNull(remote, "remote"));
    }

    /**
     * The refs of one run's stage on the remote.
     *
     * @param runKey the run's part of the ref names: the run id made ref-safe, with {@code -s<stage>} after the first
     *               stage
     * @param refs every ref of it, the base ref included
     */
    public record RunRefs(String runKey, List<String> refs) {
        /** Copies. */
        public RunRefs {
            refs = List.copyOf(refs);
        }

        /**
         * @return the run id, without the stage suffix of a later stage (as ref-safe as the ref names make it)
         */
        public String runId() {
            Matcher m = STAGE.matcher(runKey);
            return m.matches() ? m.group(1) : runKey;
        }
    }

    /**
     * @return every run with refs on the remote, by run key
     * @throws IsolationException if the remote cannot be listed
     */
    public List<RunRefs> list() {
        Path local = SettledRefs.localRepository(remote);
        Git.Result r = local != null
                ? Git.run(local, null, "for-each-ref", "--format=%(refname)", "refs/prodigy/", "refs/prodigy-base/")
                : Git.run(dir, null, "ls-remote", "--refs", remote, "refs/prodigy/*", "refs/prodigy-base/*");
        if (!r.ok()) {
            throw new IsolationException("cannot list the refs of " + remote + ": " + r.output());
        }
        Map<String, List<String>> byRun = new TreeMap<>();
        for (String line : r.output().split("\n")) {
            String name = line.contains("\t") ? line.substring(line.indexOf('\t') + 1) : line.strip();
            String key = null;
            if (name.startsWith("refs/prodigy-base/")) {
                key = name.substring("refs/prodigy-base/".length());
            } else if (name.startsWith("refs/prodigy/") && name.indexOf('/', "refs/prodigy/".length()) > 0) {
                key = name.substring("refs/prodigy/".length(), name.indexOf('/', "refs/prodigy/".length()));
            }
            if (key != null && !key.isEmpty()) {
                byRun.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
            }
        }
        List<RunRefs> out = new ArrayList<>();
        byRun.forEach((k, v) -> out.add(new RunRefs(k, v)));
        return out;
    }

    /**
     * Deletes refs from the remote in one git process (a ref already gone is no error).
     *
     * @param refs the refs
     * @return whether git succeeded
     */
    public boolean delete(List<String> refs) {
        return refs.isEmpty() || SettledRefs.delete(dir, remote, List.copyOf(refs));
    }

    /**
     * @param runId a run's id
     * @return its part of ref names, as the executor writes them for the first stage
     */
    public static String runKey(String runId) {
        return Git.refSafe(Objects.requireNonNull(runId, "runId"));
    }
}
