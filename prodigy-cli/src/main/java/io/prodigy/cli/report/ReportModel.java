package io.prodigy.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.DeadLetters;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report shows, folded from a run's record, event log, journal and Dead Letter Queue. The event log
 * is the main source (it has every attempt, wait and phase with its time); the journal adds the items that were
 * resolved but never started and stands in for the events when a run was made without an event log.
 */
final class ReportModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How an attempt (a bar on the timeline) ended. */
    enum Outcome {
        /** The attempt succeeded. */
        SUCCESS("ok", "succeeded"),
        /** The attempt failed and the item was tried again. */
        RETRIED("retried", "failed, retried"),
        /** The item's last attempt failed. */
        FAILED("failed", "failed"),
        /** The item's last attempt failed and the item went to the DLQ. */
        DEAD_LETTERED("dlq", "failed, dead-lettered"),
        /** The run was cancelled while the attempt ran. */
        CANCELLED("cancelled", "cancelled"),
        /** The attempt had not ended at the last event. */
        RUNNING("running", "running");

        final String css;
        final String label;

        Outcome(String css, String label) {
            this.css = css;
            this.label = label;
        }
    }

    /** Why an item or phase waited. */
    enum WaitKind {
        /** Backoff before the item's next attempt. */
        BACKOFF("backoff", "backoff before retry"),
        /** Backoff before a step's next try inside an attempt. */
        STEP_RETRY("stepwait", "step retry wait"),
        /** The backend throttled the agent (429, 529, quota). */
        THROTTLE("throttle", "rate-limit wait");

        final String css;
        final String label;

        WaitKind(String css, String label) {
            this.css = css;
            this.label = label;
        }
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

        String statusText() {
            if (status == null) {
                return started() ? "RUNNING" : "PENDING";
            }
            if (status == ItemStatus.FAILED && deadLettered) {
                return dlqResolved ? "DEAD_LETTERED (resolved)" : "DEAD_LETTERED";
            }
            return status.name();
        }

        String statusCss() {
            if (status == null) {
                return started() ? "running" : "pending";
            }
            switch (status) {
                case SUCCEEDED:
                    return "ok";
                case FAILED:
                    return deadLettered ? "dlq" : "failed";
                case CANCELLED:
                    return "cancelled";
                default:
                    return "pending";
            }
        }
    }

    /** A setup, steps, map or reduce phase; non-map phases get their own timeline row. */
    static final class Phase {
        final String stage;
        final String phase;
        final Instant start;
        Instant end;
        Boolean success;
        int maxParallel;
        int total;
        final List<StepSpan> steps = new ArrayList<>();
        final List<Wait> waits = new ArrayList<>();
        int row = -1;

        Phase(String stage, String phase, Instant start) {
            this.stage = stage;
            this.phase = phase;
            this.start = start;
        }

        boolean isMap() {
            return "map".equals(phase);
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
    record Throttle(Instant at, String itemId, ErrorKind kind, int concurrency, Instant resumeAt, Duration retryIn) {
    }

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
    private final Map<String, Integer> stageTotals = new LinkedHashMap<>();
    private final Map<Integer, Integer> journalTotals = new LinkedHashMap<>();

    static ReportModel build(String runId, RunRecord record, List<RunEvent> events, List<JournalEntry> journal,
                             List<DlqEntry> dlq) {
        ReportModel m = new ReportModel();
        m.runId = runId;
        if (record != null) {
            m.workflowName = record.workflowName();
            m.status = record.status();
            m.startedAt = record.startedAt();
            String spent = record.metadata().get("spent_usd");
            String budget = record.metadata().get("budget_usd");
            m.spentUsd = parseDouble(spent);
            m.budgetUsd = parseDouble(budget);
        }
        m.journalItems(journal, events.isEmpty());
        if (events.isEmpty()) {
            m.fromJournalOnly = true;
            m.journalTimeline(journal);
        } else {
            for (RunEvent e : events) {
                m.apply(e);
            }
        }
        if (m.finishedAt == null && m.status != null && m.status.isTerminal() && record != null
                && record.updatedAt() != null) {
            m.finishedAt = record.updatedAt();
        }
        m.dlq(dlq);
        m.assignSlots();
        return m;
    }

    private static Double parseDouble(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Item item(String id) {
        return items.computeIfAbsent(id, k -> new Item(k, items.size()));
    }

    private void seen(Instant at) {
        if (at != null && (lastEventAt == null || at.isAfter(lastEventAt))) {
            lastEventAt = at;
        }
    }

    // ---- journal ----

    private void journalItems(List<JournalEntry> journal, boolean withResults) {
        for (JournalEntry e : journal) {
            if (e instanceof JournalEntry.ItemsResolved) {
                JournalEntry.ItemsResolved r = (JournalEntry.ItemsResolved) e;
                journalTotals.put(r.stage(), r.itemIds().size());
                for (String id : r.itemIds()) {
                    Item it = item(id);
                    it.stage = "stage " + r.stage();
                }
            } else if (withResults && e instanceof JournalEntry.ItemFinished) {
                JournalEntry.ItemFinished f = (JournalEntry.ItemFinished) e;
                Item it = item(f.itemId());
                fromResultJson(it, f.status(), f.resultJson());
            } else if (e instanceof JournalEntry.ItemDeadLettered) {
                item(((JournalEntry.ItemDeadLettered) e).itemId()).deadLettered = true;
            }
        }
    }

    private static void fromResultJson(Item it, ItemStatus status, String resultJson) {
        it.status = status;
        if (resultJson == null) {
            return;
        }
        try {
            JsonNode r = JSON.readTree(resultJson);
            it.attempts = r.path("attempts").asInt(it.attempts);
            if (r.has("duration_ms")) {
                it.duration = Duration.ofMillis(r.path("duration_ms").asLong());
            }
            if (r.hasNonNull("cost_usd")) {
                it.cost = r.path("cost_usd").asDouble();
            }
            if (r.hasNonNull("error")) {
                it.error = r.path("error").asText();
                try {
                    it.errorKind = ErrorKind.valueOf(r.path("error_kind").asText());
                } catch (IllegalArgumentException ex) {
                    it.errorKind = ErrorKind.UNKNOWN;
                }
            }
        } catch (IOException ex) {
            // a result we cannot read leaves the item's status only
        }
    }

    /** Without an event log: attempts from the journal's dispatch and finish times. */
    private void journalTimeline(List<JournalEntry> journal) {
        for (JournalEntry e : journal) {
            seen(e.at());
            if (startedAt == null) {
                startedAt = e.at();
            }
            if (e instanceof JournalEntry.ItemDispatched) {
                JournalEntry.ItemDispatched d = (JournalEntry.ItemDispatched) e;
                Item it = item(d.itemId());
                Span span = it.openSpan();
                if (span == null) {
                    span = new Span(it, d.at());
                    it.spans.add(span);
                }
                Attempt prev = span.current();
                if (prev != null && prev.end == null) {
                    prev.end = d.at();
                    prev.outcome = Outcome.RETRIED;
                }
                span.attempts.add(new Attempt(d.attempt(), d.at()));
            } else if (e instanceof JournalEntry.ItemFinished) {
                JournalEntry.ItemFinished f = (JournalEntry.ItemFinished) e;
                Item it = items.get(f.itemId());
                Span span = it == null ? null : it.openSpan();
                if (span != null) {
                    span.end = f.at();
                    closeAttempt(it, span, f.at(), f.status());
                }
            } else if (e instanceof JournalEntry.PhaseCompleted) {
                JournalEntry.PhaseCompleted p = (JournalEntry.PhaseCompleted) e;
                if (p.phase().equals("map")) {
                    continue;
                }
                Phase ph = new Phase("stage " + p.stage(), p.phase(), p.at());
                ph.end = p.at();
                ph.success = true;
                phases.add(ph);
            }
        }
        for (Item it : items.values()) {
            if (it.deadLettered) {
                markDeadLettered(it);
            }
        }
    }

    // ---- events ----

    private void apply(RunEvent e) {
        seen(e.at());
        if (e instanceof RunEvent.RunStarted) {
            RunEvent.RunStarted s = (RunEvent.RunStarted) e;
            sessions++;
            if (startedAt == null || s.at().isBefore(startedAt)) {
                startedAt = s.at();
            }
            if (workflowName == null) {
                workflowName = s.workflowName();
            }
            finishedAt = null;
        } else if (e instanceof RunEvent.RunFinished) {
            RunEvent.RunFinished f = (RunEvent.RunFinished) e;
            finishedAt = f.at();
            if (status == null) {
                status = f.status();
            }
        } else if (e instanceof RunEvent.PhaseStarted) {
            RunEvent.PhaseStarted p = (RunEvent.PhaseStarted) e;
            phases.add(new Phase(p.stage(), p.phase(), p.at()));
        } else if (e instanceof RunEvent.PhaseFinished) {
            RunEvent.PhaseFinished p = (RunEvent.PhaseFinished) e;
            Phase ph = openPhase(p.stage(), p.phase());
            if (ph == null) {
                ph = new Phase(p.stage(), p.phase(), p.at().minus(p.duration()));
                phases.add(ph);
            }
            ph.end = p.at();
            ph.success = p.success();
            if (ph.isMap()) {
                mapSlotNanos += Math.max(0, Duration.between(ph.start, ph.end).toNanos())
                        * (long) Math.max(1, ph.maxParallel);
            }
        } else if (e instanceof RunEvent.ItemsResolved) {
            RunEvent.ItemsResolved r = (RunEvent.ItemsResolved) e;
            Phase ph = openPhase(r.stage(), "map");
            if (ph != null) {
                ph.maxParallel = r.maxParallel();
                ph.total = r.total();
            }
            stageTotals.put(r.stage(), r.total());
        } else if (e instanceof RunEvent.ItemStarted) {
            itemStarted((RunEvent.ItemStarted) e);
        } else if (e instanceof RunEvent.ItemFailed) {
            RunEvent.ItemFailed f = (RunEvent.ItemFailed) e;
            Item it = item(f.itemId());
            it.error = f.message();
            it.errorKind = f.errorKind();
            Span span = it.openSpan();
            Attempt a = span == null ? null : span.current();
            if (a != null && a.end == null) {
                a.end = f.at();
                a.outcome = f.willRetry() ? Outcome.RETRIED : Outcome.FAILED;
                a.error = f.message();
                a.errorKind = f.errorKind();
                a.step = it.currentStep;
            }
        } else if (e instanceof RunEvent.RetryScheduled) {
            RunEvent.RetryScheduled r = (RunEvent.RetryScheduled) e;
            WaitKind kind = r.label() == null ? WaitKind.BACKOFF : WaitKind.STEP_RETRY;
            if (kind == WaitKind.STEP_RETRY) {
                stepRetries++;
            }
            String why = (r.label() == null ? "attempt " : r.label() + ", try ") + r.nextAttempt() + " after: "
                    + r.reason();
            addWait(r.itemId(), new Wait(kind, r.at(), nonNegative(r.delay()), why));
        } else if (e instanceof RunEvent.Throttled) {
            RunEvent.Throttled t = (RunEvent.Throttled) e;
            throttles.add(new Throttle(t.at(), t.itemId(), t.errorKind(), t.concurrency(), t.resumeAt(),
                    t.retryIn()));
            addWait(t.itemId(), new Wait(WaitKind.THROTTLE, t.at(), nonNegative(t.retryIn()),
                    t.errorKind() + ": agents at once lowered to " + t.concurrency()
                            + (t.resumeAt() == null ? "" : "; dispatch parked until " + t.resumeAt())));
        } else if (e instanceof RunEvent.ItemDeadLettered) {
            Item it = item(((RunEvent.ItemDeadLettered) e).itemId());
            it.deadLettered = true;
            markDeadLettered(it);
        } else if (e instanceof RunEvent.ItemFinished) {
            itemFinished((RunEvent.ItemFinished) e);
        } else if (e instanceof RunEvent.StepStarted) {
            RunEvent.StepStarted s = (RunEvent.StepStarted) e;
            if (s.itemId() != null) {
                item(s.itemId()).currentStep = s.label();
            } else {
                Phase ph = lastOpenPhase(s.phase());
                if (ph != null) {
                    ph.steps.add(new StepSpan(s.index(), s.label(), s.at()));
                }
            }
        } else if (e instanceof RunEvent.StepFinished) {
            RunEvent.StepFinished s = (RunEvent.StepFinished) e;
            if (s.itemId() == null) {
                Phase ph = lastOpenPhase(s.phase());
                if (ph != null) {
                    StepSpan st = null;
                    for (int i = ph.steps.size() - 1; i >= 0; i--) {
                        StepSpan c = ph.steps.get(i);
                        if (c.index == s.index() && c.end == null) {
                            st = c;
                            break;
                        }
                    }
                    if (st == null) {
                        st = new StepSpan(s.index(), s.label(), s.at().minus(nonNegative(s.duration())));
                        ph.steps.add(st);
                    }
                    st.end = s.at();
                    st.success = s.success();
                    st.skipped = s.skipped();
                    st.exitCode = s.exitCode();
                }
            }
        } else if (e instanceof RunEvent.AgentActivity) {
            agentActivity((RunEvent.AgentActivity) e);
        } else if (e instanceof RunEvent.BudgetReached) {
            RunEvent.BudgetReached b = (RunEvent.BudgetReached) e;
            budgetReached = true;
            budgetUsd = b.budgetUsd();
        }
    }

    private static Duration nonNegative(Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
    }

    private void itemStarted(RunEvent.ItemStarted s) {
        Item it = item(s.itemId());
        if (s.label() != null) {
            it.label = s.label();
        }
        Span span = it.openSpan();
        if (span == null) {
            span = new Span(it, s.at());
            it.spans.add(span);
            if (it.status != null) {
                // a session resumed the item after an earlier one settled it
                it.status = null;
            }
        }
        Attempt prev = span.current();
        if (prev != null && prev.end == null) {
            prev.end = s.at();
            prev.outcome = Outcome.RETRIED;
        }
        span.attempts.add(new Attempt(s.attempt(), s.at()));
        it.attempts = Math.max(it.attempts, s.attempt());
    }

    private void itemFinished(RunEvent.ItemFinished f) {
        Item it = item(f.itemId());
        it.status = f.status();
        it.attempts = f.attempts();
        it.duration = f.duration();
        if (f.costUsd() != null) {
            it.cost = it.cost == null ? f.costUsd() : it.cost + f.costUsd();
        }
        if (f.status() == ItemStatus.SUCCEEDED) {
            it.error = null;
            it.errorKind = null;
        }
        if (f.status() == ItemStatus.SUCCEEDED || f.status() == ItemStatus.FAILED) {
            itemBusyNanos += nonNegative(f.duration()).toNanos();
        }
        Span span = it.openSpan();
        if (span != null) {
            span.end = f.at();
            closeAttempt(it, span, f.at(), f.status());
        }
    }

    private static void closeAttempt(Item it, Span span, Instant at, ItemStatus status) {
        Attempt a = span.current();
        if (a == null) {
            return;
        }
        if (a.end == null) {
            a.end = at;
            switch (status) {
                case SUCCEEDED:
                    a.outcome = Outcome.SUCCESS;
                    break;
                case CANCELLED:
                    a.outcome = Outcome.CANCELLED;
                    break;
                case FAILED:
                    a.outcome = it.deadLettered ? Outcome.DEAD_LETTERED : Outcome.FAILED;
                    a.error = it.error;
                    a.errorKind = it.errorKind;
                    break;
                default:
                    a.outcome = Outcome.CANCELLED;
            }
        }
        if (it.deadLettered && a.outcome == Outcome.FAILED) {
            a.outcome = Outcome.DEAD_LETTERED;
        }
    }

    private static void markDeadLettered(Item it) {
        if (it.spans.isEmpty()) {
            return;
        }
        Attempt a = it.spans.get(it.spans.size() - 1).current();
        if (a != null && a.outcome == Outcome.FAILED) {
            a.outcome = Outcome.DEAD_LETTERED;
        }
    }

    private void addWait(String itemId, Wait w) {
        if (itemId != null) {
            Item it = items.get(itemId);
            Span span = it == null ? null : it.openSpan();
            if (span != null) {
                span.waits.add(w);
            }
            return;
        }
        Phase ph = null;
        for (int i = phases.size() - 1; i >= 0; i--) {
            if (phases.get(i).end == null && !phases.get(i).isMap()) {
                ph = phases.get(i);
                break;
            }
        }
        if (ph != null) {
            ph.waits.add(w);
        }
    }

    private void agentActivity(RunEvent.AgentActivity a) {
        if (!"usage".equals(a.type())) {
            return;
        }
        Map<String, String> d = a.details();
        long in = parseLong(d.get("input_tokens"));
        long out = parseLong(d.get("output_tokens"));
        long cacheRead = parseLong(d.get("cache_read_tokens"));
        long cacheCreate = parseLong(d.get("cache_creation_tokens"));
        runInputTokens += in;
        runOutputTokens += out;
        runCacheReadTokens += cacheRead;
        runCacheCreationTokens += cacheCreate;
        if (a.itemId() != null) {
            Item it = item(a.itemId());
            it.inputTokens += in;
            it.outputTokens += out;
            it.cacheTokens += cacheRead + cacheCreate;
        } else {
            Double cost = parseDouble(d.get("cost_usd"));
            if (cost != null) {
                phaseAgentCost = phaseAgentCost == null ? cost : phaseAgentCost + cost;
            }
        }
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Phase openPhase(String stage, String phase) {
        for (int i = phases.size() - 1; i >= 0; i--) {
            Phase p = phases.get(i);
            if (p.end == null && p.phase.equals(phase) && java.util.Objects.equals(p.stage, stage)) {
                return p;
            }
        }
        return null;
    }

    private Phase lastOpenPhase(String phase) {
        for (int i = phases.size() - 1; i >= 0; i--) {
            Phase p = phases.get(i);
            if (p.end == null && p.phase.equals(phase)) {
                return p;
            }
        }
        return null;
    }

    // ---- DLQ ----

    private void dlq(List<DlqEntry> entries) {
        Map<String, DlqGroup> groups = new LinkedHashMap<>();
        for (DlqEntry e : entries) {
            Item it = item(e.itemId());
            it.deadLettered = true;
            if (e.resolved()) {
                dlqResolved++;
                it.dlqResolved = true;
                continue;
            }
            dlqUnresolved++;
            if (it.error == null && !e.attempts().isEmpty()) {
                it.error = e.lastAttempt().message();
                it.errorKind = e.lastAttempt().errorKind();
            }
            if (e.attempts().isEmpty()) {
                continue;
            }
            FailedAttempt last = e.lastAttempt();
            String sig = DeadLetters.signature(e);
            DlqGroup g = groups.computeIfAbsent(sig, s -> new DlqGroup(s, last.errorKind()));
            g.count++;
            if (g.itemIds.size() < 8) {
                g.itemIds.add(e.itemId());
            }
            String msg = last.message() == null ? "" : last.message();
            if (g.messages.size() < 3 && !g.messages.contains(msg)) {
                g.messages.add(msg);
            }
            if (e.lastFailure() != null && e.lastFailure().isAfter(g.lastSeen)) {
                g.lastSeen = e.lastFailure();
            }
        }
        dlqGroups.addAll(groups.values());
        dlqGroups.sort(Comparator.comparingInt((DlqGroup g) -> g.count).reversed()
                .thenComparing(g -> g.signature));
    }

    // ---- derived ----

    /** @return the end of the time axis: the run's end, or its last event while it runs */
    Instant axisEnd() {
        Instant end = finishedAt != null && !isRunning() ? finishedAt : lastEventAt;
        if (end == null) {
            end = startedAt;
        }
        return end;
    }

    Instant axisStart() {
        Instant s = startedAt;
        for (Phase p : phases) {
            if (s == null || p.start.isBefore(s)) {
                s = p.start;
            }
        }
        for (Item it : items.values()) {
            for (Span sp : it.spans) {
                if (s == null || sp.start.isBefore(s)) {
                    s = sp.start;
                }
            }
        }
        return s;
    }

    boolean isRunning() {
        return status == null ? finishedAt == null : status == RunStatus.RUNNING;
    }

    /** Greedy slot assignment: spans by start time, each to the lowest-numbered slot free at its start. */
    private void assignSlots() {
        List<Span> spans = new ArrayList<>();
        items.values().forEach(it -> spans.addAll(it.spans));
        spans.sort(Comparator.comparing((Span s) -> s.start).thenComparing(s -> s.item.order));
        Instant open = axisEnd();
        List<Instant> freeAt = new ArrayList<>();
        for (Span s : spans) {
            Instant end = s.end != null ? s.end : (open != null && open.isAfter(s.start) ? open : s.start);
            int slot = -1;
            for (int i = 0; i < freeAt.size(); i++) {
                if (!freeAt.get(i).isAfter(s.start)) {
                    slot = i;
                    break;
                }
            }
            if (slot < 0) {
                slot = freeAt.size();
                freeAt.add(end);
            } else {
                freeAt.set(slot, end);
            }
            s.slot = slot;
        }
        slots = freeAt.size();
    }

    int total() {
        Map<?, Integer> totals = stageTotals.isEmpty() ? journalTotals : stageTotals;
        int fromStages = totals.values().stream().mapToInt(Integer::intValue).sum();
        return Math.max(fromStages, items.size());
    }

    int count(ItemStatus s) {
        int n = 0;
        for (Item it : items.values()) {
            if (it.status == s) {
                n++;
            }
        }
        return n;
    }

    int running() {
        int n = 0;
        for (Item it : items.values()) {
            if (it.status == null && it.started()) {
                n++;
            }
        }
        return n;
    }

    int deadLettered() {
        int n = 0;
        for (Item it : items.values()) {
            if (it.deadLettered) {
                n++;
            }
        }
        return n;
    }

    int retriedAttempts() {
        int n = 0;
        for (Item it : items.values()) {
            for (Span s : it.spans) {
                for (Attempt a : s.attempts) {
                    if (a.outcome == Outcome.RETRIED) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** @return the run's cost: what the engine recorded as spent, else the sum of what it reported */
    Double cost() {
        if (spentUsd != null) {
            return spentUsd;
        }
        Double sum = phaseAgentCost;
        for (Item it : items.values()) {
            if (it.cost != null) {
                sum = sum == null ? it.cost : sum + it.cost;
            }
        }
        return sum;
    }

    long tokens() {
        return runInputTokens + runOutputTokens + runCacheReadTokens + runCacheCreationTokens;
    }

    /** @return item time over (map wall time × max parallel), as the engine computes it; null if unknown */
    Double efficiency() {
        long slotNanos = mapSlotNanos;
        for (Phase p : phases) {
            if (p.isMap() && p.end == null) {
                Instant end = axisEnd();
                slotNanos += Math.max(0, Duration.between(p.start, end).toNanos()) * (long) Math.max(1, p.maxParallel);
            }
        }
        if (slotNanos <= 0) {
            return null;
        }
        long busy = itemBusyNanos;
        Instant end = axisEnd();
        for (Item it : items.values()) {
            Span open = it.openSpan();
            if (open != null && end != null) {
                busy += Math.max(0, Duration.between(open.start, end).toNanos());
            }
        }
        return Math.min(1.0, (double) busy / slotNanos);
    }

    int maxParallel() {
        int m = 0;
        for (Phase p : phases) {
            m = Math.max(m, p.maxParallel);
        }
        return m;
    }
}
