package io.prodigy.cli.report;

import static io.prodigy.cli.report.Html.esc;
import static io.prodigy.cli.report.Html.escCut;

import io.prodigy.cli.report.ReportModel.DlqGroup;

/** Writes the Dead Letter Queue section: the unresolved entries grouped by error pattern, largest first. */
final class DlqSection {
    private final ReportModel m;
    private final StringBuilder out;

    DlqSection(ReportModel model, StringBuilder out) {
        this.m = model;
        this.out = out;
    }

    void write() {
        out.append("<section>\n<h2>Dead Letter Queue</h2>\n");
        if (m.dlqGroups.isEmpty()) {
            out.append("<p class=\"empty\">")
                    .append(
                            m.dlqResolved > 0
                                    ? "Every dead-lettered item (" + m.dlqResolved + ") was reprocessed and resolved."
                                    : "The Dead Letter Queue of this run is empty.")
                    .append("</p>\n</section>\n");
            return;
        }
        out.append("<p class=\"sub\">")
                .append(m.dlqUnresolved)
                .append(" unresolved ")
                .append(m.dlqUnresolved == 1 ? "entry" : "entries")
                .append(" in ")
                .append(m.dlqGroups.size())
                .append(m.dlqGroups.size() == 1 ? " error pattern" : " error patterns")
                .append(m.dlqResolved > 0 ? "; " + m.dlqResolved + " resolved by reprocessing" : "")
                .append(". Retry them with <code>prodigy dlq retry ")
                .append(esc(m.runId))
                .append("</code>.</p>\n");
        int max = m.dlqGroups.get(0).count;
        out.append("<table class=\"dlq\">\n<thead><tr><th>count</th><th>error pattern</th><th>items</th>")
                .append("<th>example messages</th><th>last seen</th></tr></thead>\n<tbody>\n");
        for (DlqGroup g : m.dlqGroups) {
            out.append("<tr class=\"grp\"><td class=\"n\"><span class=\"cbar\" style=\"width:")
                    .append(Math.max(2, Math.round(48.0 * g.count / max)))
                    .append("px\"></span><b>")
                    .append(g.count)
                    .append("</b></td><td><span class=\"kind\">")
                    .append(esc(String.valueOf(g.kind)))
                    .append("</span> <code>")
                    .append(escCut(pattern(g), 400))
                    .append("</code></td><td class=\"ids\">");
            for (int i = 0; i < g.itemIds.size(); i++) {
                out.append(i == 0 ? "" : ", ")
                        .append("<code>")
                        .append(escCut(g.itemIds.get(i), 60))
                        .append("</code>");
            }
            if (g.count > g.itemIds.size()) {
                out.append(" and ").append(g.count - g.itemIds.size()).append(" more");
            }
            out.append("</td><td>");
            for (String msg : g.messages) {
                out.append("<pre>").append(escCut(msg, 600)).append("</pre>");
            }
            out.append("</td><td class=\"when\">")
                    .append(esc(Html.time(g.lastSeen)))
                    .append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private static String pattern(DlqGroup g) {
        int sep = g.signature.indexOf("::");
        String p = sep >= 0 ? g.signature.substring(sep + 2) : g.signature;
        return p.isEmpty() ? "(no message)" : p;
    }
}
