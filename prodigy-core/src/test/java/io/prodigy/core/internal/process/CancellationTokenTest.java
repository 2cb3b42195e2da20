package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTokenTest {

    @Test
    void runsCallbacksOnceInOrderOnTheFirstCancel() {
        CancellationToken token = new CancellationToken();
        List<String> calls = new ArrayList<>();
        token.onCancel(() -> calls.add("first"));
        token.onCancel(() -> calls.add("second"));

        assertThat(token.isCancelled()).isFalse();
        token.cancel();
        token.cancel();

        assertThat(token.isCancelled()).isTrue();
        assertThat(calls).containsExactly("first", "second");
    }

    @Test
    void removedCallbacksDoNotRun() {
        CancellationToken token = new CancellationToken();
        AtomicInteger calls = new AtomicInteger();
        CancellationToken.Registration registration = token.onCancel(calls::incrementAndGet);
        registration.remove();
        registration.remove();
        try (CancellationToken.Registration closed = token.onCancel(calls::incrementAndGet)) {
            assertThat(closed).isNotNull();
        }

        token.cancel();

        assertThat(calls).hasValue(0);
    }

    @Test
    void runsACallbackRegisteredAfterCancellationImmediately() {
        CancellationToken token = new CancellationToken();
        token.cancel();
        AtomicInteger calls = new AtomicInteger();

        token.onCancel(calls::incrementAndGet).remove();

        assertThat(calls).hasValue(1);
    }

    @Test
    void aFailingCallbackDoesNotStopTheOthers() {
        CancellationToken token = new CancellationToken();
        AtomicInteger calls = new AtomicInteger();
        token.onCancel(() -> {
            throw new IllegalStateException("boom");
        });
        token.onCancel(calls::incrementAndGet);

        token.cancel();

        assertThat(calls).hasValue(1);
    }

    @Test
    void everyCallbackRunsExactlyOnceUnderConcurrentRegistrationAndCancellation() throws Exception {
        for (int round = 0; round < 20; round++) {
            CancellationToken token = new CancellationToken();
            AtomicInteger calls = new AtomicInteger();
            int registrations = 200;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int i = 0; i < registrations; i++) {
                    pool.execute(() -> {
                        await(start);
                        token.onCancel(calls::incrementAndGet);
                    });
                }
                pool.execute(() -> {
                    await(start);
                    token.cancel();
                });
                pool.execute(() -> {
                    await(start);
                    token.cancel();
                });
                start.countDown();
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(calls).hasValue(registrations);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
