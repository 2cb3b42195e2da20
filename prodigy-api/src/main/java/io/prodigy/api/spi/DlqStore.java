package io.prodigy.api.spi;

import java.util.List;
import java.util.Optional;

/**
 * The Dead Letter Queue: failed items kept for inspection and reprocessing.
 *
 * <p>Contract: thread-safe. Adding an entry for an item that already has one merges the attempts into it.
 * Failures are reported with {@link io.prodigy.api.StoreException}.
 *
 * @since 0.1
 */
public interface DlqStore {

    /** @param entry a failed item */
    void add(DlqEntry entry);

    /**
     * @param runId the run
     * @return its entries, in the order they were first added
     */
    List<DlqEntry> list(String runId);

    /**
     * @param runId the run
     * @param itemId the item
     * @return its entry, if any
     */
    Optional<DlqEntry> find(String runId, String itemId);

    /**
     * @param runId the run
     * @param itemId the item now resolved
     */
    void markResolved(String runId, String itemId);

    /**
     * @param runId the run whose entries are deleted
     * @return how many were deleted
     */
    int purge(String runId);

    /**
     * Streams a run's entries without holding them all in memory (a DLQ may hold 100,000 entries).
     *
     * @param runId the run
     * @param consumer receives each entry, in the order they were first added
     */
    default void forEach(String runId, java.util.function.Consumer<DlqEntry> consumer) {
        list(runId).forEach(consumer);
    }

    /**
     * @param runId the run
     * @param cutoff entries whose last failure is before this instant are deleted
     * @return how many were deleted
     */
    int purgeOlderThan(String runId, java.time.Instant cutoff);

    /** @return the ids of the runs that have entries */
    List<String> runIds();
}
