package io.prodigy.temporal;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The activity a worker runs for one item attempt. */
@ActivityInterface
public interface ItemActivities {
    /**
     * Runs the item's agents in a worktree of the run's base and pushes its work to the item's ref; finding that
     * ref already pushed, returns the recorded result without running anything.
     *
     * @param task the attempt
     * @return the record
     */
    @ActivityMethod
    ItemRecord runItem(ItemTask task);
}
