package io.prodigy.core.internal.engine;

import io.prodigy.api.Step;
import io.prodigy.api.spi.Workspace;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which {@link Step#oncePerWorktree() once-per-worktree} steps of an agent template have succeeded in which reused
 * workspace ({@link Workspace#reuseKey()}): a step that has is skipped on the later items the same workspace serves.
 * A run keeps one per map stage; a worker process (which runs attempts of many runs) keeps one for all of them, as
 * reuse keys never repeat. Holds at most a fixed number of entries, forgetting the least recently used one beyond
 * that (its step then runs once more). Thread-safe.
 */
final class OncePerWorktreeSteps {
    /** Far more than the reused workspaces of any run (they number its parallelism, plus replacements). */
    static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, Boolean> succeeded;

    /** @param capacity the most entries kept */
    OncePerWorktreeSteps(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.succeeded = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A ledger of {@link #DEFAULT_CAPACITY} entries. */
    OncePerWorktreeSteps() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param step a step of an agent template
     * @param workspace the workspace it is about to run in
     * @param stage the stage index of the template
     * @param index the step's index in the template
     * @return the key under which the step's success in this workspace is recorded; empty when the step runs for
     *         every item (it is not once-per-worktree, or the workspace is fresh)
     */
    static Optional<String> keyOf(Step step, Workspace workspace, int stage, int index) {
        if (!step.oncePerWorktree()) {
            return Optional.empty();
        }
        return workspace.reuseKey().map(k -> k + "\n" + stage + "\n" + index);
    }

    /**
     * @param key a key from {@link #keyOf}
     * @return whether the step has succeeded in that workspace before
     */
    synchronized boolean hasSucceeded(String key) {
        return succeeded.get(key) != null;
    }

    /** @param key a key from {@link #keyOf}: its step succeeded in its workspace */
    synchronized void succeeded(String key) {
        succeeded.put(key, Boolean.TRUE);
    }
}
