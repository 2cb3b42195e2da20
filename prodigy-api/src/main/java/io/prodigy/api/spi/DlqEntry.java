package io.prodigy.api.spi;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A failed MapReduce item in the Dead Letter Queue.
 *
 * @param runId the run it failed in
 * @param itemId the item's id
 * @param itemJson the item as JSON text
 * @param attempts every failed attempt, oldest first
 * @param workspace the preserved workspace, or null
 * @param resolved whether a later reprocessing succeeded
 * @param firstFailure when it first failed
 * @param lastFailure when it last failed
 * @since 0.1
 */
public record DlqEntry(String runId, String itemId, String itemJson, List<FailedAttempt> attempts, @Nullable Path workspace,
                       boolean resolved, Instant firstFailure, Instant lastFailure) {
    /**
     * Copies.
     *
     * @param runId the run it failed in
     * @param itemId the item's id
     * @param itemJson the item as JSON text
     * @param attempts every failed attempt, oldest first
     * @param workspace the preserved workspace, or null
     * @param resolved whether a later reprocessing succeeded
     * @param firstFailure when it first failed
     * @param lastFailure when it last failed
     */
    public DlqEntry {
        attempts = List.copyOf(attempts);
    }

    /** @return the last attempt */
    public FailedAttempt lastAttempt() {
        return attempts.get(attempts.size() - 1);
    }
}
