package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.core.internal.process.CancellationToken;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The governor's rules, one by one. */
class ConcurrencyGovernorTest {
    private final CancellationToken token = new CancellationToken();

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Starts a thread that acquires a slot and counts down when it got one. */
    private Thread acquirer(ConcurrencyGovernor g, CountDownLatch admitted) {
        Thread t = new Thread(() -> {
            try {
                g.acquire(token, () -> false);
                admitted.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void admitsUpToTheLimitAndThenWaitsForARelease() throws Exception {
        ConcurrencyGovernor g = new ConcurrencyGovernor(2, Clock.systemUTC());
        g.acquire(token, () -> false);
        g.acquire(token, () -> false);
        assertThat(g.running()).isEqualTo(2);
        CountDownLatch third = new CountDownLatch(1);
        acquirer(g, third);
        assertThat(third.await(200, TimeUnit.MILLISECONDS))
                .as("a third item waits")
                .isFalse();
        g.release(true);
        assertThat(third.await(10, TimeUnit.SECONDS))
                .as("admitted after a release")
                .isTrue();
        assertThat(g.running()).isEqualTo(2);
    }

    @Test
    void aThrottleHalvesTheLimitOncePerBurstAndNeverBelowOne() {
        ConcurrencyGovernor g = new ConcurrencyGovernor(8, Clock.systemUTC());
        assertThat(g.limit()).isEqualTo(8);
        assertThat(g.throttled(null)).isEqualTo(4);
        assertThat(g.throttled(null))
                .as("a second 429 of the same burst (within 1 s) counts once")
                .isEqualTo(4);
        ConcurrencyGovernor one = new ConcurrencyGovernor(1, Clock.systemUTC());
        assertThat(one.throttled(null)).isEqualTo(1);
    }

    @Test
    void theLimitGrowsBackByOneAfterLimitConsecutiveSuccessesUpToTheMaximum() throws Exception {
        ConcurrencyGovernor g = new ConcurrencyGovernor(4, Clock.systemUTC());
        g.throttled(null);
        assertThat(g.limit()).isEqualTo(2);
        succeed(g, 1);
        assertThat(g.limit()).as("one success is not enough at limit 2").isEqualTo(2);
        g.acquire(new CancellationToken(), () -> false);
        assertThat(g.release(true))
                .as("the release that raises the limit reports it")
                .isEqualTo(3);
        assertThat(g.limit()).isEqualTo(3);
        succeed(g, 2);
        fail(g);
        succeed(g, 2);
        assertThat(g.limit())
                .as("a failure resets the count of consecutive successes")
                .isEqualTo(3);
        succeed(g, 1);
        assertThat(g.limit()).isEqualTo(4);
        succeed(g, 20);
        assertThat(g.limit()).as("never above max_parallel").isEqualTo(4);
    }

    @Test
    void aThrottleResetsTheSuccessCount() throws Exception {
        ConcurrencyGovernor g = new ConcurrencyGovernor(4, Clock.systemUTC());
        g.throttled(null);
        succeed(g, 1);
        // a later 429 within the spacing does not halve again, but the success run starts over
        g.throttled(null);
        succeed(g, 1);
        assertThat(g.limit()).isEqualTo(2);
        succeed(g, 1);
        assertThat(g.limit()).isEqualTo(3);
    }

    @Test
    void anExhaustedQuotaParksDispatchUntilItsReset() throws Exception {
        TestClock clock = new TestClock();
        ConcurrencyGovernor g = new ConcurrencyGovernor(4, clock);
        Instant reset = clock.now.plusSeconds(60);
        g.throttled(reset);
        assertThat(g.parkedUntil()).isEqualTo(reset);
        CountDownLatch admitted = new CountDownLatch(1);
        acquirer(g, admitted);
        assertThat(admitted.await(200, TimeUnit.MILLISECONDS))
                .as("parked before the reset")
                .isFalse();
        clock.now = reset.plusMillis(1);
        assertThat(admitted.await(10, TimeUnit.SECONDS))
                .as("admitted after the reset")
                .isTrue();
    }

    @Test
    void aThrottledItemStepsAsideAndIsReadmittedOnlyUnderTheNewLimit() throws Exception {
        ConcurrencyGovernor g = new ConcurrencyGovernor(4, Clock.systemUTC());
        for (int i = 0; i < 4; i++) {
            g.acquire(token, () -> false);
        }
        g.throttled(null); // limit 2, four running
        g.stepAside(); // the throttled one waits: three running
        CountDownLatch readmitted = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                g.readmit(token);
                readmitted.countDown();
            } catch (InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
        t.setDaemon(true);
        t.start();
        assertThat(readmitted.await(200, TimeUnit.MILLISECONDS))
                .as("3 running >= limit 2")
                .isFalse();
        g.release(false);
        assertThat(readmitted.await(200, TimeUnit.MILLISECONDS))
                .as("2 running >= limit 2")
                .isFalse();
        g.release(false);
        assertThat(readmitted.await(10, TimeUnit.SECONDS))
                .as("1 running < limit 2")
                .isTrue();
        assertThat(g.running()).isEqualTo(2);
        assertThat(failure.get()).isNull();
    }

    @Test
    void anItemThatSteppedAsideGoesBeforeNewItemsAndACancelledReadmitStillBalances() throws Exception {
        ConcurrencyGovernor g = new ConcurrencyGovernor(1, Clock.systemUTC());
        CancellationToken itemToken = new CancellationToken();
        g.acquire(itemToken, () -> false);
        g.bind();
        assertThat(g.heldByCurrentThread()).isTrue();
        g.stepAside();
        CountDownLatch newItem = new CountDownLatch(1);
        acquirer(g, newItem);
        assertThat(newItem.await(200, TimeUnit.MILLISECONDS))
                .as("no new item while one waits to be readmitted (it holds a thread of the pool)")
                .isFalse();
        itemToken.cancel();
        g.readmit(itemToken);
        assertThat(g.running())
                .as("counted again, so that its release balances")
                .isEqualTo(1);
        g.release(false);
        assertThat(g.heldByCurrentThread()).isFalse();
        assertThat(newItem.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(g.running()).isEqualTo(1);
    }

    private static void succeed(ConcurrencyGovernor g, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            g.acquire(new CancellationToken(), () -> false);
            g.release(true);
        }
    }

    private static void fail(ConcurrencyGovernor g) throws InterruptedException {
        g.acquire(new CancellationToken(), () -> false);
        g.release(false);
    }
}
