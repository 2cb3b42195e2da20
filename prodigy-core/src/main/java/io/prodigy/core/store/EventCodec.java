package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonGenerator;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.event.RunEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.TreeMap;

/**
 * Event log records: one line per {@link RunEvent}, {@code type} in snake case, then {@code run_id} and
 * {@code at}, then the event's fields in snake case. Durations are whole milliseconds in fields ending
 * {@code _ms}; unknown values are JSON null.
 */
final class EventCodec {
    static final String RUN_STARTED = "run_started";
    static final String RUN_FINISHED = "run_finished";
    static final String PHASE_STARTED = "phase_started";
    static final String PHASE_FINISHED = "phase_finished";
    static final String ITEMS_RESOLVED = "items_resolved";
    static final String ITEM_STARTED = "item_started";
    static final String ITEM_FINISHED = "item_finished";
    static final String STEP_STARTED = "step_started";
    static final String STEP_FINISHED = "step_finished";
    static final String RETRY_SCHEDULED = "retry_scheduled";
    static final String ITEM_FAILED = "item_failed";
    static final String ITEM_DEAD_LETTERED = "item_dead_lettered";
    static final String ITEM_INTEGRATED = "item_integrated";
    static final String AGENT_ACTIVITY = "agent_activity";
    static final String THROTTLED = "throttled";
    static final String BUDGET_REACHED = "budget_reached";
    static final String CONCURRENCY_RAISED = "concurrency_raised";

