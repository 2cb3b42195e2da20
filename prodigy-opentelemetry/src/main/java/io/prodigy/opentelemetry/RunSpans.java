package io.prodigy.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.prodigy.api.event.RunEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** The open spans of one run. Guarded by its own monitor: events of one run arrive from several threads. */
final class RunSpans {
    private static final String NO_ITEM = "";

    final String runId;
    final Span span;
    private final Context context;
    private Span phase;
    private String stage = "";
    private final Map<String, Span> items = new HashMap<>();
    private final Map<String, Deque<StepSpan>> steps = new HashMap<>();

    /** An open step span. */
    private record StepSpan(String phase, int index, Span span) {}

    RunSpans(String runId, Span span, Context context) {
        this.runId = runId;
        this.span = span;
        this.context = context;
    }

    synchronized void phaseStarted(RunEvent.PhaseStarted e, Tracer tracer) {
        if (phase != null) {
            phase.end(e.at());
        }
        stage = e.stage();
        phase = tracer.spanBuilder(ProdigyTracing.name(e.phase() + " " + e.stage()))
                .setParent(context)
                .setStartTimestamp(e.at())
                .setAttribute(ProdigyTracing.RUN_ID, runId)
                .setAttribute(ProdigyTracing.STAGE, e.stage())
                .setAttribute(ProdigyTracing.PHASE, e.phase())
                .startSpan();
    }

    synchronized void phaseFinished(RunEvent.PhaseFinished e) {
        if (phase == null) {
            return;
        }
        phase.setStatus(e.success() ? StatusCode.OK : StatusCode.ERROR, e.success() ? "" : e.phase() + " failed");
        phase.end(e.at());
        phase = null;
    }

    synchronized void itemStarted(RunEvent.ItemStarted e, Tracer tracer) {
        Span item = items.get(e.itemId());
        if (item == null) {
            item = tracer.spanBuilder(ProdigyTracing.name("item " + stage))
                    .setParent(phaseContext())
                    .setStartTimestamp(e.at())
                    .setAttribute(ProdigyTracing.RUN_ID, runId)
                    .setAttribute(ProdigyTracing.STAGE, stage)
                    .setAttribute(ProdigyTracing.ITEM_ID, e.itemId())
                    .startSpan();
            items.put(e.itemId(), item);
        }
        item.addEvent(
                "prodigy.item.attempt",
                Attributes.builder()
                        .put(ProdigyTracing.ATTEMPT, e.attempt())
                        .put("prodigy.workspace", ProdigyTracing.nonNull(e.workspace()))
                        .build(),
                e.at());
    }

    synchronized void itemFinished(RunEvent.ItemFinished e) {
        endSteps(e.itemId(), e);
        Span item = items.remove(e.itemId());
        if (item == null) {
            return;
        }
        item.setAttribute(ProdigyTracing.ATTEMPTS, e.attempts());
        item.setAttribute(ProdigyTracing.OUTCOME, ProdigyTracing.lower(e.status()));
        if (e.costUsd() != null) {
            item.setAttribute(ProdigyTracing.COST, e.costUsd());
        }
        item.setStatus(ProdigyTracing.status(e.status()), "item " + ProdigyTracing.lower(e.status()));
        item.end(e.at());
    }

    synchronized void stepStarted(RunEvent.StepStarted e, Tracer tracer) {
        String key = key(e.itemId());
        Span parent = innermost(e.itemId());
        Span step = tracer.spanBuilder(ProdigyTracing.name("step " + e.label()))
                .setParent(context.with(parent))
                .setStartTimestamp(e.at())
                .setAttribute(ProdigyTracing.RUN_ID, runId)
                .setAttribute(ProdigyTracing.PHASE, e.phase())
                .setAttribute(ProdigyTracing.STEP_INDEX, e.index())
                .setAttribute(ProdigyTracing.STEP_LABEL, ProdigyTracing.nonNull(e.label()))
                .startSpan();
        if (e.itemId() != null) {
            step.setAttribute(ProdigyTracing.ITEM_ID, e.itemId());
        }
        steps.computeIfAbsent(key, k -> new ArrayDeque<>()).push(new StepSpan(e.phase(), e.index(), step));
    }

    synchronized void stepFinished(RunEvent.StepFinished e) {
        Deque<StepSpan> open = steps.get(key(e.itemId()));
        if (open == null) {
            return;
        }
        for (Iterator<StepSpan> it = open.iterator(); it.hasNext(); ) {
            StepSpan s = it.next();
            if (s.index() == e.index() && s.phase().equals(e.phase())) {
                it.remove();
                s.span().setAttribute(ProdigyTracing.SKIPPED, e.skipped());
                if (e.exitCode() != null) {
                    s.span().setAttribute(ProdigyTracing.EXIT_CODE, e.exitCode().longValue());
                }
                String outcome = e.skipped() ? "skipped" : e.success() ? "success" : "failure";
                s.span().setAttribute(ProdigyTracing.OUTCOME, outcome);
                s.span()
                        .setStatus(
                                e.success() || e.skipped() ? StatusCode.OK : StatusCode.ERROR,
                                e.success() || e.skipped() ? "" : "step failed");
                s.span().end(e.at());
                return;
            }
        }
    }

    /** @return the innermost open span for events of this item (its step, the item, the phase or the run) */
    synchronized Span innermost(String itemId) {
        Deque<StepSpan> open = steps.get(key(itemId));
        if (open != null && !open.isEmpty()) {
            return open.peek().span();
        }
        return item(itemId);
    }

    /** @return the item's span while it is open, else the phase's or the run's */
    synchronized Span item(String itemId) {
        Span item = itemId == null ? null : items.get(itemId);
        if (item != null) {
            return item;
        }
        return phase != null ? phase : span;
    }

    /** @return the context an agent invocation of this item starts in: its innermost span, with the run's baggage */
    synchronized Context agentParent(String itemId) {
        return context.with(innermost(itemId));
    }

    synchronized void finish(RunEvent.RunFinished e) {
        for (String key : steps.keySet().toArray(new String[0])) {
            endSteps(key.isEmpty() ? null : key, e);
        }
        for (Span item : items.values()) {
            item.setStatus(StatusCode.ERROR, "unfinished when the run ended");
            item.end(e.at());
        }
        items.clear();
        if (phase != null) {
            phase.end(e.at());
            phase = null;
        }
        span.setAttribute(ProdigyTracing.OUTCOME, ProdigyTracing.lower(e.status()));
        span.setStatus(ProdigyTracing.status(e.status()), "run " + ProdigyTracing.lower(e.status()));
        span.end(e.at());
    }

    private void endSteps(String itemId, RunEvent e) {
        Deque<StepSpan> open = steps.remove(key(itemId));
        if (open != null) {
            for (StepSpan s : open) {
                s.span().setStatus(StatusCode.ERROR, "unfinished");
                s.span().end(e.at());
            }
        }
    }

    private Context phaseContext() {
        return context.with(phase != null ? phase : span);
    }

    private static String key(String itemId) {
        return itemId == null ? NO_ITEM : itemId;
    }
}
