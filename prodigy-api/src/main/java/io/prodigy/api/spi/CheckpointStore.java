package io.prodigy.api.spi;

import io.prodigy.api.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable run state: a {@link RunRecord} per run and an append-only journal of {@link JournalEntry} facts.
 *
 * <p>Contract: thread-safe; {@link #append} is called from several engine threads; entries of one run must be
 * read back in the order they were appended. Secrets are masked by the engine before they reach the store.
 * Failures are reported with {@link io.prodigy.api.StoreException}.
 *
 * @since 0.1
 */
public interface CheckpointStore {

    /** @param record a new run */
    void createRun(RunRecord record);

    /**
     * @param runId the run
     * @param entry a fact to append
     */
    void append(String runId, JournalEntry entry);

    /**
     * @param runId the run
     * @param status its new status
     * @param at when
     */
    void updateStatus(String runId, RunStatus status, Instant at);

    /**
     * @param runId the run
     * @return its record, if known
     */
    Optional<RunRecord> findRun(String runId);

    /**
     * @param runId the run
     * @return its journal in order (empty for an unknown run)
     */
    List<JournalEntry> journal(String runId);

    /** @return every known run, newest first */
    List<RunRecord> runs();

    /**
     * Replaces a run's record (its workspace or metadata changed). The journal is untouched.
     *
     * @param record the new record of an existing run
     */
    void updateRun(RunRecord record);

    /**
     * Streams a run's journal in order without holding it all in memory.
     *
     * @param runId the run
     * @param consumer receives each entry
     */
    default void forEachEntry(String runId, java.util.function.Consumer<JournalEntry> consumer) {
        journal(runId).forEach(consumer);
    }

    /**
     * Streams what resuming a run needs of its journal: entries whose fold (in order) gives the same state as
     * folding the whole journal. A store may serve most of them from a compact snapshot and leave out entries a
     * later one makes redundant; the default streams the whole journal.
     *
     * @param runId the run
     * @param consumer receives each entry
     */
    default void replay(String runId, java.util.function.Consumer<JournalEntry> consumer) {
        forEachEntry(runId, consumer);
    }
}
