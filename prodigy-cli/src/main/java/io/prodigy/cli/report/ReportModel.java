package io.prodigy.cli.report;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunPhase;
import io.prodigy.api.RunStatus;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.store.RunMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report shows, folded from a run's record, event log, journal and Dead Letter Queue: the run, its
 * items with their attempts and waits, its phases, throttle events and DLQ groups. The event log is the main
 * source ({@link EventFolding}); the journal adds the items that were resolved but never started and stands in
 * for the events when a run was made without an event log ({@link JournalFolding}). The types here hold state
 * only; statistics are in {@link ReportStatistics}, the time axis in {@link TimelineLayout}, names and classes
 * for people in {@link ReportStyles}.
 */
final class ReportModel {

    /** How an attempt (a bar on the timeline) ended. */
    enum Outcome {
        /** The attempt succeeded. */
        SUCCESS,
        /** The attempt failed and the item was tried again. */
        RETRIED,
        /** The item's last attempt failed. */
        FAILED,
        /** The item's last attempt failed and the item went to the DLQ. */
        DEAD_LETTERED,
        /** The run was cancelled while the attempt ran. */
        CANCELLED,
        /** The attempt had not ended at the last event. */
        RUNNING
    }

    /** Why an item or phase waited. */
    enum WaitKind {
        /** Backoff before the item's next attempt. */
        BACKOFF,
        /** Backoff before a step's next try inside an attempt. */
        STEP_RETRY,
        /** The backend throttled the agent (429, 529, quota). */
        THROTTLE
    }

    /** One attempt of an item. */
    static final class Attempt {
        final int number;
        final Instant start;
        Instant end;
        Outcome outcome = Outcome.RUNNING;
        ErrorKind errorKind;
        String error;
        String step;

        Attempt(int number, Instant start) {
            this.number = number;
            this.start = start;
        }
    }

    /** A wait shown as a hatched segment. */
    record Wait(WaitKind kind, Instant start, Duration length, String reason) {
        Instant end() {
            return start.plus(length);
        }
    }

    /** A contiguous stretch during which an item held one parallel slot (one per session that ran it). */
    static final class Span {
        final Item item;
        final Instant start;
        Instant end;
        final List<Attempt> attempts = new ArrayList<>();
        final List<Wait> waits = new ArrayList<>();
        int slot = -1;

        Span(Item item, Instant start) {
            this.item = item;
            this.start = start;
        }

        Attempt current() {
            return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        }

        /** Ends the span's open attempt as the item ended. */
        void close(Instant at, ItemStatus status) {
            end = at;
            Attempt a = current();
            if (a == null) {
                return;
            }
            if (a.end == null) {
                a.end = at;
                switch (status) {
                    case SUCCEEDED -> a.outcome = Outcome.SUCCESS;
                    case FAILED -> {
                        a.outcome = item.deadLettered ? Outcome.DEAD_LETTERED : Outcome.FAILED;
                        a.error = item.error;
                        a.errorKind = item.errorKind;
                    }
                    default -> a.outcome = Outcome.CANCELLED;
                }
            }
            if (item.deadLettered && a.outcome == Outcome.FAILED) {
                a.outcome = Outcome.DEAD_LETTERED;
            }
        }
    }

    /** One work item. */
    static final class Item {
        final String id;
        /** How people call it (from the item's value when its id is positional); the id until it starts. */
        String label;

        int order;
        String stage;
        /** SUCCEEDED, FAILED, CANCELLED, NOT_RUN, or null while running or not started. */
        ItemStatus status;

        boolean deadLettered;
        boolean dlqResolved;
        int attempts;
        Duration duration;
        Double cost;
        long inputTokens;
        long outputTokens;
        long cacheTokens;
        ErrorKind errorKind;
        String error;
        String currentStep;
        final List<Span> spans = new ArrayList<>();

        Item(String id, int order) {
            this.id = id;
            this.label = id;
            this.order = order;
        }

        Span openSpan() {
            if (spans.isEmpty()) {
                return null;
            }
            Span s = spans.get(spans.size() - 1);
            return s.end == null ? s : null;
        }

        boolean started() {
            return !spans.isEmpty();
        }

        long tokens() {
            return inputTokens + outputTokens + cacheTokens;
        }

        /** Marks the item's last failed attempt as dead-lettered. */
        void markDeadLettered() {
            if (spans.isEmpty()) {
                return;
            }
            Attempt a = spans.get(spans.size() - 1).current();
            if (a != null && a.outcome == Outcome.FAILED) {
                a.outcome = Outcome.DEAD_LETTERED;
            }
        }
    }

