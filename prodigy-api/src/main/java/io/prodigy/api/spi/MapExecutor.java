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
}