    private EventCodec() {}

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] encode(RunEvent event) {
        if (event instanceof RunEvent.StepStarted e) {
            return line(STEP_STARTED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                JsonRecords.writeString(g, "phase", e.phase());
                g.writeNumberField("index", e.index());
                JsonRecords.writeString(g, "label", e.label());
                if (!java.util.Objects.equals(e.command(), e.label())) {
                    JsonRecords.writeString(g, "command", e.command());
                }
            });
        }
        if (event instanceof RunEvent.StepFinished e) {
            return line(STEP_FINISHED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                JsonRecords.writeString(g, "phase", e.phase());
                g.writeNumberField("index", e.index());
                JsonRecords.writeString(g, "label", e.label());
                g.writeBooleanField("skipped", e.skipped());
                g.writeBooleanField("success", e.success());
                JsonRecords.writeInteger(g, "exit_code", e.exitCode());
                writeMillis(g, "duration_ms", e.duration());
                if (!e.output().isEmpty()) {
                    JsonRecords.writeString(g, "output", e.output());
                }
            });
        }
        if (event instanceof RunEvent.AgentActivity e) {
            return line(AGENT_ACTIVITY, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                JsonRecords.writeString(g, "step", e.step());
                JsonRecords.writeString(g, "activity_type", e.type());
                JsonRecords.writeString(g, "summary", e.summary());
                JsonRecords.writeStringMap(g, "details", new TreeMap<>(e.details()));
            });
        }
        if (event instanceof RunEvent.ItemStarted e) {
            return line(ITEM_STARTED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                g.writeNumberField("attempt", e.attempt());
                JsonRecords.writeString(g, "workspace", e.workspace());
                if (!java.util.Objects.equals(e.label(), e.itemId())) {
                    JsonRecords.writeString(g, "label", e.label());
                }
            });
        }
        if (event instanceof RunEvent.ItemFinished e) {
            return line(ITEM_FINISHED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                JsonRecords.writeRequired(g, "status", e.status());
                g.writeNumberField("attempts", e.attempts());
                writeMillis(g, "duration_ms", e.duration());
                JsonRecords.writeNumber(g, "cost_usd", e.costUsd());
            });
        }
        if (event instanceof RunEvent.ItemFailed e) {
            return line(ITEM_FAILED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                g.writeNumberField("attempt", e.attempt());
                JsonRecords.writeEnum(g, "error_kind", e.errorKind());
                JsonRecords.writeString(g, "message", e.message());
                g.writeBooleanField("will_retry", e.willRetry());
            });
        }
        if (event instanceof RunEvent.RetryScheduled e) {
            return line(RETRY_SCHEDULED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                JsonRecords.writeString(g, "label", e.label());
                g.writeNumberField("next_attempt", e.nextAttempt());
                writeMillis(g, "delay_ms", e.delay());
                JsonRecords.writeString(g, "reason", e.reason());
            });
        }
        if (event instanceof RunEvent.ItemDeadLettered e) {
            return line(ITEM_DEAD_LETTERED, e, g -> JsonRecords.writeString(g, "item_id", e.itemId()));
        }
        if (event instanceof RunEvent.ItemIntegrated e) {
            return line(ITEM_INTEGRATED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                g.writeNumberField("commits", e.commits());
            });
        }
        if (event instanceof RunEvent.RunStarted e) {
            return line(RUN_STARTED, e, g -> JsonRecords.writeString(g, "workflow_name", e.workflowName()));
        }
        if (event instanceof RunEvent.RunFinished e) {
            return line(RUN_FINISHED, e, g -> {
                JsonRecords.writeRequired(g, "status", e.status());
                writeMillis(g, "duration_ms", e.duration());
            });
        }
        if (event instanceof RunEvent.PhaseStarted e) {
            return line(PHASE_STARTED, e, g -> {
                JsonRecords.writeString(g, "stage", e.stage());
                JsonRecords.writeString(g, "phase", e.phase());
            });
        }
        if (event instanceof RunEvent.PhaseFinished e) {
            return line(PHASE_FINISHED, e, g -> {
                JsonRecords.writeString(g, "stage", e.stage());
                JsonRecords.writeString(g, "phase", e.phase());
                g.writeBooleanField("success", e.success());
                writeMillis(g, "duration_ms", e.duration());
            });
        }
        if (event instanceof RunEvent.ItemsResolved e) {
            return line(ITEMS_RESOLVED, e, g -> {
                JsonRecords.writeString(g, "stage", e.stage());
                g.writeNumberField("total", e.total());
                g.writeNumberField("max_parallel", e.maxParallel());
                if (e.settledBefore() > 0) {
                    g.writeNumberField("succeeded_before", e.succeededBefore());
                    g.writeNumberField("failed_before", e.failedBefore());
                }
            });
        }
        if (event instanceof RunEvent.Throttled e) {
            return line(THROTTLED, e, g -> {
                JsonRecords.writeString(g, "item_id", e.itemId());
                JsonRecords.writeEnum(g, "error_kind", e.errorKind());
                g.writeNumberField("concurrency", e.concurrency());
                JsonRecords.writeInstant(g, "resume_at", e.resumeAt());
                writeMillis(g, "retry_in_ms", e.retryIn());
            });
        }
        if (event instanceof RunEvent.ConcurrencyRaised e) {
            return line(CONCURRENCY_RAISED, e, g -> g.writeNumberField("concurrency", e.concurrency()));
        }
        if (event instanceof RunEvent.BudgetReached e) {
            return line(BUDGET_REACHED, e, g -> {
                g.writeNumberField("spent_usd", e.spentUsd());
                g.writeNumberField("budget_usd", e.budgetUsd());
            });
        }
        throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }

    static RunEvent decode(Record n) {
        String type = JsonRecords.type(n);
        String runId = JsonRecords.text(n, "run_id");
        java.time.Instant at = JsonRecords.instant(n, "at");
        switch (type) {
            case RUN_STARTED:
                return new RunEvent.RunStarted(runId, at, JsonRecords.optionalText(n, "workflow_name"));
            case RUN_FINISHED:
                return new RunEvent.RunFinished(
                        runId, at, JsonRecords.enumValue(n, "status", RunStatus.class), millis(n, "duration_ms"));
            case PHASE_STARTED:
                return new RunEvent.PhaseStarted(
                        runId, at, JsonRecords.optionalText(n, "stage"), JsonRecords.optionalText(n, "phase"));
            case PHASE_FINISHED:
                return new RunEvent.PhaseFinished(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "stage"),
                        JsonRecords.optionalText(n, "phase"),
                        JsonRecords.bool(n, "success"),
                        millis(n, "duration_ms"));
            case ITEMS_RESOLVED:
                return new RunEvent.ItemsResolved(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "stage"),
                        JsonRecords.integer(n, "total"),
                        JsonRecords.integer(n, "max_parallel"),
                        orZero(JsonRecords.optionalInteger(n, "succeeded_before")),
                        orZero(JsonRecords.optionalInteger(n, "failed_before")));
            case ITEM_STARTED:
                return new RunEvent.ItemStarted(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.integer(n, "attempt"),
                        JsonRecords.optionalText(n, "workspace"),
                        JsonRecords.optionalText(n, "label"));
            case ITEM_FINISHED:
                return new RunEvent.ItemFinished(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.enumValue(n, "status", ItemStatus.class),
                        JsonRecords.integer(n, "attempts"),
                        millis(n, "duration_ms"),
                        JsonRecords.optionalNumber(n, "cost_usd"));
            case STEP_STARTED:
                return new RunEvent.StepStarted(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.optionalText(n, "phase"),
                        JsonRecords.integer(n, "index"),
                        JsonRecords.optionalText(n, "label"),
                        JsonRecords.optionalText(n, "command"));
            case STEP_FINISHED:
                return new RunEvent.StepFinished(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.optionalText(n, "phase"),
                        JsonRecords.integer(n, "index"),
                        JsonRecords.optionalText(n, "label"),
                        JsonRecords.bool(n, "skipped"),
                        JsonRecords.bool(n, "success"),
                        JsonRecords.optionalInteger(n, "exit_code"),
                        millis(n, "duration_ms"),
                        JsonRecords.optionalText(n, "output"));
            case RETRY_SCHEDULED:
                return new RunEvent.RetryScheduled(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.optionalText(n, "label"),
                        JsonRecords.integer(n, "next_attempt"),
                        millis(n, "delay_ms"),
                        JsonRecords.optionalText(n, "reason"));
            case ITEM_FAILED:
                return new RunEvent.ItemFailed(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.integer(n, "attempt"),
                        JsonRecords.optionalEnum(n, "error_kind", ErrorKind.class),
                        JsonRecords.optionalText(n, "message"),
                        JsonRecords.bool(n, "will_retry"));
            case ITEM_DEAD_LETTERED:
                return new RunEvent.ItemDeadLettered(runId, at, JsonRecords.optionalText(n, "item_id"));
            case ITEM_INTEGRATED:
                return new RunEvent.ItemIntegrated(
                        runId, at, JsonRecords.optionalText(n, "item_id"), JsonRecords.integer(n, "commits"));
            case AGENT_ACTIVITY:
                return new RunEvent.AgentActivity(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.optionalText(n, "step"),
                        JsonRecords.optionalText(n, "activity_type"),
                        JsonRecords.optionalText(n, "summary"),
                        JsonRecords.stringMap(n, "details"));
            case THROTTLED:
                return new RunEvent.Throttled(
                        runId,
                        at,
                        JsonRecords.optionalText(n, "item_id"),
                        JsonRecords.optionalEnum(n, "error_kind", ErrorKind.class),
                        JsonRecords.integer(n, "concurrency"),
                        JsonRecords.optionalInstant(n, "resume_at"),
                        millis(n, "retry_in_ms"));
            case CONCURRENCY_RAISED:
                return new RunEvent.ConcurrencyRaised(runId, at, JsonRecords.integer(n, "concurrency"));
            case BUDGET_REACHED:
                return new RunEvent.BudgetReached(
                        runId, at, JsonRecords.number(n, "spent_usd"), JsonRecords.number(n, "budget_usd"));
            default:
                throw new RecordFormatException("unknown event type '" + type + "'; this version reads format "
                        + "version " + JsonRecords.VERSION + " events only");
        }
    }

    private static byte[] line(String type, RunEvent e, Fields fields) {
        return JsonRecords.line(type, g -> {
            JsonRecords.writeRequired(g, "run_id", e.runId());
            JsonRecords.writeRequired(g, "at", e.at());
            fields.write(g);
        });
    }

    private static void writeMillis(JsonGenerator g, String field, Duration d) throws IOException {
        if (d == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, d.toMillis());
        }
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static Duration millis(Record n, String field) {
        Long ms = JsonRecords.optionalLong(n, field);
        return ms == null ? null : Duration.ofMillis(ms);
    }
}
