package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The item workflow's logic on Temporal's in-process test environment (time skipping: no real waits). */
class ItemWorkflowTest {
    private static final String QUEUE = "items";
    private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();

    @AfterEach
    void close() {
        env.close();
    }

    /** An activity whose behaviour per call the test scripts. */
    static final class ScriptedActivities implements ItemActivities {
        final List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        final List<Long> startedAt = Collections.synchronizedList(new ArrayList<>());
        private final Function<Integer, ItemRecord> script;
        private final TestWorkflowEnvironment env;

        ScriptedActivities(TestWorkflowEnvironment env, Function<Integer, ItemRecord> script) {
            this.env = env;
            this.script = script;
        }

        @Override
        public ItemRecord runItem(ItemTask task) {
            int call = attempts.size() + 1;
            attempts.add(Activity.getExecutionContext().getInfo().getAttempt());
            startedAt.add(env.currentTimeMillis());
            return script.apply(call);
        }
    }

    private ItemTask task(int maxDispatches) {
        return new ItemTask(
                "run-1",
                "wf",
                "hash",
                null,
                0,
                "item-1",
                0,
                "{\"n\":1}",
                1,
                Map.of("a", "1"),
                Map.of(),
                0,
                "remote",
                "refs/prodigy-base/run-1",
                "refs/prodigy/run-1/item-1",
                5_000,
                maxDispatches,
                60_000,
                null);
    }

    private static ItemRecord record(String status, long retryAfter, int dispatch) {
        return new ItemRecord(
                "item-1",
                status,
                status.equals(ItemRecord.SUCCEEDED) ? null : "RATE_LIMITED",
                null,
                null,
                null,
                "out",
                0.5,
                10,
                20,
                "base",
                status.equals(ItemRecord.SUCCEEDED) ? "tip" : null,
                retryAfter,
                dispatch,
                "w1",
                false);
    }

    private ItemWorkflow stub(String id) {
        return env.getWorkflowClient()
                .newWorkflowStub(
                        ItemWorkflow.class,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(QUEUE)
                                .setWorkflowId(id)
                                .build());
    }

