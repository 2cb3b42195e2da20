package io.prodigy.cli.report;

import static io.prodigy.cli.report.Html.esc;
import static io.prodigy.cli.report.Html.escCut;

import io.prodigy.cli.report.ReportModel.Item;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Writes the items section: one table row per item, problems first, then in dispatch order. */
final class ItemsSection {
    private static final int ERROR_CHARS = 300;
    private static final int ID_CHARS = 120;
    /** The most rows of the item table (problems come first), which keeps a huge run's page loadable. */
    private static final int MAX_ROWS = 5_000;

    private final ReportModel m;
    private final StringBuilder out;

    ItemsSection(ReportModel model, StringBuilder out) {
        this.m = model;
        this.out = out;
    }

    void write() {
        out.append("<section>\n<h2>Items</h2>\n");
        if (m.items.isEmpty()) {
            out.append("<p class=\"empty\">This run has no work items.</p>\n</section>\n");
            return;
        }
        long maxMs = 1;
        for (Item it : m.items.values()) {
            if (it.duration != null) {
                maxMs = Math.max(maxMs, it.duration.toMillis());
            }
        }
        List<Item> rows = new ArrayList<>(m.items.values());
        rows.sort(java.util.Comparator.comparingInt(ItemsSection::rank).thenComparingInt(it -> it.order));
        out.append("<p class=\"sub\">Problems first, then in dispatch order; # is the dispatch order.</p>\n");
        out.append("<table class=\"items\">\n<thead><tr><th>#</th><th>item</th><th>status</th><th>attempts</th>")
                .append("<th>duration</th><th>cost</th><th>tokens</th><th>error</th></tr></thead>\n<tbody>\n");
        int shown = 0;
        for (Item it : rows) {
            if (++shown > MAX_ROWS) {
                break;
            }
            out.append("<tr><td class=\"n\">")
                    .append(it.order + 1)
                    .append("</td><td class=\"id\">")
                    .append(escCut(it.id, ID_CHARS))
                    .append(
                            it.label.equals(it.id)
                                    ? ""
                                    : "<br/><span class=\"sub\">" + escCut(it.label, ID_CHARS) + "</span>")
                    .append("</td><td><span class=\"pill st-")
                    .append(ReportStyles.statusCss(it))
                    .append("\">")
                    .append(esc(ReportStyles.statusText(it).replace('_', ' ')))
                    .append("</span></td><td class=\"n\">")
                    .append(it.attempts == 0 ? "" : it.attempts)
                    .append("</td><td class=\"dur\">");
            Duration d = it.duration;
            if (d == null && it.status == null && !it.spans.isEmpty()) {
                d = Duration.between(it.spans.get(0).start, TimelineLayout.axisEnd(m));
            }
            if (d != null) {
                out.append("<span class=\"dbar b-")
                        .append(ReportStyles.statusCss(it))
                        .append("\" style=\"width:")
                        .append(Math.max(1, Math.round(60.0 * Math.min(1, d.toMillis() / (double) maxMs))))
                        .append("px\"></span>")
                        .append(esc(Html.duration(d)));
            }
            out.append("</td><td class=\"n\">")
                    .append(it.cost == null ? "" : esc(Html.usd(it.cost)))
                    .append("</td><td class=\"n\">")
                    .append(it.tokens() == 0 ? "" : esc(Html.compact(it.tokens())))
                    .append("</td><td class=\"err\">");
            if (it.error != null) {
                out.append("<b>")
                        .append(esc(String.valueOf(it.errorKind)))
                        .append("</b> ")
                        .append(escCut(it.error, ERROR_CHARS));
            }
            out.append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        if (rows.size() > MAX_ROWS) {
            out.append("<p class=\"sub\">")
                    .append(Html.count(rows.size() - MAX_ROWS))
                    .append(" more items are not listed; <code>prodigy events</code> shows them all.</p>\n");
        }
        out.append("</section>\n");
    }

    /** Failed items first, then running, cancelled, succeeded, not started. */
    private static int rank(Item it) {
        if (it.status == null) {
            return it.started() ? 1 : 4;
        }
        switch (it.status) {
            case FAILED:
                return 0;
            case CANCELLED:
                return 2;
            case SUCCEEDED:
                return 3;
            default:
                return 4;
        }
    }
}
