package io.prodigy.core.internal.retry;

import io.prodigy.api.Backoff;
import io.prodigy.api.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The delay before each retry of a {@link RetryPolicy}.
 *
 * <p>For retry {@code n} (1 is the first retry, made before attempt 2), with {@code d} the initial delay and
 * {@code max} the maximum delay, the base delay is:
 * <ul>
 *   <li>fixed: {@code d}</li>
 *   <li>linear: {@code d + increment * (n - 1)}</li>
 *   <li>exponential: {@code d * base^(n - 1)}, rounded to the nearest nanosecond</li>
 *   <li>fibonacci: {@code d * fib(n)} with {@code fib(1) = fib(2) = 1}</li>
 *   <li>custom: {@code delays[n - 1]}, or {@code max} past the end of the list</li>
 * </ul>
 * The base delay is then capped at {@code max}. Arithmetic saturates: however large {@code n}, the increment or
 * the base, the result is {@code max}, never negative and never an exception. Durations beyond
 * {@link Long#MAX_VALUE} nanoseconds (about 292 years) saturate there.
 *
 * <p>With {@link RetryPolicy#jitter()} and jitter factor {@code f}, the capped delay {@code c} becomes
 * {@code c + (r - 0.5) * f * c} for a random {@code r} in {@code [0, 1)}, that is {@code c} plus a uniform
 * offset in {@code [-f*c/2, +f*c/2)}, and the result is clamped to {@code [0, max]}: a delay already at the cap
 * is only ever jittered downwards.
 */
public final class BackoffSchedule {

    private BackoffSchedule() {}

    /**
     * Computes the delay before retry {@code retryNumber}.
     *
     * @param policy the retry policy
     * @param retryNumber the retry, 1 for the first retry (before attempt 2)
     * @param random a source of uniform values in {@code [0, 1)}, used only when the policy enables jitter
     * @return the delay, between zero and {@link RetryPolicy#maxDelay()}
     * @throws IllegalArgumentException if {@code retryNumber} is below 1
     * @throws NullPointerException if {@code policy} is null, or {@code random} is null and jitter is enabled
     */
    public static Duration delay(RetryPolicy policy, int retryNumber, DoubleSupplier random) {
        Objects.requireNonNull(policy, "policy");
        if (retryNumber < 1) {
            throw new IllegalArgumentException("retry number must be at least 1, was " + retryNumber);
        }
        long max = nanos(policy.maxDelay());
        long delay = Math.min(baseNanos(policy, retryNumber, max), max);
        if (policy.jitter() && policy.jitterFactor() > 0 && delay > 0) {
            Objects.requireNonNull(random, "random");
            delay = jitter(delay, policy.jitterFactor(), random.getAsDouble(), max);
        }
        return Duration.ofNanos(delay);
    }

    /** The uncapped delay, saturated; may stop early at {@code max} once the result is known to exceed it. */
    private static long baseNanos(RetryPolicy policy, int n, long max) {
        long d = nanos(policy.initialDelay());
        Backoff backoff = policy.backoff();
        if (backoff instanceof Backoff.Fixed) {
            return d;
        }
        if (backoff instanceof Backoff.Linear) {
            long increment = nanos(((Backoff.Linear) backoff).increment());
            return saturatedAdd(d, saturatedMultiply(increment, n - 1L));
        }
        if (backoff instanceof Backoff.Exponential) {
            return exponential(d, ((Backoff.Exponential) backoff).base(), n, max);
        }
        if (backoff instanceof Backoff.Fibonacci) {
            return fibonacci(d, n, max);
        }
        if (backoff instanceof Backoff.Custom) {
            List<Duration> delays = ((Backoff.Custom) backoff).delays();
            return n <= delays.size() ? nanos(delays.get(n - 1)) : max;
        }
        throw new IllegalStateException("unknown backoff " + backoff);
    }

    private static long exponential(long d, double base, int n, long max) {
        if (d == 0) {
            return 0; // avoids 0 * Infinity = NaN
        }
        double value = d * Math.pow(base, n - 1);
        if (!(value < max)) { // also catches Infinity
            return max;
        }
        return Math.round(value);
    }

    private static long fibonacci(long d, int n, long max) {
        if (d == 0) {
            return 0;
        }
        long previous = 0;
        long current = 1; // fib(1)
        for (int i = 1; i < n; i++) {
            long next = saturatedAdd(previous, current);
            previous = current;
            current = next;
            if (saturatedMultiply(current, d) >= max) {
                return max; // fib grows, so every later value is capped too
            }
        }
        return saturatedMultiply(current, d);
    }

    private static long jitter(long delay, double factor, double random, long max) {
        double offset = (random - 0.5) * factor * delay;
        long jittered = Math.round(delay + offset);
        return Math.max(0, Math.min(jittered, max));
    }

    /** Nanoseconds of a non-negative duration, saturated at {@link Long#MAX_VALUE}. */
    static long nanos(Duration duration) {
        if (duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        return duration.toNanos();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        if (a != 0 && b > Long.MAX_VALUE / a) {
            return Long.MAX_VALUE;
        }
        return a * b;
    }
}