    @Test
    void aThrottledAttemptRunsAgainAfterTheReportedDelayWithoutCounting() {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        ScriptedActivities activities = new ScriptedActivities(
                env,
                call -> call <= 2 ? record(ItemRecord.THROTTLED, 3_600_000, 1) : record(ItemRecord.SUCCEEDED, 0, 1));
        worker.registerActivitiesImplementations(activities);
        env.start();

        ItemRecord r = stub("throttled").run(task(2));

        assertThat(r.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(r.dispatch()).as("throttled runs are not counted").isEqualTo(1);
        assertThat(activities.attempts).hasSize(3).containsOnly(1);
        assertThat(activities.startedAt.get(1) - activities.startedAt.get(0))
                .as("waited the hour the agent reported")
                .isGreaterThanOrEqualTo(3_600_000);
        assertThat(activities.startedAt.get(2) - activities.startedAt.get(1)).isGreaterThanOrEqualTo(3_600_000);
    }

    @Test
    void aThrottledAttemptWithoutResetTimeWaitsTheDefaultDelay() {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        ScriptedActivities activities = new ScriptedActivities(
                env, call -> call == 1 ? record(ItemRecord.THROTTLED, 0, 1) : record(ItemRecord.SUCCEEDED, 0, 1));
        worker.registerActivitiesImplementations(activities);
        env.start();

        assertThat(stub("default-delay").run(task(2)).status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(activities.startedAt.get(1) - activities.startedAt.get(0)).isGreaterThanOrEqualTo(60_000);
    }

    @Test
    void anAttemptLostWithItsWorkerIsStartedAgainAndReportsTheDispatch() {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        ScriptedActivities activities = new ScriptedActivities(env, call -> {
            if (call == 1) {
                throw ApplicationFailure.newFailure("worker lost", "WorkerError");
            }
            return record(
                    ItemRecord.SUCCEEDED,
                    0,
                    Activity.getExecutionContext().getInfo().getAttempt());
        });
        worker.registerActivitiesImplementations(activities);
        env.start();

        ItemRecord r = stub("lost").run(task(3));

        assertThat(r.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(r.dispatch()).isEqualTo(2);
        assertThat(activities.attempts).containsExactly(1, 2);
    }

    @Test
    void dispatchesAreBoundedAndAWorkflowMismatchIsNotRetried() {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        ScriptedActivities lost = new ScriptedActivities(env, call -> {
            if (call <= 10) {
                throw ApplicationFailure.newFailure("worker lost", "WorkerError");
            }
            return record(ItemRecord.SUCCEEDED, 0, 1);
        });
        worker.registerActivitiesImplementations(lost);
        env.start();

        assertThatThrownBy(() -> stub("bounded").run(task(3))).isInstanceOf(WorkflowFailedException.class);
        assertThat(lost.attempts).containsExactly(1, 2, 3);
    }

    @Test
    void aMismatchedWorkflowFailsAtOnce() {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        ScriptedActivities mismatch = new ScriptedActivities(env, call -> {
            throw ApplicationFailure.newNonRetryableFailure(
                    "not the coordinator's workflow", ItemWorkflowImpl.MISMATCH);
        });
        worker.registerActivitiesImplementations(mismatch);
        env.start();

        assertThatThrownBy(() -> stub("mismatch").run(task(5)))
                .isInstanceOf(WorkflowFailedException.class)
                .rootCause()
                .hasMessageContaining("not the coordinator's workflow");
        assertThat(mismatch.attempts).containsExactly(1);
    }

    @Test
    void cancellingTheWorkflowStopsTheRunningAgent() throws Exception {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        worker.registerActivitiesImplementations((ItemActivities) task -> {
            started.countDown();
            try {
                while (true) {
                    Activity.getExecutionContext().heartbeat("working");
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            } catch (ActivityCompletionException e) {
                stopped.countDown();
                throw e;
            }
        });
        env.start();
        ItemWorkflow wf = stub("cancel");
        WorkflowClient.start(wf::run, task(2));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        WorkflowStub.fromTyped(wf).cancel();

        assertThat(stopped.await(30, TimeUnit.SECONDS))
                .as("the activity saw the cancellation")
                .isTrue();
        assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(ItemRecord.class))
                .isInstanceOf(WorkflowFailedException.class)
                .hasCauseInstanceOf(CanceledFailure.class);
    }

    @Test
    void anItemsHistoryStaysSmallWhateverTheNumberOfItems() throws Exception {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        worker.registerActivitiesImplementations((ItemActivities) t -> record(ItemRecord.SUCCEEDED, 0, 1));
        env.start();
        int items = 300; // one workflow per item attempt: the count does not change any one history
        List<WorkflowStub> stubs = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            ItemWorkflow wf = stub("many-" + i);
            WorkflowClient.start(wf::run, task(3));
            stubs.add(WorkflowStub.fromTyped(wf));
        }
        for (WorkflowStub s : stubs) {
            assertThat(s.getResult(ItemRecord.class).status()).isEqualTo(ItemRecord.SUCCEEDED);
        }
        java.util.Set<Integer> lengths = new java.util.TreeSet<>();
        for (int i = 0; i < items; i++) {
            lengths.add(env.getWorkflowClient()
                    .fetchHistory("many-" + i)
                    .getHistory()
                    .getEventsCount());
        }
        assertThat(lengths).as("events per item history").hasSize(1).allMatch(n -> n <= 16);
    }

    @Test
    void anItemThrottledForDaysContinuesAsNewInsteadOfGrowingItsHistory() {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        int throttles = ItemWorkflowImpl.THROTTLES_PER_RUN + 20;
        ScriptedActivities activities = new ScriptedActivities(
                env,
                call -> call <= throttles
                        ? record(ItemRecord.THROTTLED, 600_000, 1)
                        : record(ItemRecord.SUCCEEDED, 0, 1));
        worker.registerActivitiesImplementations(activities);
        env.start();

        ItemRecord r = stub("throttled-long").run(task(2));

        assertThat(r.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(activities.attempts).hasSize(throttles + 1).containsOnly(1);
        var history = env.getWorkflowClient().fetchHistory("throttled-long").getHistory();
        assertThat(history.getEventsCount()).as("the last run's history only").isLessThan(400);
    }
}
