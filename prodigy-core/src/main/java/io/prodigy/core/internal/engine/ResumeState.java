package io.prodigy.core.internal.engine;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an interrupted run had finished, folded from its journal: completed steps with the variables they set,
 * completed phases, resolved items, and each item's fate. Built once when a run is resumed.
 */
public final class ResumeState {
    final Map<String, Map<String, String>> completedSteps = new HashMap<>();
    final Map<String, Map<String, String>> completedPhases = new HashMap<>();
    final Map<Integer, JournalEntry.ItemsResolved> resolved = new HashMap<>();
    final Map<Integer, Set<String>> integrated = new HashMap<>();
    final Map<Integer, Set<String>> deadLettered = new HashMap<>();
    final Map<Integer, Map<String, JournalEntry.ItemFinished>> finished = new HashMap<>();
    final Map<Integer, Set<String>> dispatched = new HashMap<>();
    /** Per stage and item: the highest attempt number dispatched, negative while that attempt has not finished. */
    private final Map<Integer, Map<String, Integer>> lastAttempt = new HashMap<>();

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
            integrated.computeIfAbsent(i.stage(), k -> new HashSet<>()).add(i.itemId());
        } else if (e instanceof JournalEntry.ItemDeadLettered d) {
            deadLettered.computeIfAbsent(d.stage(), k -> new HashSet<>()).add(d.itemId());
        } else if (e instanceof JournalEntry.ItemDispatched d) {
            dispatched.computeIfAbsent(d.stage(), k -> new HashSet<>()).add(d.itemId());
            lastAttempt
                    .computeIfAbsent(d.stage(), k -> new HashMap<>())
                    .merge(d.itemId(), -d.attempt(), (old, now) -> Math.abs(now) >= Math.abs(old) ? now : old);
        } else if (e instanceof JournalEntry.ItemFinished f) {
            Map<String, Integer> attempts = lastAttempt.get(f.stage());
            if (attempts != null) {
                attempts.computeIfPresent(f.itemId(), (k, a) -> Math.abs(a));
            }
            finished.computeIfAbsent(f.stage(), k -> new LinkedHashMap<>()).put(f.itemId(), f);
        }
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
        if (integrated.getOrDefault(stage, Set.of()).contains(itemId)) {
            return true;
        }
        JournalEntry.ItemFinished f = finished.getOrDefault(stage, Map.of()).get(itemId);
        return f != null && f.status() == ItemStatus.SUCCEEDED;
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
        if (integrated.getOrDefault(stage, Set.of()).contains(itemId)) {
            return true;
        }
        JournalEntry.ItemFinished f = finished.getOrDefault(stage, Map.of()).get(itemId);
        if (f == null) {
            return false;
        }
        if (f.status() == ItemStatus.SUCCEEDED) {
            return true;
        }
        if (f.status() == ItemStatus.FAILED) {
            boolean dlq = deadLettered.getOrDefault(stage, Set.of()).contains(itemId);
            return !(dlq && rerunDeadLettered.test(itemId));
        }
        return false;
    }

    /**
     * Whether an attempt of the item was ever started: its dispatch is journaled before its agent starts, so an
     * item without one has no workspace, branch or merge to look for, and the (per-item, possibly slow) checks of
     * the isolation strategy can be skipped for it.
     */
    boolean everDispatched(int stage, String itemId) {
        return dispatched.getOrDefault(stage, Set.of()).contains(itemId)
                || integrated.getOrDefault(stage, Set.of()).contains(itemId)
                || finished.getOrDefault(stage, Map.of()).containsKey(itemId);
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
        Integer last = lastAttempt.getOrDefault(stage, Map.of()).get(itemId);
        if (last == null || last == 0) {
            return 1;
        }
        return last < 0 ? -last : last + 1;
    }

    /** @return whether the journal records the item's integration */
    boolean integrated(int stage, String itemId) {
        return integrated.getOrDefault(stage, Set.of()).contains(itemId);
    }

    JournalEntry.ItemFinished finishedEntry(int stage, String itemId) {
        return finished.getOrDefault(stage, Map.of()).get(itemId);
    }

    List<String> itemIds(int stage) {
        JournalEntry.ItemsResolved r = resolved.get(stage);
        return r == null ? null : r.itemIds();
    }
}
