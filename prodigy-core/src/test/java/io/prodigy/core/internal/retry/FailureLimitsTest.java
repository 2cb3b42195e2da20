package io.prodigy.core.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.core.internal.retry.FailureLimits.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FailureLimitsTest {

    private static FailureLimits limits(ErrorPolicy.Builder policy) {
        return new FailureLimits(policy.build());
    }

    private static void repeat(int times, Runnable r) {
        for (int i = 0; i < times; i++) {
            r.run();
        }
    }

    @Test
    void theDefaultPolicyNeverStops() {
        FailureLimits l = new FailureLimits(ErrorPolicy.DEFAULT);
        for (int i = 0; i < 1_000; i++) {
            assertThat(l.recordFailure("item-" + i)).isEqualTo(Decision.CONTINUE);
        }
        assertThat(l.recordSuccess()).isEqualTo(Decision.CONTINUE);
        assertThat(l.stopReason()).isNull();
    }

    @Test
    void continueOnFailureFalseStopsAtTheFirstFailure() {
        FailureLimits l = limits(ErrorPolicy.builder().continueOnFailure(false));
        assertThat(l.recordSuccess()).isEqualTo(Decision.CONTINUE);
        assertThat(l.stopReason()).isNull();
        assertThat(l.recordFailure("item-7")).isEqualTo(Decision.STOP);
        assertThat(l.stopReason()).isEqualTo("stopped: continue_on_failure is false and item item-7 failed");
    }

    @Test
    void onItemFailureStopStopsAtTheFirstFailure() {
        FailureLimits l = limits(ErrorPolicy.builder().onItemFailure(ItemFailureAction.STOP));
        assertThat(l.recordSuccess()).isEqualTo(Decision.CONTINUE);
        assertThat(l.recordFailure()).isEqualTo(Decision.STOP);
        assertThat(l.stopReason()).isEqualTo("stopped: on_item_failure is stop and an item failed");
    }

    @Test
    void maxFailuresToleratesExactlyThatMany() {
        FailureLimits l = limits(ErrorPolicy.builder().maxFailures(3));
        for (int i = 0; i < 3; i++) {
            assertThat(l.recordFailure()).isEqualTo(Decision.CONTINUE);
            assertThat(l.recordSuccess()).isEqualTo(Decision.CONTINUE);
        }
        assertThat(l.recordFailure("d")).isEqualTo(Decision.STOP);
        assertThat(l.stopReason()).isEqualTo("stopped: 4 items failed, more than max_failures 3");
    }

    @Test
    void maxFailuresZeroStopsAtTheFirstFailure() {
        FailureLimits l = limits(ErrorPolicy.builder().maxFailures(0));
        assertThat(l.recordSuccess()).isEqualTo(Decision.CONTINUE);
        assertThat(l.recordFailure()).isEqualTo(Decision.STOP);
        assertThat(l.stopReason()).isEqualTo("stopped: 1 item failed, more than max_failures 0");
    }

    @Test
    void stopIsStickyAndKeepsTheFirstReason() {
        FailureLimits l = limits(ErrorPolicy.builder().maxFailures(0).failureThreshold(0.1));
        l.recordFailure("a");
        String reason = l.stopReason();
        assertThat(l.recordSuccess()).isEqualTo(Decision.STOP);
        repeat(20, l::recordFailure);
        assertThat(l.recordSuccess()).isEqualTo(Decision.STOP);
        assertThat(l.stopReason()).isEqualTo(reason);
    }

    @Test
    void failureThresholdWaitsForTenFinishedItems() {
        FailureLimits l = limits(ErrorPolicy.builder().failureThreshold(0.5));
        for (int i = 0; i < 9; i++) {
            assertThat(l.recordFailure()).as("failure %d of 9", i + 1).isEqualTo(Decision.CONTINUE);
        }
        assertThat(l.recordFailure()).isEqualTo(Decision.STOP);
        assertThat(l.stopReason())
                .isEqualTo("stopped: failure rate 100% (10 of 10 finished items failed) exceeds failure_threshold 50%");
    }

    @Test
    void theTenthFinishedItemMayBeASuccessThatStops() {
        FailureLimits l = limits(ErrorPolicy.builder().failureThreshold(0.5));
        repeat(6, l::recordFailure);
        repeat(3, l::recordSuccess);
        assertThat(l.stopReason()).isNull();
        assertThat(l.recordSuccess()).isEqualTo(Decision.STOP);
        assertThat(l.stopReason())
                .isEqualTo("stopped: failure rate 60% (6 of 10 finished items failed) exceeds failure_threshold 50%");
    }

    @Test
    void aRateEqualToTheThresholdContinues() {
        FailureLimits l = limits(ErrorPolicy.builder().failureThreshold(0.5));
        repeat(5, l::recordFailure);
        repeat(4, l::recordSuccess);
        assertThat(l.recordSuccess()).isEqualTo(Decision.CONTINUE); // 5 of 10 = 50%, not above
        assertThat(l.recordFailure()).isEqualTo(Decision.STOP); // 6 of 11
        assertThat(l.stopReason())
                .isEqualTo("stopped: failure rate 54.5% (6 of 11 finished items failed) exceeds failure_threshold 50%");
    }

    @Test
    void aZeroThresholdStopsAtTheFirstFailureAfterTenItems() {
        FailureLimits l = limits(ErrorPolicy.builder().failureThreshold(0.0));
        repeat(10, l::recordSuccess);
        assertThat(l.recordFailure()).isEqualTo(Decision.STOP);
        assertThat(l.stopReason()).contains("failure rate 9.1% (1 of 11").endsWith("failure_threshold 0%");
    }

    @Test
    void concurrentRecordsAreCountedExactly() throws Exception {
        FailureLimits l = limits(ErrorPolicy.builder().maxFailures(99));
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    int continued = 0;
                    for (int i = 0; i < perThread; i++) {
                        l.recordSuccess();
                        if (l.recordFailure() == Decision.CONTINUE) {
                            continued++;
                        }
                    }
                    return continued;
                }));
            }
            start.countDown();
            int continued = 0;
            for (Future<Integer> f : futures) {
                continued += f.get(10, TimeUnit.SECONDS);
            }
            assertThat(continued).isEqualTo(99);
            assertThat(l.stopReason()).isEqualTo("stopped: 100 items failed, more than max_failures 99");
        } finally {
            pool.shutdownNow();
        }
    }
}
