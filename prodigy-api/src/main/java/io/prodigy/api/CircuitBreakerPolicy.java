package io.prodigy.api;

import java.time.Duration;

/**
 * A circuit breaker over the items of a MapReduce phase. After {@code failureThreshold} consecutive item
 * failures it opens and no new item is dispatched for {@code openTimeout}; it then lets
 * {@code halfOpenRequests} trial items through; {@code successThreshold} consecutive successes close it,
 * and a failure opens it again. Items wait while it is open; none is dropped.
 *
 * @param failureThreshold consecutive failures that open the breaker
 * @param successThreshold consecutive successes in the half-open state that close it
 * @param openTimeout how long it stays open before trying again
 * @param halfOpenRequests trial items allowed at once while half-open
 * @since 0.1
 */
public record CircuitBreakerPolicy(
        int failureThreshold, int successThreshold, Duration openTimeout, int halfOpenRequests) {

    /** The Rust tool's defaults: 5 failures, 3 successes, 30 s, 3 trial items. */
    public static final CircuitBreakerPolicy DEFAULT = new CircuitBreakerPolicy(5, 3, Duration.ofSeconds(30), 3);

    /**
     * Validates.
     *
     * @param failureThreshold consecutive failures that open the breaker
     * @param successThreshold consecutive successes in the half-open state that close it
     * @param openTimeout how long it stays open before trying again
     * @param halfOpenRequests trial items allowed at once while half-open
     */
    public CircuitBreakerPolicy {
        Checks.positive(failureThreshold, "circuit_breaker failure_threshold");
        Checks.positive(successThreshold, "circuit_breaker success_threshold");
        Checks.notNull(openTimeout, "circuit_breaker timeout");
        Checks.nonNegative(openTimeout, "circuit_breaker timeout");
        Checks.positive(halfOpenRequests, "circuit_breaker half_open_requests");
    }
}
