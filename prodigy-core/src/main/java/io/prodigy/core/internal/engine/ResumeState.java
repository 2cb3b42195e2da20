package io.prodigy.core.internal.engine;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an interrupted run had finished, folded from its journal: completed steps with the variables they set,
 * completed phases, resolved items, and each item's fate. Built once when a run is resumed.
 */
public final class ResumeState {
    final Map<String, Map<String, String>> completedSteps = new HashMap<>();
    final Map<String, Map<String, String>> completedPhases = new HashMap<>();
    final Map<Integer, JournalEntry.ItemsResolved> resolved = new HashMap<>();
    /** Per stage: what the journal says of each item it names, one record per item (one lookup per question). */
    private final Map<Integer, Map<String, ItemFate>> items = new HashMap<>();

    /** What the journal says of one item of one stage; mutable while the journal is folded. */
    private static final class ItemFate {
        /** The highest attempt number dispatched (0: none), negative while that attempt has not finished. */
        int lastAttempt;

        boolean dispatched;
        boolean integrated;
        boolean deadLettered;
        /** The item's last finish record, or null. */
        JournalEntry.ItemFinished finished;
    }

    final java.util.function.Predicate<String> rerunDeadLettered;
    private int entries;
    private boolean rerunReduce;
    private String lastHead;
    private boolean lastHeadCompleted;

    /** @param includeDeadLettered whether items in the DLQ run again */
    public ResumeState(boolean includeDeadLettered) {
        this(id -> includeDeadLettered);
    }

    /** @param rerunDeadLettered which items in the DLQ run again, by item id */
    public ResumeState(java.util.function.Predicate<String> rerunDeadLettered) {
        this.rerunDeadLettered = rerunDeadLettered;
    }

    /** @param e the next journal entry, in order */
    public void accept(JournalEntry e) {
        entries++;
        if (e instanceof JournalEntry.StepCompleted s) {
            noteHead(s.variables(), s.success());
            if (s.success()) {
                completedSteps.put(s.location(), s.variables());
            } else {
                completedSteps.remove(s.location());
            }
        } else if (e instanceof JournalEntry.PhaseCompleted p) {
            noteHead(p.variables(), true);
            completedPhases.put(p.stage() + "/" + p.phase(), p.variables());
        } else if (e instanceof JournalEntry.ItemsResolved r) {
            resolved.put(r.stage(), r);
        } else if (e instanceof JournalEntry.ItemIntegrated i) {
            fate(i.stage(), i.itemId()).integrated = true;
        } else if (e instanceof JournalEntry.ItemDeadLettered d) {
            fate(d.stage(), d.itemId()).deadLettered = true;
        } else if (e instanceof JournalEntry.ItemDispatched d) {
            ItemFate f = fate(d.stage(), d.itemId());
            f.dispatched = true;
            if (d.attempt() >= Math.abs(f.lastAttempt)) {
                f.lastAttempt = -d.attempt();
            }
        } else if (e instanceof JournalEntry.ItemFinished fin) {
            ItemFate f = fate(fin.stage(), fin.itemId());
            f.lastAttempt = Math.abs(f.lastAttempt);
            f.finished = fin;
        }
    }

    private ItemFate fate(int stage, String itemId) {
        Map<String, ItemFate> stageItems = items.get(stage);
        if (stageItems == null) {
            stageItems = new HashMap<>();
            items.put(stage, stageItems);
        }
        ItemFate f = stageItems.get(itemId);
        if (f == null) {
            f = new ItemFate();
            stageItems.put(itemId, f);
        }
        return f;
    }

    /** @return what the journal says of the item, or null if it names it nowhere */
    private ItemFate known(int stage, String itemId) {
        Map<String, ItemFate> stageItems = items.get(stage);
        return stageItems == null ? null : stageItems.get(itemId);
    }

    private void noteHead(Map<String, String> variables, boolean completed) {
        String head = variables.get(WorkflowRunner.HEAD_KEY);
        if (head != null) {
            lastHead = head;
            lastHeadCompleted = completed;
        }
    }

    /**
     * @return the run workspace's head recorded by the last step or phase that completed successfully, when that
     *         was the last such record (so what came after it was a step a crash or a cancellation interrupted);
     *         null otherwise (no head recorded, or the last step failed: its work is left for the user)
     */
    String headBeforeInterruption() {
        return lastHeadCompleted ? lastHead : null;
    }

