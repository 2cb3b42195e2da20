package io.prodigy.cli.report;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunPhase;
import io.prodigy.api.event.RunEvent;
import io.prodigy.cli.report.ReportModel.Attempt;
import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.cli.report.ReportModel.Outcome;
import io.prodigy.cli.report.ReportModel.Phase;
import io.prodigy.cli.report.ReportModel.Span;
import io.prodigy.cli.report.ReportModel.StepSpan;
import io.prodigy.cli.report.ReportModel.Throttle;
import io.prodigy.cli.report.ReportModel.Wait;
import io.prodigy.cli.report.ReportModel.WaitKind;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Folds a run's events, in order, into a {@link ReportModel}: sessions, phases and their steps, every item
 * attempt with its outcome, the waits between and inside attempts, throttle events, token usage and the budget.
 */
final class EventFolding {
    private final ReportModel m;

    EventFolding(ReportModel model) {
        this.m = model;
    }

    void apply(RunEvent e) {
        m.seen(e.at());
        if (e instanceof RunEvent.RunStarted s) {
            m.sessions++;
            if (m.startedAt == null || s.at().isBefore(m.startedAt)) {
                m.startedAt = s.at();
            }
            if (m.workflowName == null) {
                m.workflowName = s.workflowName();
            }
            m.finishedAt = null;
        } else if (e instanceof RunEvent.RunFinished f) {
            m.finishedAt = f.at();
            if (m.status == null) {
                m.status = f.status();
            }
        } else if (e instanceof RunEvent.PhaseStarted p) {
            m.phases.add(new Phase(p.stage(), p.phase(), p.at()));
        } else if (e instanceof RunEvent.PhaseFinished p) {
            phaseFinished(p);
        } else if (e instanceof RunEvent.ItemsResolved r) {
            Phase ph = openPhase(r.stage(), RunPhase.MAP.id());
            if (ph != null) {
                ph.maxParallel = r.maxParallel();
                ph.total = r.total();
            }
            m.stageTotals.put(r.stage(), r.total());
        } else if (e instanceof RunEvent.ItemStarted s) {
            itemStarted(s);
        } else if (e instanceof RunEvent.ItemFailed f) {
            itemFailed(f);
        } else if (e instanceof RunEvent.RetryScheduled r) {
            WaitKind kind = r.label() == null ? WaitKind.BACKOFF : WaitKind.STEP_RETRY;
            if (kind == WaitKind.STEP_RETRY) {
                m.stepRetries++;
            }
            String why =
                    (r.label() == null ? "attempt " : r.label() + ", try ") + r.nextAttempt() + " after: " + r.reason();
            addWait(r.itemId(), new Wait(kind, r.at(), nonNegative(r.delay()), why));
        } else if (e instanceof RunEvent.Throttled t) {
            m.throttles.add(
                    new Throttle(t.at(), t.itemId(), t.errorKind(), t.concurrency(), t.resumeAt(), t.retryIn()));
            addWait(
                    t.itemId(),
                    new Wait(
                            WaitKind.THROTTLE,
                            t.at(),
                            nonNegative(t.retryIn()),
                            t.errorKind() + ": agents at once lowered to " + t.concurrency()
                                    + (t.resumeAt() == null ? "" : "; dispatch parked until " + t.resumeAt())));
        } else if (e instanceof RunEvent.ItemDeadLettered d) {
            Item it = m.item(d.itemId());
            it.deadLettered = true;
            it.markDeadLettered();
        } else if (e instanceof RunEvent.ItemFinished f) {
            itemFinished(f);
        } else if (e instanceof RunEvent.StepStarted s) {
            stepStarted(s);
        } else if (e instanceof RunEvent.StepFinished s) {
            stepFinished(s);
        } else if (e instanceof RunEvent.AgentActivity a) {
            agentActivity(a);
        } else if (e instanceof RunEvent.BudgetReached b) {
            m.budgetReached = true;
            m.budgetUsd = b.budgetUsd();
        }
    }

    static Duration nonNegative(Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
    }

    private void phaseFinished(RunEvent.PhaseFinished p) {
        Phase ph = openPhase(p.stage(), p.phase());
        if (ph == null) {
            ph = new Phase(p.stage(), p.phase(), p.at().minus(p.duration()));
            m.phases.add(ph);
        }
        ph.end = p.at();
        ph.success = p.success();
        if (ph.isMap()) {
            m.mapSlotNanos +=
                    Math.max(0, Duration.between(ph.start, ph.end).toNanos()) * (long) Math.max(1, ph.maxParallel);
        }
    }

    private void itemStarted(RunEvent.ItemStarted s) {
        Item it = m.item(s.itemId());
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

    private void itemFailed(RunEvent.ItemFailed f) {
        Item it = m.item(f.itemId());
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
    }

    private void itemFinished(RunEvent.ItemFinished f) {
        Item it = m.item(f.itemId());
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
            m.itemBusyNanos += nonNegative(f.duration()).toNanos();
        }
        Span span = it.openSpan();
        if (span != null) {
            span.close(f.at(), f.status());
        }
    }

    private void stepStarted(RunEvent.StepStarted s) {
        if (s.itemId() != null) {
            m.item(s.itemId()).currentStep = s.label();
            return;
        }
        Phase ph = lastOpenPhase(s.phase());
        if (ph != null) {
            ph.steps.add(new StepSpan(s.index(), s.label(), s.at()));
        }
    }

    private void stepFinished(RunEvent.StepFinished s) {
        if (s.itemId() != null) {
            return;
        }
        Phase ph = lastOpenPhase(s.phase());
        if (ph == null) {
            return;
        }
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

    private void addWait(String itemId, Wait w) {
        if (itemId != null) {
            Item it = m.items.get(itemId);
            Span span = it == null ? null : it.openSpan();
            if (span != null) {
                span.waits.add(w);
            }
            return;
        }
        for (int i = m.phases.size() - 1; i >= 0; i--) {
            Phase ph = m.phases.get(i);
            if (ph.end == null && !ph.isMap()) {
                ph.waits.add(w);
                return;
            }
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
        m.runInputTokens += in;
        m.runOutputTokens += out;
        m.runCacheReadTokens += cacheRead;
        m.runCacheCreationTokens += cacheCreate;
        if (a.itemId() != null) {
            Item it = m.item(a.itemId());
            it.inputTokens += in;
            it.outputTokens += out;
            it.cacheTokens += cacheRead + cacheCreate;
        } else {
            Double cost = parseDouble(d.get("cost_usd"));
            if (cost != null) {
                m.phaseAgentCost = m.phaseAgentCost == null ? cost : m.phaseAgentCost + cost;
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

    private Phase openPhase(String stage, String phase) {
        for (int i = m.phases.size() - 1; i >= 0; i--) {
            Phase p = m.phases.get(i);
            if (p.end == null && p.phase.equals(phase) && Objects.equals(p.stage, stage)) {
                return p;
            }
        }
        return null;
    }

    private Phase lastOpenPhase(String phase) {
        for (int i = m.phases.size() - 1; i >= 0; i--) {
            Phase p = m.phases.get(i);
            if (p.end == null && p.phase.equals(phase)) {
                return p;
            }
        }
        return null;
    }
}
