package io.prodigy.core.internal.engine;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.Workspace;

/**
 * The one place that decides what a resumed run does with a map item (the rules and why they give exactly once are
 * in {@code docs/state-format.md}, "Exactly once on resume").
 *
 * <p>The run's branch is the truth about "integrated"; the journal is a durable cache of it, written after the
 * merge. The decision, in this order:
 * <ol>
 *   <li>The journal has the item's {@code item_integrated} or a successful {@code item_finished}: done.</li>
 *   <li>The journal has a failed {@code item_finished} and the item is in the DLQ, not selected to run again:
 *   done (failed).</li>
 *   <li>The journal has no {@code item_dispatched} for it (and nothing else): no attempt ever started; run it.</li>
 *   <li>Otherwise an attempt started and its outcome is not journaled: ask the isolation strategy (for git: is the
 *   item branch's tip the second parent of an item merge on the run's branch). Integrated: journal it and count it
 *   done, never run it again. Not integrated: discard what the attempt left (its worktree and branch) and run it
 *   again.</li>
 * </ol>
 * The check in step 4 is sound because a resume starts it only once nothing of the killed owner is still running
 * (its git commands ended, its agents were stopped) and a merge the crash interrupted was rolled back or
 * completed, and because an item's branch is deleted only after its {@code item_integrated} record.
 */
final class ItemRecovery {
    /** What to do with an item. */
    sealed interface Decision {
        /** The journal has the item's outcome. @param entry its finish record, or null if only its integration */
        record Journaled(JournalEntry.ItemFinished entry) implements Decision {}

        /** An attempt was integrated (as the isolation says) but the crash came before the journal said so. */
        record IntegratedUnrecorded() implements Decision {}

        /** Run the item; {@code discardFirst}: an earlier attempt may have left a workspace or branch. */
        record Run(boolean discardFirst) implements Decision {}
    }

    private final ResumeState resume;
    private final IsolationStrategy isolation;
    private final Workspace runWorkspace;
    private final int stage;

    ItemRecovery(ResumeState resume, IsolationStrategy isolation, Workspace runWorkspace, int stage) {
        this.resume = resume;
        this.isolation = isolation;
        this.runWorkspace = runWorkspace;
        this.stage = stage;
    }

    /**
     * Decides from the journal alone when it can (steps 1 to 3); otherwise asks the isolation strategy (step 4).
     *
     * @param itemId the item
     * @return the decision
     */
    Decision decide(String itemId) {
        if (resume.itemSettled(stage, itemId)) {
            JournalEntry.ItemFinished f = resume.finishedEntry(stage, itemId);
            if (f == null || f.status() != ItemStatus.SUCCEEDED && resume.integrated(stage, itemId)) {
                // integrated, but the crash came before its finish record (or a stale failure record)
                return new Decision.IntegratedUnrecorded();
            }
            return new Decision.Journaled(f);
        }
        if (!resume.everDispatched(stage, itemId)) {
            return new Decision.Run(false);
        }
        CrashPoints.reach(CrashPoints.Point.ANCESTRY_CHECK, itemId);
        if (isolation.isIntegrated(runWorkspace, new ItemKey(stage, itemId))) {
            return new Decision.IntegratedUnrecorded();
        }
        return new Decision.Run(true);
    }
}
