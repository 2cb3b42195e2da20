package io.prodigy.cli.report;

import static io.prodigy.cli.report.Html.esc;
import static io.prodigy.cli.report.Html.escCut;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Writes the report's header: title, run status, notes, the summary cards, start and end, the outcome bar. */
final class HeaderSection {
    private final ReportModel m;
    private final ReportStatistics stats;
    private final StringBuilder out;

    HeaderSection(ReportModel model, ReportStatistics stats, StringBuilder out) {
        this.m = model;
        this.stats = stats;
        this.out = out;
    }

    void write() {
        RunStatus status = m.status;
        String statusText = status == null ? (m.finishedAt == null ? "RUNNING" : "UNKNOWN") : status.name();
        out.append("<header>\n<div class=\"title\"><h1>")
                .append(escCut(m.workflowName == null ? "(unnamed workflow)" : m.workflowName, 200))
                .append("</h1><span class=\"pill st-")
                .append(ReportStyles.runStatusCss(statusText))
                .append("\">")
                .append(esc(statusText.replace('_', ' ')))
                .append("</span></div>\n")
                .append("<div class=\"runid\">run <code>")
                .append(esc(m.runId))
                .append("</code>");
        if (m.sessions > 1) {
            out.append(" \u00b7 ").append(m.sessions).append(" sessions (resumed)");
        }
        out.append("</div>\n");
        if (m.isRunning()) {
            out.append("<p class=\"note\">This run was still running when the report was written; open bars end at "
                            + "its last event (")
                    .append(esc(Html.time(m.lastEventAt)))
                    .append(").</p>\n");
        }
        if (m.budgetReached) {
            out.append("<p class=\"note warn\">The cost budget of ")
                    .append(esc(Html.usd(m.budgetUsd)))
                    .append(" was reached; the run stopped dispatching.</p>\n");
        }
        Instant start = m.startedAt;
        Instant end = m.isRunning() ? null : m.finishedAt;
        Duration wall = start == null ? null : Duration.between(start, end != null ? end : TimelineLayout.axisEnd(m));
        int total = stats.total();
        int ok = stats.count(ItemStatus.SUCCEEDED);
        int failed = stats.count(ItemStatus.FAILED);
        int dlq = stats.deadLettered();
        out.append("<div class=\"cards\">\n");
        card("Items", Html.count(total), stats.running() > 0 ? stats.running() + " running" : null, "");
        card("Succeeded", Html.count(ok), pct(ok, total), "c-ok");
        card(
                "Failed",
                Html.count(failed),
                failed > 0 && dlq > 0 ? dlq + " dead-lettered" : pct(failed, total),
                failed > 0 ? "c-failed" : "");
        card(
                "Dead-lettered",
                Html.count(dlq),
                m.dlqResolved > 0 ? m.dlqResolved + " resolved since" : null,
                dlq > 0 ? "c-dlq" : "");
        card("Wall time", Html.duration(wall), (end == null ? "so far" : null), "");
        card(
                "Parallel efficiency",
                Html.percent(stats.efficiency()),
                stats.maxParallel() > 0 ? "of " + stats.maxParallel() + " agents at once" : null,
                "");
        card("Cost", Html.usd(stats.cost()), m.budgetUsd != null ? "budget " + Html.usd(m.budgetUsd) : null, "");
        card(
                "Tokens",
                stats.tokens() > 0 ? Html.compact(stats.tokens()) : "\u2014",
                stats.tokens() > 0
                        ? Html.compact(m.runInputTokens) + " in / " + Html.compact(m.runOutputTokens) + " out"
                        : "not reported",
                "");
        out.append("</div>\n<div class=\"times\"><span>started <b>")
                .append(esc(Html.time(start)))
                .append("</b></span><span>")
                .append(end == null ? "last event <b>" : "ended <b>")
                .append(esc(Html.time(end == null ? m.lastEventAt : end)))
                .append("</b></span></div>\n");
        stackBar(total, ok, failed, dlq);
        out.append("</header>\n");
    }

    private void card(String label, String value, String sub, String css) {
        out.append("<div class=\"card ")
                .append(css)
                .append("\"><div class=\"k\">")
                .append(esc(label))
                .append("</div><div class=\"v\">")
                .append(esc(value))
                .append("</div>");
        if (sub != null) {
            out.append("<div class=\"s\">").append(esc(sub)).append("</div>");
        }
        out.append("</div>\n");
    }

    private void stackBar(int total, int ok, int failed, int dlq) {
        if (total == 0) {
            return;
        }
        int cancelled = stats.count(ItemStatus.CANCELLED);
        int running = stats.running();
        int pending = Math.max(0, total - ok - failed - cancelled - running);
        out.append("<div class=\"stack\" title=\"items by outcome\">");
        seg("ok", ok, total, "succeeded");
        seg("failed", failed - Math.min(failed, dlq), total, "failed");
        seg("dlq", Math.min(failed, dlq), total, "dead-lettered");
        seg("cancelled", cancelled, total, "cancelled");
        seg("running", running, total, "running");
        seg("pending", pending, total, "not run yet");
        out.append("</div>\n");
    }

    private void seg(String css, int n, int total, String what) {
        if (n <= 0) {
            return;
        }
        out.append("<div class=\"b-")
                .append(css)
                .append("\" style=\"width:")
                .append(String.format(Locale.ROOT, "%.3f", 100.0 * n / total))
                .append("%\" title=\"")
                .append(n)
                .append(' ')
                .append(what)
                .append("\"></div>");
    }

    private static String pct(int n, int total) {
        return total == 0 ? null : String.format(Locale.ROOT, "%.0f%%", 100.0 * n / total);
    }
}
