package io.prodigy.cli.report;

import static io.prodigy.cli.report.Html.esc;
import static io.prodigy.cli.report.Html.escCut;

import io.prodigy.api.ItemStatus;
import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.cli.report.ReportModel.Phase;
import java.time.Duration;
import java.time.Instant;

/** Writes the totals section: counts, times, cost and tokens, and a table of the run's phases. */
final class TotalsSection {
    private final ReportModel m;
    private final ReportStatistics stats;
    private final StringBuilder out;

    TotalsSection(ReportModel model, ReportStatistics stats, StringBuilder out) {
        this.m = model;
        this.stats = stats;
        this.out = out;
    }

    void write() {
        out.append("<section>\n<h2>Totals</h2>\n<div class=\"totals\">\n<dl>\n");
        Item longest = stats.longestItem();
        int finished = stats.count(ItemStatus.SUCCEEDED) + stats.count(ItemStatus.FAILED);
        dt("items", Html.count(stats.total()));
        dt("succeeded", Html.count(stats.count(ItemStatus.SUCCEEDED)));
        dt("failed", Html.count(stats.count(ItemStatus.FAILED)));
        dt(
                "dead-lettered",
                Html.count(stats.deadLettered()) + (m.dlqResolved > 0 ? " (" + m.dlqResolved + " resolved)" : ""));
        dt("cancelled", Html.count(stats.count(ItemStatus.CANCELLED)));
        dt("running", Html.count(stats.running()));
        dt("attempts", Html.count(stats.attempts()));
        dt("attempts retried", Html.count(stats.retriedAttempts()));
        dt("step retries", Html.count(m.stepRetries));
        dt("throttle events", Html.count(m.throttles.size()));
        out.append("</dl>\n<dl>\n");
        dt("agent time (items)", Html.duration(Duration.ofNanos(m.itemBusyNanos)));
        dt("average item", finished == 0 ? "\u2014" : Html.duration(Duration.ofNanos(m.itemBusyNanos / finished)));
        dt(
                "longest item",
                longest == null ? "\u2014" : Html.duration(longest.duration) + " (" + Html.cut(longest.id, 60) + ")");
        dt("backoff waits", Html.duration(stats.backoffWaits()));
        dt("rate-limit waits", Html.duration(stats.rateLimitWaits()));
        dt("max parallel", stats.maxParallel() == 0 ? "\u2014" : Integer.toString(stats.maxParallel()));
        dt("parallel efficiency", Html.percent(stats.efficiency()));
        dt("cost", Html.usd(stats.cost()));
        dt("tokens in / out", Html.count(m.runInputTokens) + " / " + Html.count(m.runOutputTokens));
        dt("cache read / created", Html.count(m.runCacheReadTokens) + " / " + Html.count(m.runCacheCreationTokens));
        out.append("</dl>\n</div>\n");
        if (!m.phases.isEmpty()) {
            out.append("<table class=\"phases\">\n<thead><tr><th>phase</th><th>stage</th><th>started</th>")
                    .append("<th>duration</th><th>result</th></tr></thead>\n<tbody>\n");
            Instant start = TimelineLayout.axisStart(m);
            for (Phase p : m.phases) {
                Instant pe = p.end != null ? p.end : TimelineLayout.axisEnd(m);
                out.append("<tr><td>")
                        .append(esc(p.phase))
                        .append("</td><td>")
                        .append(escCut(p.stage, 120))
                        .append("</td><td class=\"n\">+")
                        .append(esc(Html.duration(Duration.between(start, p.start))))
                        .append("</td><td class=\"n\">")
                        .append(esc(Html.duration(Duration.between(p.start, pe))))
                        .append("</td><td>")
                        .append(
                                p.end == null
                                        ? "running"
                                        : Boolean.FALSE.equals(p.success)
                                                ? "<span class=\"pill st-failed\">failed</span>"
                                                : "ok")
                        .append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        out.append("</section>\n");
    }

    private void dt(String k, String v) {
        out.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>\n");
    }
}
