package io.prodigy.temporal;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One attempt at one map item, as a Temporal workflow: runs the item's activity on some worker, starts it again
 * elsewhere when a worker dies (heartbeat timeout), and waits out throttling without counting it.
 */
@WorkflowInterface
public interface ItemWorkflow {
    /** @param task the attempt @return the worker's record */
    @WorkflowMethod
    ItemRecord run(ItemTask task);
}
