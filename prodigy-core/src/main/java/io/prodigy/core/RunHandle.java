package io.prodigy.core;

import io.prodigy.api.ProgressSnapshot;
import io.prodigy.api.RunResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A run started with {@link Prodigy#start}: watch its progress, cancel it, or wait for its result.
 * Thread-safe.
 */
public final class RunHandle {
    private final String runId;
    private final Supplier<ProgressSnapshot> progress;
    private final Runnable canceller;
    private final CompletableFuture<RunResult> result;

    RunHandle(
            String runId,
            Supplier<ProgressSnapshot> progress,
            Runnable canceller,
            CompletableFuture<RunResult> result) {
        this.runId = runId;
        this.progress = progress;
        this.canceller = canceller;
        this.result = result;
    }

    /** @return the run's id */
    public String runId() {
        return runId;
    }

    /** @return the current progress; cheap, callable at any time */
    public ProgressSnapshot progress() {
        return progress.get();
    }

    /**
     * Stops dispatching new items and steps, terminates running steps' process trees and interrupts running
     * agents. Finished work is kept and reported; the result's status is {@code CANCELLED}. Idempotent.
     */
    public void cancel() {
        canceller.run();
    }

    /** @return a future completed with the result when the run ends (it never completes exceptionally) */
    public CompletableFuture<RunResult> result() {
        return result;
    }

    /** @return whether the run has ended */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits for the run to end.
     *
     * @return the result
     * @throws InterruptedException if the waiting thread is interrupted (the run goes on)
     */
    public RunResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the run ended with an unexpected error", e.getCause());
        }
    }
}
