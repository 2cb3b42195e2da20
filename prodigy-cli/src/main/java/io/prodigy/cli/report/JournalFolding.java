package io.prodigy.cli.report;

import io.prodigy.api.RunPhase;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.cli.report.ReportModel.Attempt;
import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.cli.report.ReportModel.Outcome;
import io.prodigy.cli.report.ReportModel.Phase;
import io.prodigy.cli.report.ReportModel.Span;
import io.prodigy.core.store.ItemResultCodec;
import io.prodigy.core.store.RecordedItemResult;
import java.util.List;

/**
 * Folds a run's journal into a {@link ReportModel}: the items each map phase resolved (so that items never
 * started are listed), which went to the DLQ, and, for a run without an event log, each item's result (read as
 * {@link RecordedItemResult}) and a timeline from the dispatch and finish times.
 */
final class JournalFolding {
    private final ReportModel m;

    JournalFolding(ReportModel model) {
        this.m = model;
    }

    /**
     * @param journal the run's journal, in order
     * @param withResults whether the items' recorded results fill in their status, attempts, duration, cost and
     *                    error (when there are no events to take them from)
     */
    void items(List<JournalEntry> journal, boolean withResults) {
        for (JournalEntry e : journal) {
            if (e instanceof JournalEntry.ItemsResolved r) {
                m.journalTotals.put(r.stage(), r.itemIds().size());
                for (String id : r.itemIds()) {
                    m.item(id).stage = "stage " + r.stage();
                }
            } else if (withResults && e instanceof JournalEntry.ItemFinished f) {
                Item it = m.item(f.itemId());
                it.status = f.status();
                ItemResultCodec.decode(f).ifPresent(r -> result(it, r));
            } else if (e instanceof JournalEntry.ItemDeadLettered d) {
                m.item(d.itemId()).deadLettered = true;
            }
        }
    }

    private static void result(Item it, RecordedItemResult r) {
        it.attempts = r.attempts();
        it.duration = r.duration();
        if (r.costUsd() != null) {
            it.cost = r.costUsd();
        }
        if (r.error() != null) {
            it.error = r.error();
            it.errorKind = r.errorKind();
        }
    }

    /** Without an event log: attempts from the journal's dispatch and finish times. */
    void timeline(List<JournalEntry> journal) {
        for (JournalEntry e : journal) {
            m.seen(e.at());
            if (m.startedAt == null) {
                m.startedAt = e.at();
            }
            if (e instanceof JournalEntry.ItemDispatched d) {
                Item it = m.item(d.itemId());
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
            } else if (e instanceof JournalEntry.ItemFinished f) {
                Item it = m.items.get(f.itemId());
                Span span = it == null ? null : it.openSpan();
                if (span != null) {
                    span.close(f.at(), f.status());
                }
            } else if (e instanceof JournalEntry.PhaseCompleted p && !RunPhase.MAP.is(p.phase())) {
                Phase ph = new Phase("stage " + p.stage(), p.phase(), p.at());
                ph.end = p.at();
                ph.success = true;
                m.phases.add(ph);
            }
        }
        for (Item it : m.items.values()) {
            if (it.deadLettered) {
                it.markDeadLettered();
            }
        }
    }
}
