package io.prodigy.cli.report;

import io.prodigy.api.ItemStatus;
import io.prodigy.cli.report.ReportModel.Attempt;
import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.cli.report.ReportModel.Phase;
import io.prodigy.cli.report.ReportModel.Span;
import io.prodigy.cli.report.ReportModel.Wait;
import io.prodigy.cli.report.ReportModel.WaitKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The figures the report prints, computed from a folded {@link ReportModel}. */
final class ReportStatistics {
    private final ReportModel m;

    ReportStatistics(ReportModel model) {
        this.m = model;
    }

    /** @return the items of the run: what the map phases resolved, or every item seen if more */
    int total() {
        Map<?, Integer> totals = m.stageTotals.isEmpty() ? m.journalTotals : m.stageTotals;
        int fromStages = totals.values().stream().mapToInt(Integer::intValue).sum();
        return Math.max(fromStages, m.items.size());
    }

    int count(ItemStatus s) {
        int n = 0;
        for (Item it : m.items.values()) {
            if (it.status == s) {
                n++;
            }
        }
        return n;
    }

    /** @return items started and not ended */
    int running() {
        int n = 0;
        for (Item it : m.items.values()) {
            if (it.status == null && it.started()) {
                n++;
            }
        }
        return n;
    }

    int deadLettered() {
        int n = 0;
        for (Item it : m.items.values()) {
            if (it.deadLettered) {
                n++;
            }
        }
        return n;
    }

    /** @return attempts over all items */
    int attempts() {
        int n = 0;
        for (Item it : m.items.values()) {
            for (Span s : it.spans) {
                n += s.attempts.size();
            }
        }
        return n;
    }

    /** @return attempts that failed and were tried again */
    int retriedAttempts() {
        int n = 0;
        for (Item it : m.items.values()) {
            for (Span s : it.spans) {
                for (Attempt a : s.attempts) {
                    if (a.outcome == ReportModel.Outcome.RETRIED) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** @return the time items waited for backoff (between attempts and between a step's tries) */
    Duration backoffWaits() {
        return itemWaits(false);
    }

    /** @return the time items waited because the backend throttled them */
    Duration rateLimitWaits() {
        return itemWaits(true);
    }

    private Duration itemWaits(boolean throttle) {
        long ms = 0;
        for (Item it : m.items.values()) {
            for (Span s : it.spans) {
                for (Wait w : s.waits) {
                    if ((w.kind() == WaitKind.THROTTLE) == throttle) {
                        ms += w.length().toMillis();
                    }
                }
            }
        }
        return Duration.ofMillis(ms);
    }

    /** @return the first item with the longest duration, or null if no item has one */
    Item longestItem() {
        Item longest = null;
        for (Item it : m.items.values()) {
            if (it.duration != null && (longest == null || it.duration.compareTo(longest.duration) > 0)) {
                longest = it;
            }
        }
        return longest;
    }

    /** @return the run's cost: what the engine recorded as spent, else the sum of what it reported */
    Double cost() {
        if (m.spentUsd != null) {
            return m.spentUsd;
        }
        Double sum = m.phaseAgentCost;
        for (Item it : m.items.values()) {
            if (it.cost != null) {
                sum = sum == null ? it.cost : sum + it.cost;
            }
        }
        return sum;
    }

    long tokens() {
        return m.runInputTokens + m.runOutputTokens + m.runCacheReadTokens + m.runCacheCreationTokens;
    }

    /** @return item time over (map wall time × max parallel), as the engine computes it; null if unknown */
    Double efficiency() {
        Instant end = TimelineLayout.axisEnd(m);
        long slotNanos = m.mapSlotNanos;
        for (Phase p : m.phases) {
            if (p.isMap() && p.end == null) {
                slotNanos += Math.max(0, Duration.between(p.start, end).toNanos()) * (long) Math.max(1, p.maxParallel);
            }
        }
        if (slotNanos <= 0) {
            return null;
        }
        long busy = m.itemBusyNanos;
        for (Item it : m.items.values()) {
            Span open = it.openSpan();
            if (open != null && end != null) {
                busy += Math.max(0, Duration.between(open.start, end).toNanos());
            }
        }
        return Math.min(1.0, (double) busy / slotNanos);
    }

    int maxParallel() {
        int max = 0;
        for (Phase p : m.phases) {
            max = Math.max(max, p.maxParallel);
        }
        return max;
    }
}
