package io.prodigy.core.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Backoff;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryStateTest {

    private static RetryPolicy.Builder exponential() {
        return RetryPolicy.builder()
                .backoff(Backoff.exponential(2))
                .initialDelay(Duration.ofSeconds(1))
                .maxDelay(Duration.ofMinutes(10));
    }

    private static RetryState state(RetryPolicy policy) {
        return new RetryState(policy, new Random(1)::nextDouble);
    }

    @Test
    void countsAttemptsUpToTheMaximumIncludingTheFirst() {
        RetryState s = state(exponential().maxAttempts(4).build());
        assertThat(s.attempt()).isEqualTo(1);
        assertThat(s.nextDelay(ErrorKind.COMMAND_FAILED, "exit 1")).contains(Duration.ofSeconds(1));
        assertThat(s.attempt()).isEqualTo(2);
        assertThat(s.nextDelay(ErrorKind.COMMAND_FAILED, "exit 1")).contains(Duration.ofSeconds(2));
        assertThat(s.attempt()).isEqualTo(3);
        assertThat(s.nextDelay(ErrorKind.COMMAND_FAILED, "exit 1")).contains(Duration.ofSeconds(4));
        assertThat(s.attempt()).isEqualTo(4);
        assertThat(s.nextDelay(ErrorKind.COMMAND_FAILED, "exit 1")).isEmpty();
        assertThat(s.attempt()).isEqualTo(4);
    }

    @Test
    void aSingleAttemptNeverRetries() {
        RetryState s = state(RetryPolicy.NONE);
        assertThat(s.nextDelay(ErrorKind.NETWORK, "connection refused")).isEmpty();
        assertThat(s.attempt()).isEqualTo(1);
    }

    @Test
    void aFailureNotWorthRetryingEndsAtOnce() {
        RetryState s = state(exponential()
                .maxAttempts(5)
                .retryOn(RetryCondition.of(RetryCondition.Kind.TIMEOUT))
                .build());
        assertThat(s.nextDelay(ErrorKind.COMMAND_FAILED, "assertion failed")).isEmpty();
        assertThat(s.attempt()).isEqualTo(1);
        assertThat(s.nextDelay(ErrorKind.COMMAND_FAILED, "request timed out")).contains(Duration.ofSeconds(1));
        assertThat(s.nextDelay(ErrorKind.CANCELLED, "timed out")).isEmpty();
        assertThat(s.attempt()).isEqualTo(2);
    }

    @Test
    void stopsBeforeADelayThatWouldExceedTheBudget() {
        RetryState s = state(
                exponential().maxAttempts(10).retryBudget(Duration.ofSeconds(6)).build());
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ofSeconds(1));
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ofSeconds(2));
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).isEmpty(); // 1 + 2 + 4 > 6
        assertThat(s.attempt()).isEqualTo(3);
    }

    @Test
    void aDelayThatExactlyUsesUpTheBudgetIsAllowed() {
        RetryState s = state(
                exponential().maxAttempts(10).retryBudget(Duration.ofSeconds(7)).build());
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ofSeconds(1));
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ofSeconds(2));
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ofSeconds(4));
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).isEmpty();
        assertThat(s.attempt()).isEqualTo(4);
    }

    @Test
    void aZeroBudgetStillAllowsImmediateRetries() {
        RetryState s = state(RetryPolicy.builder()
                .maxAttempts(3)
                .backoff(Backoff.fixed())
                .initialDelay(Duration.ZERO)
                .retryBudget(Duration.ZERO)
                .build());
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ZERO);
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ZERO);
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).isEmpty();
        assertThat(s.attempt()).isEqualTo(3);
    }

    @Test
    void jitteredDelaysComeFromTheGivenRandom() {
        RetryPolicy p = RetryPolicy.builder()
                .maxAttempts(3)
                .backoff(Backoff.fixed())
                .initialDelay(Duration.ofSeconds(10))
                .jitter(true)
                .jitterFactor(0.2)
                .build();
        RetryState s = new RetryState(p, () -> 0.0);
        assertThat(s.nextDelay(ErrorKind.UNKNOWN, null)).contains(Duration.ofSeconds(9));
    }
}
