package io.prodigy.temporal;

import io.temporal.activity.Activity;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the histories of the item workflow's paths (success, throttled then success, a lost worker, a mismatch,
 * a cancellation) on the test environment, for {@link ItemWorkflowReplayTest}. Run it again only when a change of
 * {@link ItemWorkflowImpl} is meant to be incompatible (and then version the workflow instead if runs may be open):
 * {@code java -cp <test classpath> io.prodigy.temporal.ItemHistories prodigy-temporal/src/test/resources/histories}.
 */
final class ItemHistories {
    private ItemHistories() {}

    static final String QUEUE = "histories";

    static ItemTask task(String item) {
        return new ItemTask(
                "run-h",
                "wf",
                "hash",
                null,
                0,
                item,
                0,
                "\"" + item + "\"",
                1,
                Map.of("a", "1"),
                Map.of(),
                0,
                "remote",
                "refs/prodigy-base/run-h",
                "refs/prodigy/run-h/" + item,
                5_000,
                3,
                60_000,
                null);
    }

    static ItemRecord record(String item, String status, long retryAfter, int dispatch) {
        boolean ok = status.equals(ItemRecord.SUCCEEDED);
        return new ItemRecord(
                item,
                status,
                ok ? null : "RATE_LIMITED",
                null,
                null,
                null,
                "out",
                0.5,
                10,
                20,
                "base",
                ok ? "tip" : null,
                retryAfter,
                dispatch,
                "w1",
                false);
    }

    /** @return the histories of each path, by name */
    static Map<String, WorkflowExecutionHistory> record() {
        Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            Worker worker = env.newWorker(QUEUE);
            worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
            worker.registerActivitiesImplementations((ItemActivities) t -> {
                int call = calls.computeIfAbsent(t.itemId(), k -> new AtomicInteger())
                        .incrementAndGet();
                return switch (t.itemId()) {
                    case "throttled" ->
                        call <= 2
                                ? record(t.itemId(), ItemRecord.THROTTLED, call == 1 ? 0 : 90_000, 1)
                                : record(t.itemId(), ItemRecord.SUCCEEDED, 0, 1);
                    case "lost-worker" -> {
                        if (call == 1) {
                            throw ApplicationFailure.newFailure("worker lost", "WorkerError");
                        }
                        yield record(
                                t.itemId(),
                                ItemRecord.SUCCEEDED,
                                0,
                                Activity.getExecutionContext().getInfo().getAttempt());
                    }
                    case "mismatch" ->
                        throw ApplicationFailure.newNonRetryableFailure(
                                "not the coordinator's", ItemWorkflowImpl.MISMATCH);
                    case "failed" -> record(t.itemId(), ItemRecord.FAILED, 0, 1);
                    default -> record(t.itemId(), ItemRecord.SUCCEEDED, 0, 1);
                };
            });
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            Worker canceller = env.newWorker(QUEUE + "-cancel");
            canceller.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
            canceller.registerActivitiesImplementations((ItemActivities) t -> {
                started.countDown();
                while (true) {
                    Activity.getExecutionContext().heartbeat("working"); // throws once cancelled
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                }
            });
            env.start();
            Map<String, WorkflowExecutionHistory> out = new LinkedHashMap<>();
            for (String item : new String[] {"succeeded", "failed", "throttled", "lost-worker", "mismatch"}) {
                WorkflowStub stub = env.getWorkflowClient()
                        .newUntypedWorkflowStub(
                                "ItemWorkflow",
                                WorkflowOptions.newBuilder()
                                        .setTaskQueue(QUEUE)
                                        .setWorkflowId("item-" + item)
                                        .build());
                stub.start(task(item));
                try {
                    stub.getResult(ItemRecord.class);
                } catch (RuntimeException e) {
                    // the mismatch fails the workflow: its history is what matters
                }
                out.put(item, env.getWorkflowClient().fetchHistory("item-" + item));
            }
            out.put("cancelled", cancelled(env, started));
            return out;
        }
    }

    private static WorkflowExecutionHistory cancelled(
            TestWorkflowEnvironment env, java.util.concurrent.CountDownLatch started) {
        WorkflowStub stub = env.getWorkflowClient()
                .newUntypedWorkflowStub(
                        "ItemWorkflow",
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(QUEUE + "-cancel")
                                .setWorkflowId("item-cancelled")
                                .build());
        stub.start(task("cancelled"));
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        stub.cancel();
        try {
            stub.getResult(ItemRecord.class);
        } catch (RuntimeException e) {
            // cancelled
        }
        return env.getWorkflowClient().fetchHistory("item-cancelled");
    }

    /**
     * Writes the histories as JSON files.
     *
     * @param args the directory
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (Map.Entry<String, WorkflowExecutionHistory> e : record().entrySet()) {
            Files.writeString(
                    dir.resolve("item-" + e.getKey() + ".json"), e.getValue().toJson(true) + "\n");
        }
    }
}
