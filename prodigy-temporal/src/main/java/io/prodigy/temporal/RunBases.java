package io.prodigy.temporal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of the runs' bases on the shared remote: before an attempt is dispatched, the commit it must
 * start from (the run's head at that moment, as a local item branches at the run's current HEAD) is published at the
 * run's base ref, {@code refs/prodigy-base/<run>}. One push per new head, shared by every attempt dispatched at that
 * head. The run's head only moves forward (item merges), so every head published earlier is an ancestor of the ref's
 * tip: a worker that fetches the ref later still finds the commit its attempt names. Thread-safe.
 */
final class RunBases {
    private static final Logger LOG = LoggerFactory.getLogger(RunBases.class);

    /** Remote and base ref to the commit last published there. */
    private final Map<String, String> published = new HashMap<>();

    /**
     * Publishes a commit at a run's base ref unless this executor published it there already.
     *
     * @param runDir the run's workspace (a worktree of the coordinator's repository)
     * @param remote the shared remote's URL
     * @param sameRepository whether the remote is the coordinator's repository itself (the ref is then set in place)
     * @param baseRef the run's base ref
     * @param commit the commit to publish
     * @throws io.prodigy.api.IsolationException if git fails
     */
    synchronized void publish(Path runDir, String remote, boolean sameRepository, String baseRef, String commit) {
        String key = remote + "\n" + baseRef;
        if (commit.equals(published.get(key))) {
            return;
        }
        if (sameRepository) {
            Git.check(runDir, "update-ref", baseRef, commit);
        } else {
            Git.check(runDir, "push", "-q", "--force", remote, commit + ":" + baseRef);
        }
        LOG.debug("published {} at {} {}", commit, remote, baseRef);
        published.put(key, commit);
    }

    /** Forgets what was published at a base ref (it was deleted): the next attempt publishes it again. */
    synchronized void forget(String remote, String baseRef) {
        published.remove(remote + "\n" + baseRef);
    }
}
