package io.prodigy.api.spi;

import io.prodigy.api.RunStatus;
import org.jspecify.annotations.Nullable;

/**
 * Gives a run and each of its MapReduce items a workspace, integrates each successful item's work into the
 * run's workspace, and releases workspaces.
 *
 * <p>Contract: {@link #openRun} is called once per run before any step; {@link #acquire} and
 * {@link #release} may be called concurrently from several threads; {@link #integrate} is called by one
 * thread at a time (the engine's serial merge queue), in the order items finish. Failures are reported with
 * {@link io.prodigy.api.IsolationException}.
 *
 * @since 0.1
 */
public interface IsolationStrategy {

    /**
     * @param run the run
     * @return the run's workspace, where setup, reduce and plain steps run
     */
    Workspace openRun(RunContext run);

    /**
     * Re-attaches to the workspace of an interrupted run being resumed. The default opens a new one, which is
     * right for strategies without durable workspaces.
     *
     * @param run the run
     * @param workspace the run workspace directory recorded by the interrupted run, or null if it had none yet
     * @return the run's workspace
     */
    default Workspace resumeRun(RunContext run, java.nio.file.@Nullable Path workspace) {
        return openRun(run);
    }

    /**
     * Tells whether an item's work is already part of the run, from the workspaces themselves (for git: the
     * item's branch is an ancestor of the run's branch). Resume uses it so that a crash between integrating an
     * item and recording that fact neither loses nor duplicates the item.
     *
     * @param run the run's workspace
     * @param itemId the item's id
     * @return whether its work is integrated; the default, false, means "unknown"
     */
    default boolean isIntegrated(Workspace run, String itemId) {
        return false;
    }

    /**
     * {@link #isIntegrated(Workspace, String)} for an item of a given stage; the engine calls this one. The default
     * ignores the stage; strategies whose record of an item is per stage override it.
     *
     * @param run the run's workspace
     * @param item the stage and the item
     * @return whether its work is integrated; false means "unknown"
     */
    default boolean isIntegrated(Workspace run, ItemKey item) {
        return isIntegrated(run, item.itemId());
    }

    /**
     * Removes what an interrupted attempt at an item left behind (a stale worktree and branch), before the item
     * runs again from a clean workspace. The default does nothing.
     *
     * @param run the run's workspace
     * @param itemId the item's id
     */
    default void discardStale(Workspace run, String itemId) {}

    /**
     * {@link #discardStale(Workspace, String)} for an item of a given stage; the engine calls this one. The default
     * ignores the stage.
     *
     * @param run the run's workspace
     * @param item the stage and the item
     */
    default void discardStale(Workspace run, ItemKey item) {
        discardStale(run, item.itemId());
    }

    /**
     * @param run the run's workspace
     * @param itemId the item's id (may contain any characters; sanitize it before using it in a name)
     * @return a workspace for the item, starting from the run workspace's current state
     */
    Workspace acquire(Workspace run, String itemId);

    /**
     * {@link #acquire(Workspace, String)} for an item of a given stage; the engine calls this one. The default
     * ignores the stage. Strategies that keep workspaces by item (a failed item's, for debugging) override it, so
     * that an item of a later stage with the same id does not replace an earlier stage's.
     *
     * @param run the run's workspace
     * @param item the stage and the item
     * @return a workspace for the item, starting from the run workspace's current state
     */
    default Workspace acquire(Workspace run, ItemKey item) {
        return acquire(run, item.itemId());
    }

    /**
     * Brings a successful item's work into the run's workspace. Must be idempotent: integrating work that is
     * already part of the run returns {@link IntegrationResult.NothingToIntegrate}.
     *
     * @param run the run's workspace
     * @param item the item's workspace
     * @return what happened
     */
    IntegrationResult integrate(Workspace run, Workspace item);

    /**
     * @param item an item's workspace
     * @param keep whether to keep it on disk (for a failed item, to debug)
     */
    void release(Workspace item, boolean keep);

    /**
     * Called once when the run ends, e.g. to merge the run's work back to the user's branch.
     *
     * @param run the run's workspace
     * @param status how the run ended
     */
    default void closeRun(Workspace run, RunStatus status) {}

    /**
     * Called once when the run ends, with the workflow's custom merge steps. The default ignores them and calls
     * {@link #closeRun(Workspace, RunStatus)}; strategies that merge back run them instead of their default merge.
     * A failure to merge back is reported with an {@link io.prodigy.api.IsolationException} whose message says
     * how to finish by hand; the run's work must be left intact.
     *
     * @param run the run's workspace
     * @param status how the run ended
     * @param merge the custom merge steps (possibly {@link MergeSteps#NONE})
     * @throws InterruptedException if interrupted while merging
     */
    default void closeRun(Workspace run, RunStatus status, MergeSteps merge) throws InterruptedException {
        closeRun(run, status);
    }
}
