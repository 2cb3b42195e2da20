package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.StoreException;
import io.prodigy.api.event.RunEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlEventLogTest {
    private static final Instant T = Samples.T0;

    @TempDir
    Path home;

    /** One of every event, with durations in whole milliseconds (the log's precision). */
    static List<RunEvent> everyEvent(String runId) {
        return List.of(
                new RunEvent.RunStarted(runId, T, "wf"),
                new RunEvent.PhaseStarted(runId, T, "stage-0", "map"),
                new RunEvent.ItemsResolved(runId, T, "stage-0", 3, 2),
                new RunEvent.ItemStarted(runId, T, "item-1", 1, "agent-1"),
                new RunEvent.StepStarted(runId, T, "item-1", "map", 0, "claude: /fix"),
                new RunEvent.AgentActivity(
                        runId,
                        T,
                        "item-1",
                        "claude: /fix",
                        "tool_use",
                        "Edit src/A.java",
                        Map.of("tool", "Edit", "path", "src/A.java")),
                new RunEvent.StepFinished(
                        runId, T, "item-1", "map", 0, "claude: /fix", false, false, 2, Duration.ofMillis(1500)),
                new RunEvent.StepFinished(runId, T, null, "setup", 1, "shell: ls", true, true, null, Duration.ZERO),
                new RunEvent.ItemFailed(runId, T, "item-1", 1, ErrorKind.RATE_LIMITED, Samples.NASTY, true),
                new RunEvent.Throttled(
                        runId, T, "item-1", ErrorKind.QUOTA_EXHAUSTED, 1, T.plusSeconds(3600), Duration.ofSeconds(30)),
                new RunEvent.Throttled(runId, T, null, ErrorKind.RATE_LIMITED, 2, null, Duration.ofMillis(250)),
                new RunEvent.RetryScheduled(runId, T, "item-1", null, 2, Duration.ofMillis(2000), "exit 2"),
                new RunEvent.ItemFinished(runId, T, "item-1", ItemStatus.SUCCEEDED, 2, Duration.ofMillis(4321), 0.125),
                new RunEvent.ItemFinished(runId, T, "item-2", ItemStatus.FAILED, 3, Duration.ofMillis(9), null),
                new RunEvent.ItemIntegrated(runId, T, "item-1", 3),
                new RunEvent.ItemDeadLettered(runId, T, "item-2"),
                new RunEvent.ConcurrencyRaised(runId, T, 3),
                new RunEvent.BudgetReached(runId, T, 10.5, 10.0),
                new RunEvent.PhaseFinished(runId, T, "stage-0", "map", true, Duration.ofMillis(60_000)),
                new RunEvent.RunFinished(
                        runId, T.plusSeconds(61), RunStatus.COMPLETED_WITH_FAILURES, Duration.ofMillis(61_000)));
    }

    @Test
    void everyEventRoundTripsAsVersionedSnakeCaseJson() throws IOException {
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            everyEvent("run-1").forEach(log::onEvent);
        }
        EventLogReader reader = EventLogReader.open(home);
        assertThat(reader.read("run-1")).containsExactlyElementsOf(everyEvent("run-1"));
        assertThat(reader.read("run-unknown")).isEmpty();

        List<String> lines = Files.readAllLines(reader.file("run-1"));
        assertThat(lines).hasSize(everyEvent("run-1").size());
        assertThat(lines.get(0))
                .isEqualTo("{\"version\":1,\"type\":\"run_started\",\"run_id\":\"run-1\","
                        + "\"at\":\"2026-03-01T10:15:30.123456789Z\",\"workflow_name\":\"wf\"}");
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("{\"version\":1,\"type\":\"item_finished\","
                                + "\"run_id\":\"run-1\",\"at\":\"2026-03-01T10:15:30.123456789Z\",\"item_id\":\"item-1\","
                                + "\"status\":\"SUCCEEDED\",\"attempts\":2,\"duration_ms\":4321,\"cost_usd\":0.125}"));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .contains(
                                "\"type\":\"agent_activity\"",
                                "\"activity_type\":\"tool_use\"",
                                "\"details\":{\"path\":\"src/A.java\",\"tool\":\"Edit\"}"));
    }

    @Test
    void durationsAreKeptAsWholeMilliseconds() {
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            log.onEvent(new RunEvent.RunFinished("run-1", T, RunStatus.SUCCEEDED, Duration.ofNanos(1_999_999)));
        }
        assertThat(EventLogReader.open(home).read("run-1"))
                .containsExactly(new RunEvent.RunFinished("run-1", T, RunStatus.SUCCEEDED, Duration.ofMillis(1)));
    }

    @Test
    void followDeliversEventsAsTheyAreWrittenAndEndsAtRunFinished() throws Exception {
        List<RunEvent> events = everyEvent("run-1");
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        CountDownLatch firstSeen = new CountDownLatch(1);
        EventLogReader reader = EventLogReader.open(home, Duration.ofMillis(5));
        CompletableFuture<Optional<RunEvent.RunFinished>> following = CompletableFuture.supplyAsync(() -> reader.follow(
                "run-1",
                e -> {
                    seen.add(e);
                    firstSeen.countDown();
                },
                () -> false));
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            log.onEvent(events.get(0)); // the file does not exist until now
            assertThat(firstSeen.await(10, TimeUnit.SECONDS)).isTrue();
            for (RunEvent e : events.subList(1, events.size())) {
                log.onEvent(e);
            }
            log.onEvent(new RunEvent.RunStarted("run-1", T, "after the end"));
        }
        Optional<RunEvent.RunFinished> finished = following.get(10, TimeUnit.SECONDS);
        assertThat(finished).contains((RunEvent.RunFinished) events.get(events.size() - 1));
        assertThat(seen).containsExactlyElementsOf(events);
    }

    @Test
    void followWaitsForAWholeLineAndStopsWhenAsked() throws Exception {
        Path file = EventLogReader.open(home).file("run-1");
        Files.createDirectories(file.getParent());
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            log.onEvent(new RunEvent.RunStarted("run-1", T, "wf"));
        }
        String half = "{\"version\":1,\"type\":\"item_dead_lettered\",\"run_id\":\"run-1\",";
        Files.writeString(file, half, java.nio.file.StandardOpenOption.APPEND);
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        EventLogReader reader = EventLogReader.open(home, Duration.ofMillis(5));
        CompletableFuture<Optional<RunEvent.RunFinished>> following =
                CompletableFuture.supplyAsync(() -> reader.follow("run-1", seen::add, stop::get));
        awaitSize(seen, 1);
        Files.writeString(file, "\"at\":\"" + T + "\",\"item_id\":\"x\"}\n", java.nio.file.StandardOpenOption.APPEND);
        awaitSize(seen, 2);
        assertThat(seen.get(1)).isEqualTo(new RunEvent.ItemDeadLettered("run-1", T, "x"));
        stop.set(true);
        assertThat(following.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void followStopsWhenItsThreadIsInterrupted() throws Exception {
        CountDownLatch polling = new CountDownLatch(3);
        EventLogReader reader = EventLogReader.open(home, Duration.ofMillis(5));
        Optional<?>[] result = new Optional<?>[1];
        boolean[] interruptedAfter = new boolean[1];
        Thread t = new Thread(() -> {
            result[0] = reader.follow("run-1", e -> {}, () -> {
                polling.countDown();
                return false;
            });
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        t.start();
        assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(result[0]).isEmpty();
        assertThat(interruptedAfter[0]).isTrue();
    }

    @Test
    void aTornLastEventIsSkippedAndACorruptOneElsewhereIsAnError() throws IOException {
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            everyEvent("run-1").subList(0, 5).forEach(log::onEvent);
        }
        Path file = EventLogReader.open(home).file("run-1");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 7);
        }
        try (StderrCapture err = new StderrCapture()) {
            assertThat(EventLogReader.open(home).read("run-1")).hasSize(4);
            assertThat(err.text()).contains(file + " line 5");
        }
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            log.onEvent(new RunEvent.ItemDeadLettered("run-1", T, "later"));
        }
        assertThat(EventLogReader.open(home).read("run-1"))
                .hasSize(5)
                .last()
                .isEqualTo(new RunEvent.ItemDeadLettered("run-1", T, "later"));

        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, "not json");
        Files.write(file, lines);
        assertThatThrownBy(() -> EventLogReader.open(home).read("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 2");
        assertThatThrownBy(() -> EventLogReader.open(home).follow("run-1", e -> {}, () -> true))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " line 2");
    }

    @Test
    void aFailingLogNeverThrowsIntoTheEngineAndWarnsOncePerRun() throws IOException {
        Files.writeString(home.resolve("runs"), "a file where the runs directory should be");
        try (StderrCapture err = new StderrCapture();
                JsonlEventLog log = new JsonlEventLog(home)) {
            for (RunEvent e : everyEvent("run-1")) {
                log.onEvent(e);
            }
            log.onEvent(new RunEvent.RunStarted("bad/id", T, "wf"));
            String text = err.text();
            assertThat(text.split("cannot write the event log", -1)).hasSize(3); // run-1 once, bad/id once
            assertThat(text).contains("run 'run-1'", "run 'bad/id'");
        }
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws Exception {
        int threads = 8;
        int perThread = 250;
        try (JsonlEventLog log = new JsonlEventLog(home)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                writers.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        log.onEvent(new RunEvent.AgentActivity(
                                "run-1", T, "t" + n, "s", "text", "x".repeat(2000), Map.of("i", Integer.toString(i))));
                    }
                }));
            }
            writers.forEach(Thread::start);
            for (Thread w : writers) {
                w.join();
            }
        }
        List<RunEvent> events = EventLogReader.open(home).read("run-1");
        assertThat(events).hasSize(threads * perThread);
    }

    private static void awaitSize(List<?> list, int size) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + size + " events, got " + list);
            }
            Thread.onSpinWait();
        }
    }
}
