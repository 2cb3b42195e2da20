package io.prodigy.core.internal.engine;

import io.prodigy.core.internal.process.CancellationToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Rate-limit-aware admission of map items: at most {@code limit} items run at once, where the limit starts at
 * {@code max_parallel}, halves when the agent backend throttles (429/529; at most once per second, so one burst
 * of throttled agents counts once), and grows back by one after {@code limit} consecutive successes. An
 * exhausted quota parks all new dispatch until its reset time. Thread-safe.
 */
final class ConcurrencyGovernor {
    private static final long DECREASE_SPACING_NANOS = 1_000_000_000L;
    private static final long WAIT_SLICE_MILLIS = 50;

    private final int max;
    private final Clock clock;
    private int limit;
    private int running;
    private int successes;
    private long lastDecrease = Long.MIN_VALUE;
    private Instant parkedUntil;

    ConcurrencyGovernor(int max, Clock clock) {
        this.max = max;
        this.limit = max;
        this.clock = clock;
    }

    /** Waits until an item may start, then counts it as running. */
    synchronized void acquire(CancellationToken token, java.util.function.BooleanSupplier stop)
            throws InterruptedException {
        while (!token.isCancelled() && !stop.getAsBoolean()) {
            Instant now = clock.instant();
            if (parkedUntil != null && now.isBefore(parkedUntil)) {
                wait(Math.max(1, Math.min(WAIT_SLICE_MILLIS, Duration.between(now, parkedUntil).toMillis())));
                continue;
            }
            if (running < limit) {
                running++;
                return;
            }
            wait(WAIT_SLICE_MILLIS);
        }
    }

    /** An item that was admitted has ended. */
    synchronized void release(boolean success) {
        running--;
        if (success) {
            successes++;
            if (successes >= limit && limit < max) {
                limit++;
                successes = 0;
            }
        } else {
            successes = 0;
        }
        notifyAll();
    }

    /**
     * The backend throttled an agent.
     *
     * @param quotaResetAt when a quota resets, or null for a rate limit
     * @return the limit from now on
     */
    synchronized int throttled(Instant quotaResetAt) {
        long now = System.nanoTime();
        successes = 0;
        if (lastDecrease == Long.MIN_VALUE || now - lastDecrease >= DECREASE_SPACING_NANOS) {
            limit = Math.max(1, limit / 2);
            lastDecrease = now;
        }
        if (quotaResetAt != null && (parkedUntil == null || quotaResetAt.isAfter(parkedUntil))) {
            parkedUntil = quotaResetAt;
        }
        notifyAll();
        return limit;
    }

    synchronized int limit() {
        return limit;
    }

    synchronized Instant parkedUntil() {
        return parkedUntil;
    }

    /** Wakes waiters (after cancellation or a stop). */
    synchronized void wake() {
        notifyAll();
    }
}
