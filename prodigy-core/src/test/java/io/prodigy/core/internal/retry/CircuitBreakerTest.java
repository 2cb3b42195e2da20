package io.prodigy.core.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.CircuitBreakerPolicy;
import io.prodigy.core.internal.retry.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    /** A hand-moved monotonic clock that starts far from zero, as System.nanoTime may. */
    private final AtomicLong now = new AtomicLong(-5_000_000_000L);

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private CircuitBreaker breaker(int failures, int successes, Duration timeout, int trials) {
        return new CircuitBreaker(new CircuitBreakerPolicy(failures, successes, timeout, trials), now::get);
    }

    private static void fail(CircuitBreaker b, int times) {
        for (int i = 0; i < times; i++) {
            b.onFailure();
        }
    }

    @Test
    void staysClosedUntilEnoughConsecutiveFailures() {
        CircuitBreaker b = breaker(3, 2, Duration.ofSeconds(30), 2);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.remainingOpen()).isZero();
        fail(b, 2);
        b.onSuccess(); // resets the count
        fail(b, 2);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.tryAcquire()).isTrue();
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.tryAcquire()).isFalse();
    }

    @Test
    void fullCycleClosedOpenHalfOpenClosed() {
        CircuitBreaker b = breaker(2, 2, Duration.ofSeconds(30), 2);
        fail(b, 2);
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.remainingOpen()).isEqualTo(Duration.ofSeconds(30));

        advance(Duration.ofSeconds(10));
        assertThat(b.tryAcquire()).isFalse();
        assertThat(b.remainingOpen()).isEqualTo(Duration.ofSeconds(20));

        advance(Duration.ofSeconds(20).minusNanos(1));
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.remainingOpen()).isEqualTo(Duration.ofNanos(1));

        advance(Duration.ofNanos(1));
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.remainingOpen()).isZero();
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).as("only two trials at once").isFalse();

        b.onSuccess();
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.tryAcquire()).as("a finished trial frees its slot").isTrue();
        assertThat(b.tryAcquire()).isFalse();

        b.onSuccess();
        assertThat(b.state()).isEqualTo(State.CLOSED);
        for (int i = 0; i < 10; i++) {
            assertThat(b.tryAcquire()).isTrue();
        }
        b.onFailure();
        assertThat(b.state()).as("closing reset the failure count").isEqualTo(State.CLOSED);
    }

    @Test
    void aFailedTrialReopensForAFullTimeout() {
        CircuitBreaker b = breaker(1, 3, Duration.ofSeconds(5), 3);
        b.onFailure();
        advance(Duration.ofSeconds(5));
        assertThat(b.tryAcquire()).isTrue();
        b.onSuccess();
        assertThat(b.tryAcquire()).isTrue();
        advance(Duration.ofSeconds(1));
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.remainingOpen()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.tryAcquire()).isFalse();

        advance(Duration.ofSeconds(5));
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        b.onSuccess();
        b.onSuccess();
        assertThat(b.state())
                .as("successes before the reopening no longer count")
                .isEqualTo(State.HALF_OPEN);
        b.onSuccess();
        assertThat(b.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void outcomesWhileOpenAreIgnored() {
        CircuitBreaker b = breaker(2, 1, Duration.ofSeconds(30), 1);
        fail(b, 2);
        advance(Duration.ofSeconds(20));
        for (int i = 0; i < 5; i++) {
            b.onSuccess();
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
        fail(b, 5);
        assertThat(b.remainingOpen()).as("failures do not extend the wait").isEqualTo(Duration.ofSeconds(10));
        b.release();
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    @Test
    void releaseFreesATrialSlotWithoutCountingAsAnOutcome() {
        CircuitBreaker b = breaker(1, 1, Duration.ofSeconds(1), 1);
        b.onFailure();
        advance(Duration.ofSeconds(1));
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
        b.release();
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.tryAcquire()).isTrue();
        b.release();
        b.release(); // more releases than permits must not create extra slots
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
    }

    @Test
    void releaseWhileClosedChangesNothing() {
        CircuitBreaker b = breaker(2, 1, Duration.ofSeconds(1), 1);
        b.onFailure();
        b.release();
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aZeroTimeoutGoesHalfOpenAtOnce() {
        CircuitBreaker b = breaker(1, 1, Duration.ZERO, 1);
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.remainingOpen()).isZero();
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        int threads = 4;
        int perThread = 250;
        CircuitBreaker exact = breaker(threads * perThread, 1, Duration.ofSeconds(30), 1);
        CircuitBreaker oneShort = breaker(threads * perThread + 1, 1, Duration.ofSeconds(30), 1);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    exact.onFailure();
                    oneShort.onFailure();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(exact.state()).isEqualTo(State.OPEN);
        assertThat(oneShort.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void concurrentTrialsNeverExceedTheLimit() throws Exception {
        CircuitBreaker b = breaker(1, 100, Duration.ZERO, 3);
        b.onFailure();
        int threads = 4;
        int perThread = 50;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                int granted = 0;
                for (int i = 0; i < perThread; i++) {
                    if (b.tryAcquire()) {
                        granted++;
                    }
                }
                return granted;
            }));
        }
        start.countDown();
        int granted = 0;
        for (Future<Integer> f : futures) {
            granted += f.get(10, TimeUnit.SECONDS);
        }
        assertThat(granted).isEqualTo(3);
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void theDefaultClockIsMonotonicTime() {
        CircuitBreaker b = new CircuitBreaker(new CircuitBreakerPolicy(1, 1, Duration.ofHours(1), 1));
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.remainingOpen()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
    }
}
