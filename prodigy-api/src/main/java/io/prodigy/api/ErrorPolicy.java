package io.prodigy.api;

import org.jspecify.annotations.Nullable;

/**
 * How a MapReduce phase reacts to failed items. Defaults follow the Rust tool's documentation (which, unlike
 * its code, we honour): failed items go to the DLQ, processing continues, no limits.
 *
 * <ul>
 *   <li>{@code maxFailures}: up to this many failed items are tolerated; the next one stops the phase.</li>
 *   <li>{@code failureThreshold}: once at least 10 items have finished, a failure rate above this fraction
 *   stops the phase.</li>
 *   <li>{@code continueOnFailure = false} stops the phase at the first failed item.</li>
 * </ul>
 * A stopped phase dispatches nothing more, lets the items in flight finish, skips reduce, and fails the run.
 *
 * @param onItemFailure what happens to a failed item
 * @param continueOnFailure whether other items go on after a failure
 * @param maxFailures the number of failed items tolerated, or null for no limit
 * @param failureThreshold the tolerated failure rate, 0 to 1, or null for none
 * @param circuitBreaker a circuit breaker over item failures, or null for none
 * @param itemRetry how whole items are retried with {@link ItemFailureAction#RETRY}, or null for no item retry
 * @since 0.1
 */
public record ErrorPolicy(
        ItemFailureAction onItemFailure,
        boolean continueOnFailure,
        @Nullable Integer maxFailures,
        @Nullable Double failureThreshold,
        @Nullable CircuitBreakerPolicy circuitBreaker,
        @Nullable RetryPolicy itemRetry) {

    /** DLQ, continue, no limits. */
    public static final ErrorPolicy DEFAULT = new ErrorPolicy(ItemFailureAction.DLQ, true, null, null, null, null);

    /**
     * Validates.
     *
     * @param onItemFailure what happens to a failed item
     * @param continueOnFailure whether other items go on after a failure
     * @param maxFailures the number of failed items tolerated, or null for no limit
     * @param failureThreshold the tolerated failure rate, 0 to 1, or null for none
     * @param circuitBreaker a circuit breaker over item failures, or null for none
     * @param itemRetry how whole items are retried with {@link ItemFailureAction#RETRY}, or null for no item retry
     */
    public ErrorPolicy {
        onItemFailure = onItemFailure == null ? ItemFailureAction.DLQ : onItemFailure;
        if (maxFailures != null) {
            Checks.nonNegative(maxFailures, "max_failures");
        }
        if (failureThreshold != null && !(failureThreshold >= 0 && failureThreshold <= 1)) {
            throw new WorkflowDefinitionException("failure_threshold must be between 0 and 1, was " + failureThreshold);
        }
        if (onItemFailure == ItemFailureAction.RETRY && itemRetry == null) {
            itemRetry = RetryPolicy.builder().build();
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link ErrorPolicy}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private ItemFailureAction onItemFailure = ItemFailureAction.DLQ;
        private boolean continueOnFailure = true;
        private @Nullable Integer maxFailures;
        private @Nullable Double failureThreshold;
        private @Nullable CircuitBreakerPolicy circuitBreaker;
        private @Nullable RetryPolicy itemRetry;

        private Builder() {}

        /**
         * @param action what happens to a failed item
         * @return this
         */
        public Builder onItemFailure(ItemFailureAction action) {
            this.onItemFailure = Checks.notNull(action, "action");
            return this;
        }

        /**
         * @param cont whether other items go on after a failure
         * @return this
         */
        public Builder continueOnFailure(boolean cont) {
            this.continueOnFailure = cont;
            return this;
        }

        /**
         * @param max failed items tolerated, or null
         * @return this
         */
        public Builder maxFailures(@Nullable Integer max) {
            this.maxFailures = max;
            return this;
        }

        /**
         * @param rate tolerated failure rate 0..1, or null
         * @return this
         */
        public Builder failureThreshold(@Nullable Double rate) {
            this.failureThreshold = rate;
            return this;
        }

        /**
         * @param breaker the circuit breaker, or null
         * @return this
         */
        public Builder circuitBreaker(@Nullable CircuitBreakerPolicy breaker) {
            this.circuitBreaker = breaker;
            return this;
        }

        /**
         * @param policy how whole items are retried, being built
         * @return this
         */
        public Builder itemRetry(RetryPolicy.Builder policy) {
            return itemRetry(Checks.notNull(policy, "policy").build());
        }

        /**
         * @param retry how whole items are retried, or null
         * @return this
         */
        public Builder itemRetry(@Nullable RetryPolicy retry) {
            this.itemRetry = retry;
            return this;
        }

        /** @return the policy */
        public ErrorPolicy build() {
            return new ErrorPolicy(
                    onItemFailure, continueOnFailure, maxFailures, failureThreshold, circuitBreaker, itemRetry);
        }
    }
}
