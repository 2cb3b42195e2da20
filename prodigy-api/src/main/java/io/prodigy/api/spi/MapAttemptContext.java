package io.prodigy.api.spi;

/**
 * What the engine offers a {@link MapExecutor} for one attempt.
 *
 * @since 0.1
 */
public interface MapAttemptContext {

    /** @return the run's workspace (where item work is integrated) */
    Workspace runWorkspace();

    /**
     * @return a fresh workspace for this item from the run's isolation strategy, starting from the run workspace's
     *     current state; the engine integrates and releases it after the attempt
     * @throws io.prodigy.api.IsolationException if it cannot be made
     */
    Workspace acquireWorkspace();

    /**
     * Gives back a workspace from {@link #acquireWorkspace()} that the outcome will not carry (an executor that
     * acquired it early, while the attempt ran elsewhere, and the attempt failed): it is removed, not kept for
     * debugging. The engine's context implements it; the default does nothing.
     *
     * @param workspace a workspace from {@link #acquireWorkspace()} of this attempt
     * @throws io.prodigy.api.IsolationException if it cannot be released
     */
    default void releaseWorkspace(Workspace workspace) {}

    /**
     * Runs the item's agent template in this process, in the given workspace.
     *
     * @param workspace a workspace from {@link #acquireWorkspace()}
     * @return the outcome
     * @throws InterruptedException if interrupted
     */
    MapAttemptOutcome runHere(Workspace workspace) throws InterruptedException;

    /** @return whether the run is being cancelled */
    boolean isCancelled();

    /**
     * Reports what an attempt running elsewhere is doing (a remote worker's heartbeat: the current step, the cost
     * so far); the engine forwards it to the run's listeners as an
     * {@link io.prodigy.api.event.RunEvent.AgentActivity} of this item. The default ignores it. Must not block.
     *
     * @param step the label of the step running now, or null if unknown
     * @param activity what to report (no secrets: it reaches every listener)
     */
    default void progress(String step, AgentActivity activity) {}
}
