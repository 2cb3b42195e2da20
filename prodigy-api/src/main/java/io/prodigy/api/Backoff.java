package io.prodigy.api;

import java.time.Duration;
import java.util.List;

/**
 * How the delay before retry {@code n} (counted from 1 for the first retry) grows from the initial delay
 * {@code d}. Every delay is capped by {@link RetryPolicy#maxDelay()} and then jittered if enabled.
 *
 * @since 0.1
 */
public sealed interface Backoff
        permits Backoff.Fixed, Backoff.Linear, Backoff.Exponential, Backoff.Fibonacci, Backoff.Custom {

    /** @return always {@code d} */
    static Backoff fixed() {
        return new Fixed();
    }

    /**
     * @param increment added per retry
     * @return {@code d + increment * (n - 1)}
     */
    static Backoff linear(Duration increment) {
        return new Linear(increment);
    }

    /**
     * @param base the growth factor
     * @return {@code d * base^(n - 1)}
     */
    static Backoff exponential(double base) {
        return new Exponential(base);
    }

    /** @return {@code d * fib(n)} with fib(1) = fib(2) = 1 */
    static Backoff fibonacci() {
        return new Fibonacci();
    }

    /**
     * @param delays the delays in order; past the end, the maximum delay
     * @return explicit delays
     */
    static Backoff custom(List<Duration> delays) {
        return new Custom(Checks.elements(delays, "delays"));
    }

    /**
     * Always the initial delay.
     *
     * @since 0.1
     */
    record Fixed() implements Backoff {}

    /**
     * Grows by a constant increment.
     *
     * @param increment added per retry
     * @since 0.1
     */
    record Linear(Duration increment) implements Backoff {
        /**
         * Validates.
         *
         * @param increment added per retry
         */
        public Linear {
            Checks.notNull(increment, "linear increment");
            Checks.nonNegative(increment, "linear increment");
        }
    }

    /**
     * Grows geometrically.
     *
     * @param base the factor, at least 1
     * @since 0.1
     */
    record Exponential(double base) implements Backoff {
        /**
         * Validates.
         *
         * @param base the factor, at least 1
         */
        public Exponential {
            if (!(base >= 1.0) || Double.isInfinite(base)) {
                throw new WorkflowDefinitionException("exponential base must be at least 1, was " + base);
            }
        }
    }

    /**
     * Grows along the Fibonacci sequence.
     *
     * @since 0.1
     */
    record Fibonacci() implements Backoff {}

    /**
     * Explicit delays.
     *
     * @param delays the delays in order
     * @since 0.1
     */
    record Custom(List<Duration> delays) implements Backoff {
        /**
         * Validates and copies.
         *
         * @param delays the delays in order
         */
        public Custom {
            delays = Checks.list(delays, "custom delays");
            if (delays.isEmpty()) {
                throw new WorkflowDefinitionException("custom backoff needs at least one delay");
            }
            delays.forEach(d -> Checks.nonNegative(d, "custom delay"));
        }
    }
}
