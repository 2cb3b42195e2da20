package io.prodigy.core.internal.retry;

import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import java.util.Locale;
import java.util.Objects;

/**
 * Counts the finished items of a MapReduce phase and decides when its {@link ErrorPolicy} requires it to stop.
 * Thread-safe. Record each item once, when it has finished for good (after any item retries).
 *
 * <p>The phase stops:
 * <ul>
 *   <li>at the first failure, if {@code on_item_failure} is {@link ItemFailureAction#STOP} or
 *   {@code continue_on_failure} is false;</li>
 *   <li>when failures exceed {@code max_failures} {@code m}: {@code m} failed items are tolerated, the next one
 *   stops the phase ({@code m = 0} stops at the first);</li>
 *   <li>once at least {@value #MIN_FINISHED_FOR_RATE} items have finished (succeeded or failed), when
 *   {@code failed / finished} exceeds {@code failure_threshold}. A success can trigger this too, by bringing
 *   the number of finished items to {@value #MIN_FINISHED_FOR_RATE}.</li>
 * </ul>
 * The decision is sticky: once a record returns {@link Decision#STOP}, every later one does too and
 * {@link #stopReason()} keeps the first reason. Items in flight should still be recorded as they finish.
 */
public final class FailureLimits {

    /** What the phase does next. */
    public enum Decision {
        /** Keep dispatching items. */
        CONTINUE,
        /** Dispatch no more items; let those in flight finish; fail the phase. */
        STOP
    }

    /** Finished items needed before {@code failure_threshold} is checked, as in the Rust tool. */
    static final int MIN_FINISHED_FOR_RATE = 10;

    private final ErrorPolicy policy;
    private final Object lock = new Object();

    // guarded by lock
    private long succeeded;
    private long failed;
    private String stopReason;

    /**
     * Creates counters at zero.
     *
     * @param policy the phase's error policy
     * @throws NullPointerException if {@code policy} is null
     */
    public FailureLimits(ErrorPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Records an item that succeeded.
     *
     * @return whether the phase goes on
     */
    public Decision recordSuccess() {
        synchronized (lock) {
            succeeded++;
            return decide(null, false);
        }
    }

    /**
     * Records an item that failed, without naming it in the stop reason.
     *
     * @return whether the phase goes on
     */
    public Decision recordFailure() {
        return recordFailure(null);
    }

    /**
     * Records an item that failed.
     *
     * @param itemId the item's id, named in the stop reason; may be null
     * @return whether the phase goes on
     */
    public Decision recordFailure(String itemId) {
        synchronized (lock) {
            failed++;
            return decide(itemId, true);
        }
    }

    /**
     * Why the phase stopped, for the user, such as {@code "stopped: 4 items failed, more than max_failures 3"}.
     *
     * @return the reason, or null while the phase may go on
     */
    public String stopReason() {
        synchronized (lock) {
            return stopReason;
        }
    }

    /** Call with the lock held. */
    private Decision decide(String itemId, boolean failure) {
        if (stopReason != null) {
            return Decision.STOP;
        }
        String reason = failure ? failureReason(itemId) : null;
        if (reason == null) {
            reason = rateReason();
        }
        if (reason == null) {
            return Decision.CONTINUE;
        }
        stopReason = "stopped: " + reason;
        return Decision.STOP;
    }

    private String failureReason(String itemId) {
        String item = itemId == null ? "an item" : "item " + itemId;
        if (policy.onItemFailure() == ItemFailureAction.STOP) {
            return "on_item_failure is stop and " + item + " failed";
        }
        if (!policy.continueOnFailure()) {
            return "continue_on_failure is false and " + item + " failed";
        }
        Integer max = policy.maxFailures();
        if (max != null && failed > max) {
            return failed + (failed == 1 ? " item" : " items") + " failed, more than max_failures " + max;
        }
        return null;
    }

    private String rateReason() {
        Double threshold = policy.failureThreshold();
        long finished = succeeded + failed;
        if (threshold == null || finished < MIN_FINISHED_FOR_RATE) {
            return null;
        }
        double rate = (double) failed / finished;
        if (rate <= threshold) {
            return null;
        }
        return "failure rate " + percent(rate) + " (" + failed + " of " + finished
                + " finished items failed) exceeds failure_threshold " + percent(threshold);
    }

    /** 0.6 as "60%", 1/3 as "33.3%". */
    private static String percent(double fraction) {
        String s = String.format(Locale.ROOT, "%.1f", fraction * 100);
        return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "%";
    }
}