    /**
     * @param rerun whether a MapReduce stage's reduce phase runs again, although it completed before, when this
     *              process integrated items that had not succeeded before (a DLQ retry)
     * @return this
     */
    public ResumeState rerunReduceAfterNewItems(boolean rerun) {
        this.rerunReduce = rerun;
        return this;
    }

    /** @return whether reduce runs again after newly integrated items */
    boolean rerunsReduce() {
        return rerunReduce;
    }

    /**
     * @return whether the item had succeeded (been integrated) before this process, so that its success now
     *         adds nothing new to the run
     */
    boolean succeededBefore(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        return f != null && (f.integrated || f.finished != null && f.finished.status() == ItemStatus.SUCCEEDED);
    }

    /**
     * Forgets that a phase and its steps completed, so that it runs again (reduce after a DLQ retry).
     *
     * @param stage the stage index
     * @param phase the phase name
     */
    void forgetPhase(int stage, String phase) {
        completedPhases.remove(stage + "/" + phase);
        String prefix = stage + "/" + phase + "/";
        completedSteps.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** @return how many journal entries were folded */
    public int entries() {
        return entries;
    }

    boolean phaseDone(int stage, String phase) {
        return completedPhases.containsKey(stage + "/" + phase);
    }

    Map<String, String> phaseVariables(int stage, String phase) {
        return completedPhases.get(stage + "/" + phase);
    }

    Map<String, String> stepDone(int stage, String phase, int index) {
        return completedSteps.get(stage + "/" + phase + "/" + index);
    }

    /** @return whether the item needs no new attempt */
    boolean itemSettled(int stage, String itemId) {
        return settled(known(stage, itemId), itemId);
    }

    private boolean settled(ItemFate f, String itemId) {
        if (f == null) {
            return false;
        }
        if (f.integrated) {
            return true;
        }
        if (f.finished == null) {
            return false;
        }
        if (f.finished.status() == ItemStatus.SUCCEEDED) {
            return true;
        }
        if (f.finished.status() == ItemStatus.FAILED) {
            return !(f.deadLettered && rerunDeadLettered.test(itemId));
        }
        return false;
    }

    /**
     * @return the item's finish record when the item is {@linkplain #itemSettled settled} (null if it is settled
     *     by its integration alone); null when it is not settled
     */
    JournalEntry.ItemFinished settledEntry(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        return settled(f, itemId) ? f.finished : null;
    }

    /**
     * Whether an attempt of the item was ever started: its dispatch is journaled before its agent starts, so an
     * item without one has no workspace, branch or merge to look for, and the (per-item, possibly slow) checks of
     * the isolation strategy can be skipped for it.
     */
    boolean everDispatched(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        return f != null && (f.dispatched || f.integrated || f.finished != null);
    }

    /**
     * The number of the item's first attempt in this process. Attempt numbers go on across resumes, so that an
     * attempt of a resumed run or of a DLQ reprocess is never mistaken for an earlier one by a map executor that
     * keys its work by attempt (a remote executor's workflow id and result ref): an attempt the journal shows
     * dispatched but not finished (the process died during it) keeps its number, so that such an executor finds
     * and re-attaches to it; after a finished attempt the next number follows.
     *
     * @param stage the stage index
     * @param itemId the item's id
     * @return the number, from 1
     */
    int firstAttempt(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        int last = f == null ? 0 : f.lastAttempt;
        if (last == 0) {
            return 1;
        }
        return last < 0 ? -last : last + 1;
    }

    /** @return whether the journal records the item's integration */
    boolean integrated(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        return f != null && f.integrated;
    }

    /** @return whether the journal records that the item went to the dead-letter queue */
    boolean deadLettered(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        return f != null && f.deadLettered;
    }

    JournalEntry.ItemFinished finishedEntry(int stage, String itemId) {
        ItemFate f = known(stage, itemId);
        return f == null ? null : f.finished;
    }

    List<String> itemIds(int stage) {
        JournalEntry.ItemsResolved r = resolved.get(stage);
        return r == null ? null : r.itemIds();
    }
}