    /** A setup, steps, map or reduce phase; non-map phases get their own timeline row. */
    static final class Phase {
        final String stage;
        final String phase;
        /** The phase, or null for one this version does not know. */
        final RunPhase kind;

        final Instant start;
        Instant end;
        Boolean success;
        int maxParallel;
        int total;
        final List<StepSpan> steps = new ArrayList<>();
        final List<Wait> waits = new ArrayList<>();

        Phase(String stage, String phase, Instant start) {
            this.stage = stage;
            this.phase = phase;
            this.kind = phase == null ? null : RunPhase.of(phase).orElse(null);
            this.start = start;
        }

        boolean isMap() {
            return kind == RunPhase.MAP;
        }
    }

    /** A step of a setup, steps or reduce phase. */
    static final class StepSpan {
        final int index;
        final String label;
        final Instant start;
        Instant end;
        Boolean success;
        boolean skipped;
        Integer exitCode;

        StepSpan(int index, String label, Instant start) {
            this.index = index;
            this.label = label;
            this.start = start;
        }
    }

    /** A throttle event, drawn as a marker on the axis. */
    record Throttle(Instant at, String itemId, ErrorKind kind, int concurrency, Instant resumeAt, Duration retryIn) {}

    /** DLQ entries sharing one error signature. */
    static final class DlqGroup {
        final String signature;
        final ErrorKind kind;
        int count;
        final List<String> itemIds = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        Instant lastSeen = Instant.EPOCH;

        DlqGroup(String signature, ErrorKind kind) {
            this.signature = signature;
            this.kind = kind;
        }
    }

    String runId;
    String workflowName;
    RunStatus status;
    Instant startedAt;
    Instant finishedAt;
    Instant lastEventAt;
    int sessions;
    boolean budgetReached;
    Double budgetUsd;
    Double spentUsd;
    final Map<String, Item> items = new LinkedHashMap<>();
    final List<Phase> phases = new ArrayList<>();
    final List<Throttle> throttles = new ArrayList<>();
    final List<DlqGroup> dlqGroups = new ArrayList<>();
    int dlqUnresolved;
    int dlqResolved;
    long runInputTokens;
    long runOutputTokens;
    long runCacheReadTokens;
    long runCacheCreationTokens;
    Double phaseAgentCost;
    long itemBusyNanos;
    long mapSlotNanos;
    int slots;
    int stepRetries;
    boolean fromJournalOnly;
    /** Items per stage, from the events. */
    final Map<String, Integer> stageTotals = new LinkedHashMap<>();
    /** Items per stage index, from the journal. */
    final Map<Integer, Integer> journalTotals = new LinkedHashMap<>();

    private ReportModel() {}

    /**
     * @param runId the run
     * @param record its record, or null if unknown
     * @param events its events in order (may be empty)
     * @param journal its journal in order (may be empty)
     * @param dlq its DLQ entries, resolved ones included (may be empty)
     * @return the folded model, its parallel slots assigned
     */
    static ReportModel build(
            String runId, RunRecord record, List<RunEvent> events, List<JournalEntry> journal, List<DlqEntry> dlq) {
        ReportModel m = new ReportModel();
        m.runId = runId;
        if (record != null) {
            m.workflowName = record.workflowName();
            m.status = record.status();
            m.startedAt = record.startedAt();
            m.spentUsd = RunMetadata.spentUsd(record);
            m.budgetUsd = RunMetadata.budgetUsd(record);
        }
        JournalFolding journalFolding = new JournalFolding(m);
        journalFolding.items(journal, events.isEmpty());
        if (events.isEmpty()) {
            m.fromJournalOnly = true;
            journalFolding.timeline(journal);
        } else {
            EventFolding folding = new EventFolding(m);
            events.forEach(folding::apply);
        }
        if (m.finishedAt == null
                && m.status != null
                && m.status.isTerminal()
                && record != null
                && record.updatedAt() != null) {
            m.finishedAt = record.updatedAt();
        }
        DlqGrouping.fold(m, dlq);
        TimelineLayout.assignSlots(m);
        return m;
    }

    /** @return the item, added in dispatch order if new */
    Item item(String id) {
        return items.computeIfAbsent(id, k -> new Item(k, items.size()));
    }

    /** Moves {@link #lastEventAt} to {@code at} if later. */
    void seen(Instant at) {
        if (at != null && (lastEventAt == null || at.isAfter(lastEventAt))) {
            lastEventAt = at;
        }
    }

    boolean isRunning() {
        return status == null ? finishedAt == null : status == RunStatus.RUNNING;
    }
}
