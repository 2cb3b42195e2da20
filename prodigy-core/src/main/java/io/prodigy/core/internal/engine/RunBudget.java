package io.prodigy.core.internal.engine;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.internal.process.CancellationToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What a run may spend and how fast it may go: the cost spent against the budget, the tokens used, the waits
 * after the agent backend throttled an attempt, and the concurrency governor of the map phase running now (which
 * a throttle lowers). One per run, passed explicitly to the parts that spend or wait; thread-safe.
 */
public final class RunBudget {
    private final Double limitUsd;
    private final Duration throttleDelay;
    private final String runId;
    private final EventSink events;
    private final java.time.Clock clock;
    private final CancellationToken cancellation;
    private final DoubleAdder spentUsd = new DoubleAdder();
    private final AtomicBoolean budgetReported = new AtomicBoolean();
    private volatile boolean costKnown;
    private TokenUsage tokens = TokenUsage.NONE;
    private volatile ConcurrencyGovernor governor;

    /**
     * @param run the run's services (its id, events, clock and cancellation)
     * @param limitUsd the cost budget, or null for none
     * @param throttleDelay the first wait after a rate limit without a retry-after time
     * @param spentBefore what the run spent before it was resumed (0 for a new run)
     */
    public RunBudget(RunServices run, Double limitUsd, Duration throttleDelay, double spentBefore) {
        this.limitUsd = limitUsd;
        this.throttleDelay = Objects.requireNonNull(throttleDelay, "throttleDelay");
        this.runId = run.runId();
        this.events = run.events();
        this.clock = run.clock();
        this.cancellation = run.cancellation();
        if (spentBefore > 0) {
            spentUsd.add(spentBefore);
            costKnown = true;
        }
    }

    /**
     * Adds what an attempt used; the first time the spending reaches the budget, emits
     * {@link RunEvent.BudgetReached}.
     *
     * @param costUsd the attempt's cost, or null when unknown
     * @param used the attempt's tokens, or null
     */
    public void addUsage(Double costUsd, TokenUsage used) {
        if (costUsd != null) {
            spentUsd.add(costUsd);
            costKnown = true;
        }
        if (used != null && used != TokenUsage.NONE) {
            synchronized (this) {
                tokens = tokens.plus(used);
            }
        }
        Double budget = limitUsd;
        if (budget != null && spentUsd.sum() >= budget && budgetReported.compareAndSet(false, true)) {
            events.emit(new RunEvent.BudgetReached(runId, clock.instant(), spentUsd.sum(), budget));
        }
    }

    /** @return whether the cost budget is spent */
    boolean reached() {
        Double budget = limitUsd;
        return budget != null && spentUsd.sum() >= budget;
    }

    /** @return what the run spent, or null when no attempt reported a cost */
    Double spentUsd() {
        return costKnown ? spentUsd.sum() : null;
    }

    /** @return the tokens the run used */
    synchronized TokenUsage tokens() {
        return tokens;
    }

    /**
     * Puts a map phase's governor in charge until the returned handle is closed: throttles lower its limit, waits
     * give up the slot, and cancelling the run wakes its waiters.
     *
     * @param g the map phase's governor
     * @return closing it ends the governor's term
     */
    Term governedBy(ConcurrencyGovernor g) {
        governor = g;
        CancellationToken.Registration wake = cancellation.onCancel(g::wake);
        return () -> {
            wake.remove();
            governor = null;
        };
    }

    /** The term of a map phase's governor; closing it twice is harmless. */
    interface Term extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Records that the backend throttled an attempt and says how long that attempt should wait.
     *
     * @param itemId the item, or null
     * @param kind RATE_LIMITED, OVERLOADED or QUOTA_EXHAUSTED
     * @param retryAfter when the backend accepts work again, or null
     * @param waits how many times this step has been throttled, from 1
     * @return the wait before the next attempt
     */
    public Duration throttled(String itemId, ErrorKind kind, Instant retryAfter, int waits) {
        Instant now = clock.instant();
        Duration wait;
        Instant resumeAt = null;
        if (kind == ErrorKind.QUOTA_EXHAUSTED) {
            resumeAt = retryAfter != null ? retryAfter : now.plusSeconds(60);
            wait = Duration.between(now, resumeAt);
        } else if (retryAfter != null) {
            wait = Duration.between(now, retryAfter);
        } else {
            long base = throttleDelay.toMillis() << Math.min(waits - 1, 6);
            wait = Duration.ofMillis(Math.min(base, 60_000L));
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        ConcurrencyGovernor g = governor;
        int limit = g == null ? 1 : g.throttled(resumeAt);
        events.emit(new RunEvent.Throttled(runId, now, itemId, kind, limit, resumeAt, wait));
        return wait;
    }

    /**
     * Waits out a throttle. A map item gives up its slot meanwhile and is admitted again under the lowered limit
     * before its agent runs again, so that fewer agents run at once after a 429, not only fewer new items.
     *
     * @param wait how long to wait before trying again
     * @throws InterruptedException if interrupted while waiting
     */
    public void waitOutThrottle(Duration wait) throws InterruptedException {
        ConcurrencyGovernor g = governor;
        if (g == null || !g.heldByCurrentThread()) {
            Waits.sleep(wait, cancellation);
            return;
        }
        g.stepAside();
        try {
            Waits.sleep(wait, cancellation);
        } finally {
            g.readmit(cancellation);
        }
    }
}
