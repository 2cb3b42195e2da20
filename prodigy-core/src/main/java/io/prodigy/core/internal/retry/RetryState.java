package io.prodigy.core.internal.retry;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry bookkeeping of one step execution: which attempt is running and how much of the retry budget the
 * waits have used. Create one per execution; not thread-safe.
 *
 * <pre>{@code
 * RetryState retries = new RetryState(policy, random::nextDouble);
 * while (true) {
 *     Outcome o = run(retries.attempt());
 *     if (o.succeeded()) break;
 *     Optional<Duration> wait = retries.nextDelay(o.kind(), o.text());
 *     if (wait.isEmpty()) fail(o);      // failed for good
 *     sleep(wait.get());
 * }
 * }</pre>
 */
public final class RetryState {

    private static final Logger LOG = LoggerFactory.getLogger(RetryState.class);

    private final RetryPolicy policy;
    private final DoubleSupplier random;
    private final long budgetNanos;
    private int attempt = 1;
    private long waitedNanos;

    /**
     * Starts at attempt 1 with nothing waited.
     *
     * @param policy the step's retry policy
     * @param random uniform values in {@code [0, 1)} for jitter
     * @throws NullPointerException if an argument is null
     */
    public RetryState(RetryPolicy policy, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
        this.budgetNanos = policy.retryBudget() == null ? Long.MAX_VALUE : BackoffSchedule.nanos(policy.retryBudget());
    }

    /** @return the current attempt, counted from 1 */
    public int attempt() {
        return attempt;
    }

    /**
     * Decides what follows a failure of the current attempt. Returns the delay before the next attempt and
     * advances {@link #attempt()}, or returns empty, leaving the counter as it is, when the step has failed
     * for good:
     * <ul>
     *   <li>the current attempt was the last one ({@link RetryPolicy#maxAttempts()} counts the first);</li>
     *   <li>the failure is not worth retrying ({@link RetryDecider#shouldRetry});</li>
     *   <li>the policy has a retry budget and the delay ({@link BackoffSchedule}) would take the total of
     *   all delays past it. A delay that exactly uses up the budget is allowed.</li>
     * </ul>
     *
     * @param kind the class of the failure; null means {@link ErrorKind#UNKNOWN}
     * @param failureText what the failure said (message, stderr, stdout); may be null or large
     * @return the delay before the next attempt, or empty to give up
     */
    public Optional<Duration> nextDelay(ErrorKind kind, String failureText) {
        if (attempt >= policy.maxAttempts()) {
            return Optional.empty();
        }
        if (!RetryDecider.shouldRetry(policy, kind, failureText)) {
            return Optional.empty();
        }
        Duration delay = BackoffSchedule.delay(policy, attempt, random);
        long delayNanos = delay.toNanos();
        if (delayNanos > budgetNanos - waitedNanos) {
            LOG.debug(
                    "retry budget {} exhausted after attempt {}: waited {}, next delay {}",
                    policy.retryBudget(),
                    attempt,
                    Duration.ofNanos(waitedNanos),
                    delay);
            return Optional.empty();
        }
        waitedNanos += delayNanos;
        attempt++;
        return Optional.of(delay);
    }
}
