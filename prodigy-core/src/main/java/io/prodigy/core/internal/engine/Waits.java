package io.prodigy.core.internal.engine;

import io.prodigy.core.internal.process.CancellationToken;
import java.time.Duration;

/** Cancellable waiting for backoff delays and an open circuit breaker. */
public final class Waits {
    private static final long SLICE_NANOS = 50_000_000L;

    private Waits() {}

    /**
     * Waits for the duration or until the token is cancelled, whichever comes first.
     *
     * @param d how long
     * @param token the run's cancellation
     * @throws InterruptedException if the thread is interrupted
     */
    public static void sleep(Duration d, CancellationToken token) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while (!token.isCancelled() && (left = end - System.nanoTime()) > 0) {
            long slice = Math.min(left, SLICE_NANOS);
            Thread.sleep(slice / 1_000_000L, (int) (slice % 1_000_000L));
        }
    }
}
