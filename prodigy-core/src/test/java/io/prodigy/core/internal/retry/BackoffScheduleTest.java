package io.prodigy.core.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.Backoff;
import io.prodigy.api.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BackoffScheduleTest {

    private static final DoubleSupplier NO_RANDOM = () -> {
        throw new AssertionError("random must not be drawn without jitter");
    };

    private static RetryPolicy policy(Backoff backoff, Duration initial, Duration max) {
        return RetryPolicy.builder()
                .backoff(backoff)
                .initialDelay(initial)
                .maxDelay(max)
                .build();
    }

    private static List<Duration> firstSix(RetryPolicy policy) {
        List<Duration> delays = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            delays.add(BackoffSchedule.delay(policy, n, NO_RANDOM));
        }
        return delays;
    }

    private static List<Duration> millis(long... values) {
        List<Duration> delays = new ArrayList<>();
        for (long v : values) {
            delays.add(Duration.ofMillis(v));
        }
        return delays;
    }

    @Test
    void fixedAlwaysUsesTheInitialDelay() {
        RetryPolicy p = policy(Backoff.fixed(), Duration.ofSeconds(2), Duration.ofHours(1));
        assertThat(firstSix(p)).isEqualTo(millis(2000, 2000, 2000, 2000, 2000, 2000));
    }

    @Test
    void linearAddsTheIncrementPerRetry() {
        RetryPolicy p = policy(Backoff.linear(Duration.ofMillis(500)), Duration.ofSeconds(1), Duration.ofHours(1));
        assertThat(firstSix(p)).isEqualTo(millis(1000, 1500, 2000, 2500, 3000, 3500));
    }

    @Test
    void exponentialMultipliesByTheBase() {
        RetryPolicy p = policy(Backoff.exponential(2.0), Duration.ofSeconds(1), Duration.ofHours(1));
        assertThat(firstSix(p)).isEqualTo(millis(1000, 2000, 4000, 8000, 16000, 32000));
    }

    @Test
    void exponentialWithAFractionalBase() {
        RetryPolicy p = policy(Backoff.exponential(1.5), Duration.ofMillis(100), Duration.ofHours(1));
        assertThat(firstSix(p))
                .containsExactly(
                        Duration.ofMillis(100),
                        Duration.ofMillis(150),
                        Duration.ofMillis(225),
                        Duration.ofNanos(337_500_000),
                        Duration.ofNanos(506_250_000),
                        Duration.ofNanos(759_375_000));
    }

    @Test
    void fibonacciStartsWithOneOne() {
        RetryPolicy p = policy(Backoff.fibonacci(), Duration.ofSeconds(1), Duration.ofHours(1));
        assertThat(firstSix(p)).isEqualTo(millis(1000, 1000, 2000, 3000, 5000, 8000));
    }

    @Test
    void customUsesTheListThenTheMaximumDelay() {
        RetryPolicy p = policy(Backoff.custom(millis(100, 300, 1000)), Duration.ofSeconds(5), Duration.ofSeconds(20));
        assertThat(firstSix(p)).isEqualTo(millis(100, 300, 1000, 20000, 20000, 20000));
    }

    @Test
    void everyKindIsCappedAtTheMaximumDelay() {
        Duration max = Duration.ofSeconds(30);
        assertThat(firstSix(policy(Backoff.exponential(2.0), Duration.ofSeconds(1), max)))
                .isEqualTo(millis(1000, 2000, 4000, 8000, 16000, 30000));
        assertThat(firstSix(policy(Backoff.linear(Duration.ofSeconds(10)), Duration.ofSeconds(1), max)))
                .isEqualTo(millis(1000, 11000, 21000, 30000, 30000, 30000));
        assertThat(firstSix(policy(Backoff.fibonacci(), Duration.ofSeconds(7), max)))
                .isEqualTo(millis(7000, 7000, 14000, 21000, 30000, 30000));
        assertThat(firstSix(policy(Backoff.fixed(), Duration.ofMinutes(1), max)))
                .isEqualTo(millis(30000, 30000, 30000, 30000, 30000, 30000));
        assertThat(firstSix(policy(Backoff.custom(millis(45000, 10)), Duration.ZERO, max)))
                .isEqualTo(millis(30000, 10, 30000, 30000, 30000, 30000));
    }

    @Test
    void hugeRetryNumbersAndBasesSaturateAtTheMaximumDelay() {
        Duration max = Duration.ofMinutes(5);
        assertThat(BackoffSchedule.delay(
                        policy(Backoff.exponential(10), Duration.ofSeconds(1), max), 10_000, NO_RANDOM))
                .isEqualTo(max);
        assertThat(BackoffSchedule.delay(policy(Backoff.exponential(1e300), Duration.ofNanos(1), max), 3, NO_RANDOM))
                .isEqualTo(max);
        assertThat(BackoffSchedule.delay(policy(Backoff.fibonacci(), Duration.ofSeconds(1), max), 10_000, NO_RANDOM))
                .isEqualTo(max);
        assertThat(BackoffSchedule.delay(
                        policy(Backoff.linear(Duration.ofDays(1000)), Duration.ofSeconds(1), max),
                        Integer.MAX_VALUE,
                        NO_RANDOM))
                .isEqualTo(max);
        assertThat(BackoffSchedule.delay(
                        policy(Backoff.custom(millis(1)), Duration.ZERO, max), Integer.MAX_VALUE, NO_RANDOM))
                .isEqualTo(max);
    }

    @Test
    void aMaximumBeyondTheNanosecondRangeSaturatesInsteadOfOverflowing() {
        Duration ages = Duration.ofDays(365L * 1_000_000);
        for (Backoff backoff :
                List.of(Backoff.exponential(10), Backoff.fibonacci(), Backoff.linear(Duration.ofDays(365L * 1000)))) {
            Duration d = BackoffSchedule.delay(policy(backoff, Duration.ofSeconds(1), ages), 10_000, NO_RANDOM);
            assertThat(d).as(backoff.toString()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        }
        Duration d = BackoffSchedule.delay(policy(Backoff.fixed(), ages, ages), 1, NO_RANDOM);
        assertThat(d).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }

    @Test
    void aZeroInitialDelayStaysZero() {
        Duration max = Duration.ofMinutes(5);
        assertThat(BackoffSchedule.delay(policy(Backoff.exponential(10), Duration.ZERO, max), 10_000, NO_RANDOM))
                .isZero();
        assertThat(BackoffSchedule.delay(policy(Backoff.fibonacci(), Duration.ZERO, max), 10_000, NO_RANDOM))
                .isZero();
    }

    @Test
    void baseOneIsConstant() {
        RetryPolicy p = policy(Backoff.exponential(1.0), Duration.ofSeconds(3), Duration.ofMinutes(1));
        assertThat(BackoffSchedule.delay(p, 10_000, NO_RANDOM)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retryNumbersStartAtOne() {
        RetryPolicy p = RetryPolicy.builder().build();
        assertThatThrownBy(() -> BackoffSchedule.delay(p, 0, NO_RANDOM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, was 0");
    }

    @Test
    void jitterStaysWithinHalfTheFactorEitherSide() {
        RetryPolicy p = policy(Backoff.fixed(), Duration.ofSeconds(10), Duration.ofMinutes(1)).toBuilder()
                .jitter(true)
                .jitterFactor(0.3)
                .build();
        Random random = new Random(42);
        Duration low = Duration.ofMillis(8500);
        Duration high = Duration.ofMillis(11500);
        Duration min = high;
        Duration max = low;
        long totalNanos = 0;
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            Duration d = BackoffSchedule.delay(p, 1, random::nextDouble);
            assertThat(d).isBetween(low, high);
            min = d.compareTo(min) < 0 ? d : min;
            max = d.compareTo(max) > 0 ? d : max;
            totalNanos += d.toNanos();
        }
        assertThat(min).isLessThan(Duration.ofMillis(8600));
        assertThat(max).isGreaterThan(Duration.ofMillis(11400));
        assertThat(totalNanos / draws).isBetween(9_950_000_000L, 10_050_000_000L);
    }

    @Test
    void jitterIsExactAtTheEndsOfTheRandomRange() {
        RetryPolicy p = policy(Backoff.fixed(), Duration.ofSeconds(10), Duration.ofMinutes(1)).toBuilder()
                .jitter(true)
                .jitterFactor(0.2)
                .build();
        assertThat(BackoffSchedule.delay(p, 1, () -> 0.0)).isEqualTo(Duration.ofSeconds(9));
        assertThat(BackoffSchedule.delay(p, 1, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(BackoffSchedule.delay(p, 1, () -> 0.75)).isEqualTo(Duration.ofMillis(10500));
    }

    @Test
    void jitterNeverRaisesADelayAboveTheMaximum() {
        RetryPolicy p = policy(Backoff.exponential(2), Duration.ofSeconds(10), Duration.ofSeconds(10)).toBuilder()
                .jitter(true)
                .jitterFactor(1.0)
                .build();
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            assertThat(BackoffSchedule.delay(p, 1 + i % 6, random::nextDouble))
                    .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        }
    }

    @Test
    void withoutJitterOrWithAZeroFactorNoRandomIsDrawn() {
        RetryPolicy off = policy(Backoff.fixed(), Duration.ofSeconds(1), Duration.ofMinutes(1));
        RetryPolicy zero = off.toBuilder().jitter(true).jitterFactor(0).build();
        assertThat(BackoffSchedule.delay(off, 1, NO_RANDOM)).isEqualTo(Duration.ofSeconds(1));
        assertThat(BackoffSchedule.delay(zero, 1, NO_RANDOM)).isEqualTo(Duration.ofSeconds(1));
    }
}
