package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How often and how patiently a failed attempt is tried again. Defaults follow the Rust tool:
 * 3 attempts in all, exponential backoff with base 2 from 1 s, capped at 30 s, no jitter (factor 0.3 when
 * enabled), retrying every failure. Unlike the Rust tool, a non-zero exit is a failure worth retrying.
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.builder()
 *     .maxAttempts(5)
 *     .backoff(Backoff.fibonacci())
 *     .initialDelay(Duration.ofMillis(500))
 *     .jitter(true)
 *     .retryOn(RetryCondition.of(RetryCondition.Kind.RATE_LIMIT))
 *     .build();
 * }</pre>
 *
 * @param maxAttempts attempts in all, including the first (1 = no retry)
 * @param backoff how the delay grows
 * @param initialDelay the first delay
 * @param maxDelay the cap of any single delay
 * @param jitter whether delays are randomised by {@code ± jitterFactor/2 × delay}
 * @param jitterFactor the jitter's width, 0 to 1
 * @param retryOn the failures worth retrying; empty means every failure
 * @param retryBudget the total time the retries may wait, or null for no budget
 * @since 0.1
 */
public record RetryPolicy(
        int maxAttempts,
        Backoff backoff,
        Duration initialDelay,
        Duration maxDelay,
        boolean jitter,
        double jitterFactor,
        List<RetryCondition> retryOn,
        @Nullable Duration retryBudget) {

    /** A policy that never retries. */
    public static final RetryPolicy NONE = builder().maxAttempts(1).build();

    /**
     * Validates and copies.
     *
     * @param maxAttempts attempts in all, including the first (1 = no retry)
     * @param backoff how the delay grows
     * @param initialDelay the first delay
     * @param maxDelay the cap of any single delay
     * @param jitter whether delays are randomised by {@code ± jitterFactor/2 × delay}
     * @param jitterFactor the jitter's width, 0 to 1
     * @param retryOn the failures worth retrying; empty means every failure
     * @param retryBudget the total time the retries may wait, or null for no budget
     */
    public RetryPolicy {
        Checks.positive(maxAttempts, "retry attempts");
        Checks.notNull(backoff, "retry backoff");
        Checks.notNull(initialDelay, "retry initial_delay");
        Checks.nonNegative(initialDelay, "retry initial_delay");
        Checks.notNull(maxDelay, "retry max_delay");
        Checks.nonNegative(maxDelay, "retry max_delay");
        if (!(jitterFactor >= 0 && jitterFactor <= 1)) {
            throw new WorkflowDefinitionException("retry jitter_factor must be between 0 and 1, was " + jitterFactor);
        }
        retryOn = Checks.list(retryOn, "retry_on");
        Checks.nonNegative(retryBudget, "retry_budget");
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised with this policy */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.backoff = backoff;
        b.initialDelay = initialDelay;
        b.maxDelay = maxDelay;
        b.jitter = jitter;
        b.jitterFactor = jitterFactor;
        b.retryOn = new ArrayList<>(retryOn);
        b.retryBudget = retryBudget;
        return b;
    }

    /**
     * Builds a {@link RetryPolicy}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int maxAttempts = 3;
        private Backoff backoff = Backoff.exponential(2.0);
        private Duration initialDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofSeconds(30);
        private boolean jitter;
        private double jitterFactor = 0.3;
        private List<RetryCondition> retryOn = new ArrayList<>();
        private @Nullable Duration retryBudget;

        private Builder() {}

        /**
         * @param attempts attempts in all, including the first
         * @return this
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param backoff how the delay grows
         * @return this
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Checks.notNull(backoff, "backoff");
            return this;
        }

        /**
         * @param delay the first delay
         * @return this
         */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = Checks.notNull(delay, "delay");
            return this;
        }

        /**
         * @param delay the cap of a single delay
         * @return this
         */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = Checks.notNull(delay, "delay");
            return this;
        }

        /**
         * @param jitter whether to randomise delays
         * @return this
         */
        public Builder jitter(boolean jitter) {
            this.jitter = jitter;
            return this;
        }

        /**
         * @param factor the jitter's width, 0 to 1
         * @return this
         */
        public Builder jitterFactor(double factor) {
            this.jitterFactor = factor;
            return this;
        }

        /**
         * @param conditions failures worth retrying (added to any already set)
         * @return this
         */
        public Builder retryOn(RetryCondition... conditions) {
            this.retryOn.addAll(Checks.elements("conditions", conditions));
            return this;
        }

        /**
         * @param conditions failures worth retrying (added to any already set)
         * @return this
         */
        public Builder retryOn(List<RetryCondition> conditions) {
            this.retryOn.addAll(Checks.elements(conditions, "conditions"));
            return this;
        }

        /**
         * @param budget the total waiting time allowed, or null
         * @return this
         */
        public Builder retryBudget(@Nullable Duration budget) {
            this.retryBudget = budget;
            return this;
        }

        /**
         * @return the policy
         * @throws WorkflowDefinitionException if a value is out of range
         */
        public RetryPolicy build() {
            return new RetryPolicy(
                    maxAttempts, backoff, initialDelay, maxDelay, jitter, jitterFactor, retryOn, retryBudget);
        }
    }
}
