package io.prodigy.api.spi;

/**
 * Where the attempts of map items execute: the seam between the engine, which keeps dispatch order, the
 * {@code max_parallel} limit, the item retry policy, the serial merge queue, the DLQ, the journal and the events,
 * and the place where an item's agent template actually runs.
 *
 * <p>The default runs every attempt in this process, in a workspace from the run's {@link IsolationStrategy}
 * ({@link #LOCAL}). Another executor (for example {@code prodigy-temporal}'s, which runs attempts on workers on other
 * machines) returns an outcome whose workspace already holds the item's commits; the engine integrates it exactly as
 * a local one. Implementations are called from several threads at once (up to {@code max_parallel}), must be
 * thread-safe, and must return promptly once {@link MapAttemptContext#isCancelled()} turns true.
 *
 * @since 0.1
 */
public interface MapExecutor {

    /** Runs every attempt here, in a workspace from the run's isolation strategy. */
    MapExecutor LOCAL = new MapExecutor() {
        @Override
        public MapAttemptOutcome attempt(MapAttempt attempt, MapAttemptContext context) throws InterruptedException {
            return context.runHere(context.acquireWorkspace());
        }

        @Override
        public String toString() {
            return "local";
        }
    };

    /**
     * Runs one attempt of one item and waits for it.
     *
     * @param attempt what to run (small, serializable values only)
     * @param context access to the run's isolation and, for running in this process, to the engine's step runner
     * @return the outcome; a failure of the agent is an outcome with an error, not an exception
     * @throws InterruptedException if the run's thread is interrupted (the run is being cancelled)
     * @throws io.prodigy.api.ProdigyException if the executor itself fails (the engine records the item as failed
     *     with that message)
     */
    MapAttemptOutcome attempt(MapAttempt attempt, MapAttemptContext context) throws InterruptedException;

    /**
     * Tells the executor that the engine has journaled what follows an attempt: the item's end (its work integrated,
     * or its failure recorded), or the item's next attempt. No resume and no DLQ reprocess will ask for this attempt
     * again, so an executor may drop what it kept to replay it (a remote executor's pushed result). Not called for an
     * attempt that was cancelled (a resume runs it again under the same number). Called on the item's thread; must
     * not block for long. The default does nothing; an exception is logged and ignored.
     *
     * @param attempt the settled attempt
     */
    default void attemptSettled(MapAttempt attempt) {}

    /**
     * Tells the executor that the map phase of a stage ended, after the journal records every item that ended.
     * With {@code settled} every item of the stage ended (succeeded or failed, none cancelled or left undispatched):
     * no attempt of the stage will be resumed, and whatever the executor kept for the stage's attempts may go. The
     * default does nothing; an exception is logged and ignored.
     *
     * @param runId the run's id
     * @param stageIndex the stage's index
     * @param runWorkspace the run's workspace
     * @param settled whether every item of the stage ended
     */
    default void mapPhaseEnded(String runId, int stageIndex, Workspace runWorkspace, boolean settled) {}
}
