package io.prodigy.temporal;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The item workflow: deterministic, holds only the attempt's payload. Each activity start that a dead worker lost
 * is retried by Temporal (up to {@link ItemTask#maxDispatches()}); a throttled attempt is run again after the
 * reported delay (a durable timer), without limit and without counting.
 */
public class ItemWorkflowImpl implements ItemWorkflow {
    /** A worker found a different workflow definition: retrying cannot help. */
    static final String MISMATCH = "WorkflowMismatch";
    /**
     * Throttled runs in one workflow run before it continues as new: each costs about seven history events, so a
     * run stays far under Temporal's 51,200-event limit however long the agent backend throttles.
     */
    static final int THROTTLES_PER_RUN = 500;

    @Override
    public ItemRecord run(ItemTask task) {
        Duration startToClose = task.agentTimeoutMillis() > 0
                ? Duration.ofMillis(task.agentTimeoutMillis()).plusMinutes(10)
                : Duration.ofDays(1);
        ItemActivities activities = Workflow.newActivityStub(
                ItemActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(startToClose)
                        .setHeartbeatTimeout(Duration.ofMillis(Math.max(1000, task.heartbeatTimeoutMillis())))
                        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
                        .setRetryOptions(RetryOptions.newBuilder()
                                .setInitialInterval(Duration.ofMillis(500))
                                .setBackoffCoefficient(2)
                                .setMaximumInterval(Duration.ofSeconds(30))
                                .setMaximumAttempts(Math.max(1, task.maxDispatches()))
                                .setDoNotRetry(MISMATCH)
                                .build())
                        .build());
        for (int throttles = 0; ; throttles++) {
            if (throttles == THROTTLES_PER_RUN) {
                Workflow.continueAsNew(task); // the same attempt, in a fresh history
            }
            ItemRecord r = activities.runItem(task);
            if (!ItemRecord.THROTTLED.equals(r.status())) {
                return r; // its dispatch count is the activity's attempt: throttled runs before it do not count
            }
            long wait = r.retryAfterMillis() > 0 ? r.retryAfterMillis() : Math.max(1, task.throttleDelayMillis());
            Workflow.getLogger(ItemWorkflowImpl.class)
                    .info("item {} throttled; running it again in {} ms", task.itemId(), wait);
            Workflow.sleep(Duration.ofMillis(wait));
        }
    }
}
