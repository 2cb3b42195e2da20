package io.prodigy.core.internal.engine;

import io.prodigy.core.internal.process.CancellationToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Rate-limit-aware admission of map items: at most {@code limit} items run at once, where the limit starts at
 * {@code max_parallel}, halves when the agent backend throttles (429/529; at most once per second, so one burst
 * of throttled agents counts once), and grows back by one after {@code limit} consecutive successes. An
 * exhausted quota parks all new dispatch until its reset time. A running item whose agent was throttled steps
 * aside while it waits ({@link #stepAside()}) and is admitted again under the new limit ({@link #readmit}) before
 * its agent runs again, so that the number of agents running at once drops to the new limit. Thread-safe.
 */
final class ConcurrencyGovernor {
    private static final long DECREASE_SPACING_NANOS = 1_000_000_000L;
    private static final long WAIT_SLICE_MILLIS = 50;

    private final int max;
    private final Clock clock;
    private int limit;
    private int running;
    /**
     * Items that stepped aside to wait out a throttle. They still count against new dispatch (each holds a thread
     * of the map's pool, and goes before new items), but not against their own readmission.
     */
    private int aside;

    private int successes;
    private long lastDecrease = Long.MIN_VALUE;
    private Instant parkedUntil;
    /** The threads running an admitted item (they call {@link #bind()}), so a throttled step knows its slot. */
    private final java.util.Set<Thread> holders = new java.util.HashSet<>();

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
                wait(Math.max(
                        1,
                        Math.min(
                                WAIT_SLICE_MILLIS,
                                Duration.between(now, parkedUntil).toMillis())));
                continue;
            }
            if (running + aside < limit) {
                running++;
                return;
            }
            wait(WAIT_SLICE_MILLIS);
        }
    }

    /** The current thread runs the item that was just admitted; {@link #release} on it ends the binding. */
    synchronized void bind() {
        holders.add(Thread.currentThread());
    }

    /** @return whether the current thread runs an admitted item */
    synchronized boolean heldByCurrentThread() {
        return holders.contains(Thread.currentThread());
    }

    /** The current thread's item gives up its slot while it waits out a throttle; {@link #readmit} takes one again. */
    synchronized void stepAside() {
        running--;
        aside++;
        notifyAll();
    }

    /**
     * Waits until the item that stepped aside may run again under the current limit (and after a parked quota's
     * reset), then counts it as running again. When the run is cancelled or the thread is interrupted it is
     * counted as running anyway, so that its {@link #release} stays balanced.
     */
    synchronized void readmit(CancellationToken token) throws InterruptedException {
        try {
            while (!token.isCancelled()) {
                Instant now = clock.instant();
                if (parkedUntil != null && now.isBefore(parkedUntil)) {
                    wait(Math.max(
                            1,
                            Math.min(
                                    WAIT_SLICE_MILLIS,
                                    Duration.between(now, parkedUntil).toMillis())));
                    continue;
                }
                if (running < limit) {
                    return;
                }
                wait(WAIT_SLICE_MILLIS);
            }
        } finally {
            aside--;
            running++;
        }
    }

    /**
     * An item that was admitted has ended.
     *
     * @param success whether it succeeded
     * @return the limit from now on when this release raised it (after a throttle had lowered it), else 0
     */
    synchronized int release(boolean success) {
        holders.remove(Thread.currentThread());
        running--;
        if (success) {
            successes++;
            if (successes >= limit && limit < max) {
                limit++;
                successes = 0;
                notifyAll();
                return limit;
            }
        } else {
            successes = 0;
        }
        notifyAll();
        return 0;
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

    /** @return how many admitted items are running (not stepped aside) */
    synchronized int running() {
        return running;
    }

    synchronized Instant parkedUntil() {
        return parkedUntil;
    }

    /** Wakes waiters (after cancellation or a stop). */
    synchronized void wake() {
        notifyAll();
    }
}
