package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A throwing listener is logged once with its first exception and a count, and never reaches the others. */
class EventSinkTest {

    @Test
    void aThrowingListenerIsLoggedOnceWithACountAndTheOthersGetEveryEvent() {
        List<RunEvent> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        RunListener broken = e -> {
            throw new IllegalStateException("listener bug #" + calls.incrementAndGet());
        };
        Thread.UncaughtExceptionHandler previous = Thread.currentThread().getUncaughtExceptionHandler();
        AtomicInteger uncaught = new AtomicInteger();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.incrementAndGet());
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        EventSink sink = new EventSink(List.of(broken, seen::add));
        try {
            for (int i = 0; i < 48; i++) {
                sink.emit(new RunEvent.PhaseStarted("r1", Instant.EPOCH, "wf", "map"));
            }
            sink.emit(new RunEvent.RunFinished("r1", Instant.EPOCH, RunStatus.SUCCEEDED, Duration.ZERO));
        } finally {
            System.setErr(originalErr);
            Thread.currentThread().setUncaughtExceptionHandler(previous);
        }
        assertThat(seen).hasSize(49);
        assertThat(calls).hasValue(49);
        assertThat(sink.failureCounts()).containsExactly(49L, 0L);
        assertThat(uncaught)
                .as("nothing goes to the uncaught-exception handler")
                .hasValue(0);
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log.split("listener bug #1", -1)).as(log).hasSize(2);
        assertThat(log)
                .doesNotContain("listener bug #2")
                .contains("run listener #1")
                .contains("threw on 49 event(s) of run r1");
        assertThat(log.split("run listener #1", -1))
                .as("two lines: the first failure and the count")
                .hasSize(3);
    }

    @Test
    void theCompositeCallsEveryListenerAndRethrowsTheFirstFailure() {
        List<String> calls = new ArrayList<>();
        RunListener composite = RunListener.composite(List.of(
                e -> {
                    calls.add("a");
                    throw new IllegalStateException("a");
                },
                e -> calls.add("b"),
                e -> {
                    calls.add("c");
                    throw new IllegalArgumentException("c");
                }));
        RunEvent event = new RunEvent.PhaseStarted("r1", Instant.EPOCH, "wf", "map");
        try {
            composite.onEvent(event);
            throw new AssertionError("the first failure is rethrown");
        } catch (IllegalStateException e) {
            assertThat(e).hasMessage("a");
            assertThat(e.getSuppressed())
                    .singleElement()
                    .matches(s -> s.getMessage().equals("c"));
        }
        assertThat(calls).containsExactly("a", "b", "c");
    }
}
