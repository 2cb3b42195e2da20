package io.prodigy.core.internal.retry;

import io.prodigy.api.CircuitBreakerPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker over the items of a MapReduce phase. Thread-safe.
 *
 * <p>The dispatcher calls {@link #tryAcquire()} before starting an item and waits while it returns false
 * ({@link #remainingOpen()} says how long, while open); every started item then reports exactly one of
 * {@link #onSuccess()}, {@link #onFailure()} or {@link #release()}.
 *
 * <ul>
 *   <li><b>CLOSED</b>: every item may start. {@code failureThreshold} consecutive failures (a success resets
 *   the count) open the breaker.</li>
 *   <li><b>OPEN</b>: no item may start. Outcomes of items still in flight are ignored and do not extend the
 *   wait. Once {@code openTimeout} has passed since it opened, the breaker is half-open; the transition happens
 *   lazily on the next call of any method.</li>
 *   <li><b>HALF_OPEN</b>: up to {@code halfOpenRequests} trial items may be in flight at once; each outcome
 *   frees a trial slot. {@code successThreshold} consecutive successes close the breaker; any failure opens it
 *   again for a full {@code openTimeout}.</li>
 * </ul>
 *
 * <p>This follows the Rust tool's {@code error_policy::CircuitBreaker} with three deliberate differences, taken
 * from the contract of {@link CircuitBreakerPolicy}: there, {@code half_open_requests} was not a limit on trials
 * in flight but the number of half-open failures tolerated before reopening, and successes counted towards
 * closing were also collected while open. Here {@code halfOpenRequests} bounds concurrent trials, a single
 * half-open failure reopens, and only successes while half-open count.
 *
 * <p>The breaker cannot tell a trial from an item started before it opened: an outcome reported while
 * half-open counts as a trial's, whichever item it came from.
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State {
        /** Items flow. */
        CLOSED,
        /** No item may start until the open timeout has passed. */
        OPEN,
        /** A limited number of trial items decide whether to close or reopen. */
        HALF_OPEN
    }

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final CircuitBreakerPolicy policy;
    private final LongSupplier nanoTime;
    private final long openTimeoutNanos;
    private final Object lock = new Object();

    // all guarded by lock
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private int consecutiveSuccesses;
    private int trialsInFlight;
    private long openedAt;

    /**
     * Creates a closed breaker on the system's monotonic clock.
     *
     * @param policy thresholds and timeout
     * @throws NullPointerException if {@code policy} is null
     */
    public CircuitBreaker(CircuitBreakerPolicy policy) {
        this(policy, System::nanoTime);
    }

    /**
     * Creates a closed breaker.
     *
     * @param policy thresholds and timeout
     * @param nanoTime a monotonic clock in nanoseconds, like {@link System#nanoTime()}; only differences matter
     * @throws NullPointerException if an argument is null
     */
    public CircuitBreaker(CircuitBreakerPolicy policy, LongSupplier nanoTime) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.openTimeoutNanos = BackoffSchedule.nanos(policy.openTimeout());
    }

    /**
     * Asks to start an item. While half-open, a true answer takes a trial slot, which the item's outcome
     * (or {@link #release()}) gives back.
     *
     * @return true if the item may start now; false if it must wait
     */
    public boolean tryAcquire() {
        synchronized (lock) {
            switch (advance()) {
                case CLOSED:
                    return true;
                case HALF_OPEN:
                    if (trialsInFlight < policy.halfOpenRequests()) {
                        trialsInFlight++;
                        return true;
                    }
                    return false;
                default:
                    return false;
            }
        }
    }

    /** Records that an item succeeded. */
    public void onSuccess() {
        synchronized (lock) {
            switch (advance()) {
                case CLOSED:
                    consecutiveFailures = 0;
                    break;
                case HALF_OPEN:
                    freeTrial();
                    consecutiveSuccesses++;
                    if (consecutiveSuccesses >= policy.successThreshold()) {
                        LOG.info(
                                "circuit breaker closed after {} consecutive successful trial items",
                                consecutiveSuccesses);
                        close();
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /** Records that an item failed. */
    public void onFailure() {
        synchronized (lock) {
            switch (advance()) {
                case CLOSED:
                    consecutiveFailures++;
                    if (consecutiveFailures >= policy.failureThreshold()) {
                        LOG.warn(
                                "circuit breaker opened after {} consecutive item failures; no new item starts for {}",
                                consecutiveFailures,
                                policy.openTimeout());
                        open();
                    }
                    break;
                case HALF_OPEN:
                    LOG.warn(
                            "circuit breaker reopened: a trial item failed; no new item starts for {}",
                            policy.openTimeout());
                    open();
                    break;
                default:
                    break;
            }
        }
    }

    /**
     * Gives back a half-open trial slot for an item that ended without success or failure (for example,
     * cancelled). Has no other effect; does nothing unless half-open.
     */
    public void release() {
        synchronized (lock) {
            if (advance() == State.HALF_OPEN) {
                freeTrial();
            }
        }
    }

    /** @return the current state, after any transition the clock makes due */
    public State state() {
        synchronized (lock) {
            return advance();
        }
    }

    /**
     * How long until trial items may start. Zero unless open: while half-open with every trial slot taken, the
     * caller must wait for an outcome, not for time.
     *
     * @return the time left in the open state, or zero
     */
    public Duration remainingOpen() {
        synchronized (lock) {
            if (advance() != State.OPEN) {
                return Duration.ZERO;
            }
            long elapsed = nanoTime.getAsLong() - openedAt;
            return Duration.ofNanos(Math.max(0, openTimeoutNanos - elapsed));
        }
    }

    /** Moves from OPEN to HALF_OPEN once the timeout has passed. Call with the lock held. */
    private State advance() {
        if (state == State.OPEN && nanoTime.getAsLong() - openedAt >= openTimeoutNanos) {
            state = State.HALF_OPEN;
            trialsInFlight = 0;
            consecutiveSuccesses = 0;
            LOG.info("circuit breaker half-open: up to {} trial items may start", policy.halfOpenRequests());
        }
        return state;
    }

    private void open() {
        state = State.OPEN;
        openedAt = nanoTime.getAsLong();
        consecutiveFailures = 0;
        consecutiveSuccesses = 0;
        trialsInFlight = 0;
    }

    private void close() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        consecutiveSuccesses = 0;
        trialsInFlight = 0;
    }

    private void freeTrial() {
        if (trialsInFlight > 0) {
            trialsInFlight--;
        }
    }
}
