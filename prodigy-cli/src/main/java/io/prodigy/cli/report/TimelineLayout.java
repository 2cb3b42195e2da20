package io.prodigy.cli.report;

import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.cli.report.ReportModel.Phase;
import io.prodigy.cli.report.ReportModel.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The timeline's geometry in time: where its axis starts and ends, and which parallel slot (row) each item span
 * occupies.
 */
final class TimelineLayout {
    private TimelineLayout() {}

    /** @return the end of the time axis: the run's end, or its last event while it runs */
    static Instant axisEnd(ReportModel m) {
        Instant end = m.finishedAt != null && !m.isRunning() ? m.finishedAt : m.lastEventAt;
        if (end == null) {
            end = m.startedAt;
        }
        return end;
    }

    /** @return the start of the time axis: the earliest of the run's start, its phases and its item spans */
    static Instant axisStart(ReportModel m) {
        Instant s = m.startedAt;
        for (Phase p : m.phases) {
            if (s == null || p.start.isBefore(s)) {
                s = p.start;
            }
        }
        for (Item it : m.items.values()) {
            for (Span sp : it.spans) {
                if (s == null || sp.start.isBefore(s)) {
                    s = sp.start;
                }
            }
        }
        return s;
    }

    /**
     * Greedy slot assignment: spans by start time, each to the lowest-numbered slot free at its start. Sets each
     * span's {@code slot} and the model's {@code slots}.
     */
    static void assignSlots(ReportModel m) {
        List<Span> spans = new ArrayList<>();
        m.items.values().forEach(it -> spans.addAll(it.spans));
        spans.sort(Comparator.comparing((Span s) -> s.start).thenComparing(s -> s.item.order));
        Instant open = axisEnd(m);
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
        m.slots = freeAt.size();
    }
}
