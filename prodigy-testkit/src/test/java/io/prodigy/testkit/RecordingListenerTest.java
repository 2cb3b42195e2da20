package io.prodigy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.RunStatus;
import io.prodigy.api.event.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RecordingListenerTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void recordsEventsByTypeInDeliveryOrder() {
        RecordingListener l = new RecordingListener();
        l.onEvent(new RunEvent.RunStarted("r", AT, "wf"));
        l.onEvent(new RunEvent.ItemStarted("r", AT, "a", 1, "ws-a"));
        l.onEvent(new RunEvent.ItemStarted("r", AT, "b", 1, "ws-b"));
        assertThat(l.typeNames()).containsExactly("RunStarted", "ItemStarted", "ItemStarted");
        assertThat(l.events(RunEvent.ItemStarted.class))
                .extracting(RunEvent.ItemStarted::itemId)
                .containsExactly("a", "b");
        assertThat(l.count(RunEvent.ItemStarted.class)).isEqualTo(2);
        assertThat(l.first(RunEvent.RunFinished.class)).isEmpty();
        l.clear();
        assertThat(l.events()).isEmpty();
    }

    @Test
    void awaitsAnEventDeliveredByAnotherThread() throws Exception {
        RecordingListener l = new RecordingListener();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread engine = new Thread(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            l.onEvent(new RunEvent.ItemStarted("r", AT, "a", 1, "ws"));
            l.onEvent(new RunEvent.RunFinished("r", AT, RunStatus.SUCCEEDED, Duration.ofSeconds(1)));
        });
        engine.start();
        waiting.countDown();
        RunEvent.RunFinished done = l.await(RunEvent.RunFinished.class, Duration.ofSeconds(10));
        assertThat(done.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(l.await(RunEvent.ItemStarted.class, e -> e.itemId().equals("a"), Duration.ofSeconds(1))
                        .attempt())
                .isEqualTo(1);
        engine.join();
    }

    @Test
    void aTimeoutFailsWithTheEventsThatDidArrive() {
        RecordingListener l = new RecordingListener();
        l.onEvent(new RunEvent.RunStarted("r", AT, "wf"));
        assertThatThrownBy(() -> l.awaitCondition(events -> events.size() > 5, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("RunStarted");
        assertThatThrownBy(() -> l.await(RunEvent.ItemStarted.class, e -> true, Duration.ZERO))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ItemStarted");
    }
}
