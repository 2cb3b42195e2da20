package io.prodigy.cli.report;

import static io.prodigy.cli.report.Html.esc;
import static io.prodigy.cli.report.Html.escCut;
import static io.prodigy.cli.report.Html.num;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the timeline section: an inline SVG with the setup, steps and reduce phases on their own rows (with their
 * steps), the map phases as bands behind one row per parallel slot, every item attempt as a bar coloured by
 * outcome, waits as hatched segments, throttle events as markers on the axis, and a "now" line while the run runs.
 */
final class TimelineSection {
    private static final double WIDTH = 1200;
    private static final double LABEL = 92;
    private static final double RIGHT = 14;
    private static final double AXIS = 30;
    private static final long[] STEPS_MS = {
        1,
        2,
        5,
        10,
        20,
        50,
        100,
        200,
        500,
        1_000,
        2_000,
        5_000,
        10_000,
        15_000,
        30_000,
        60_000,
        120_000,
        300_000,
        600_000,
        900_000,
        1_800_000,
        3_600_000,
        7_200_000,
        10_800_000,
        21_600_000,
        43_200_000,
        86_400_000,
        172_800_000,
        604_800_000
    };
    private static final int TITLE_CHARS = 240;
    private static final int ID_CHARS = 120;

    private final ReportModel m;
    private final StringBuilder out;
    private Instant t0;
    private double scale;

    TimelineSection(ReportModel model, StringBuilder out) {
        this.m = model;
        this.out = out;
    }

    private double x(Instant t) {
        double v = LABEL + Duration.between(t0, t).toNanos() / 1e6 * scale;
        return Math.max(LABEL, Math.min(WIDTH - RIGHT, v));
    }

    void write() {
        out.append("<section>\n<h2>Timeline</h2>\n");
        Instant start = TimelineLayout.axisStart(m);
        Instant end = TimelineLayout.axisEnd(m);
        if (start == null || end == null) {
            out.append("<p class=\"empty\">No events were recorded for this run yet.</p>\n</section>\n");
            return;
        }
        long spanMs = Math.max(1, Duration.between(start, end).toMillis());
        t0 = start;
        scale = (WIDTH - LABEL - RIGHT) / spanMs;

        List<Phase> top = new ArrayList<>();
        List<Phase> bottom = new ArrayList<>();
        List<Phase> maps = new ArrayList<>();
        Set<String> stages = new LinkedHashSet<>();
        for (Phase p : m.phases) {
            stages.add(p.stage);
            if (p.isMap()) {
                maps.add(p);
            } else if ("reduce".equals(p.phase)) {
                bottom.add(p);
            } else {
                top.add(p);
            }
        }
        int rows = top.size() + m.slots + bottom.size();
        double rowH = rows <= 12 ? 22 : rows <= 24 ? 20 : Math.max(5, Math.min(20, 520.0 / rows));
        double height = AXIS + Math.max(1, rows) * rowH + 8;
        legend();
        out.append("<div class=\"tl\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(num(WIDTH))
                .append(' ')
                .append(num(height))
                .append("\" width=\"100%\" role=\"img\">\n")
                .append(ReportCss.DEFS);
        double plotTop = AXIS;
        double plotBottom = AXIS + rows * rowH;
        // map phases as bands behind the slots
        double slotsTop = AXIS + top.size() * rowH;
        for (Phase p : maps) {
            Instant pe = p.end != null ? p.end : end;
            double x1 = x(p.start);
            double x2 = Math.max(x1 + 1, x(pe));
            out.append("<rect class=\"band\" x=\"")
                    .append(num(x1))
                    .append("\" y=\"")
                    .append(num(slotsTop))
                    .append("\" width=\"")
                    .append(num(x2 - x1))
                    .append("\" height=\"")
                    .append(num(Math.max(rowH, m.slots * rowH)))
                    .append("\"><title>map phase")
                    .append(stages.size() > 1 ? " of " + escCut(p.stage, 80) : "")
                    .append(": ")
                    .append(p.total)
                    .append(" items, up to ")
                    .append(p.maxParallel)
                    .append(" at once, ")
                    .append(esc(Html.duration(Duration.between(p.start, pe))))
                    .append("</title></rect>\n");
        }
        axis(spanMs, plotTop, plotBottom);
        int row = 0;
        for (Phase p : top) {
            phaseRow(p, AXIS + row++ * rowH, rowH, stages.size() > 1, end);
        }
        for (int s = 0; s < m.slots; s++) {
            double y = AXIS + row++ * rowH;
            int every = (int) Math.ceil(11 / rowH);
            if (s % every == 0) {
                label(y, rowH, "slot " + (s + 1), null);
            }
            if (s % 2 == 1) {
                out.append("<rect class=\"stripe\" x=\"")
                        .append(num(LABEL))
                        .append("\" y=\"")
                        .append(num(y))
                        .append("\" width=\"")
                        .append(num(WIDTH - LABEL - RIGHT))
                        .append("\" height=\"")
                        .append(num(rowH))
                        .append("\"/>\n");
            }
        }
        for (Phase p : bottom) {
            phaseRow(p, AXIS + row++ * rowH, rowH, stages.size() > 1, end);
        }
        out.append("<g class=\"bars\">\n");
        for (Item it : m.items.values()) {
            for (Span span : it.spans) {
                spanBars(span, AXIS + (top.size() + span.slot) * rowH, rowH, end);
            }
        }
        out.append("</g>\n");
        for (Throttle t : m.throttles) {
            double tx = x(t.at());
            out.append("<path class=\"tmark\" d=\"M")
                    .append(num(tx - 4))
                    .append(' ')
                    .append(num(AXIS - 9))
                    .append(" h8 l-4 7 z\"><title>")
                    .append(esc(String.valueOf(t.kind())))
                    .append(" at ")
                    .append(esc(Html.clock(t.at())))
                    .append(t.itemId() == null ? "" : " (item " + escCut(t.itemId(), ID_CHARS) + ")")
                    .append(": agents at once lowered to ")
                    .append(t.concurrency())
                    .append(t.retryIn() == null ? "" : ", retry in " + esc(Html.duration(t.retryIn())))
                    .append(t.resumeAt() == null ? "" : ", dispatch parked until " + esc(Html.clock(t.resumeAt())))
                    .append("</title></path>\n");
        }
        if (m.isRunning()) {
            double nx = x(end);
            out.append("<line class=\"now\" x1=\"")
                    .append(num(nx))
                    .append("\" y1=\"")
                    .append(num(AXIS - 4))
                    .append("\" x2=\"")
                    .append(num(nx))
                    .append("\" y2=\"")
                    .append(num(plotBottom))
                    .append("\"><title>last event ")
                    .append(esc(Html.time(end)))
                    .append("</title></line>\n");
        }
        out.append("</svg></div>\n");
        if (m.slots == 0 && top.isEmpty() && bottom.isEmpty()) {
            out.append("<p class=\"empty\">No agent ran in this run.</p>\n");
        }
        out.append("</section>\n");
    }

    private void legend() {
        out.append("<div class=\"legend\">");
        for (Outcome o : Outcome.values()) {
            out.append("<span><i class=\"sw b-")
                    .append(ReportStyles.css(o))
                    .append("\"></i>")
                    .append(esc(ReportStyles.label(o)))
                    .append("</span>");
        }
        for (WaitKind w : WaitKind.values()) {
            out.append("<span><i class=\"sw w-")
                    .append(ReportStyles.css(w))
                    .append("\"></i>")
                    .append(esc(ReportStyles.label(w)))
                    .append("</span>");
        }
        out.append("<span><i class=\"sw tm\"></i>throttle event</span>");
        out.append("<span><i class=\"sw b-band\"></i>map phase</span><span class=\"from\">time from ")
                .append(esc(Html.time(t0)))
                .append("</span></div>\n");
    }

    private void axis(long spanMs, double top, double bottom) {
        long step = STEPS_MS[STEPS_MS.length - 1];
        for (long s : STEPS_MS) {
            if (spanMs / s <= 10) {
                step = s;
                break;
            }
        }
        out.append("<g class=\"axis\">\n");
        out.append("<line x1=\"")
                .append(num(LABEL))
                .append("\" y1=\"")
                .append(num(top - 0.5))
                .append("\" x2=\"")
                .append(num(WIDTH - RIGHT))
                .append("\" y2=\"")
                .append(num(top - 0.5))
                .append("\"/>\n");
        for (long t = 0; t <= spanMs; t += step) {
            double tx = LABEL + t * scale;
            out.append("<line class=\"grid\" x1=\"")
                    .append(num(tx))
                    .append("\" y1=\"")
                    .append(num(top - 4))
                    .append("\" x2=\"")
                    .append(num(tx))
                    .append("\" y2=\"")
                    .append(num(bottom))
                    .append("\"/>")
                    .append("<text x=\"")
                    .append(num(tx))
                    .append("\" y=\"")
                    .append(num(top - 12))
                    .append("\" text-anchor=\"")
                    .append(t == 0 ? "start" : "middle")
                    .append("\">")
                    .append(esc(Html.tick(t)))
                    .append("</text>\n");
        }
        out.append("</g>\n");
    }

    private void label(double y, double rowH, String text, String title) {
        out.append("<text class=\"lbl\" x=\"")
                .append(num(LABEL - 6))
                .append("\" y=\"")
                .append(num(y + rowH / 2 + 4))
                .append("\" text-anchor=\"end\">")
                .append(escCut(text, 14));
        if (title != null) {
            out.append("<title>").append(escCut(title, TITLE_CHARS)).append("</title>");
        }
        out.append("</text>\n");
    }

    private void phaseRow(Phase p, double y, double rowH, boolean withStage, Instant end) {
        String name = p.phase + (withStage ? " \u00b7 " + p.stage : "");
        label(y, rowH, name, p.phase + " of " + p.stage);
        double pad = rowH > 8 ? 2 : 0.5;
        Instant pe = p.end != null ? p.end : end;
        String css = ReportStyles.phaseCss(p);
        double x1 = x(p.start);
        double x2 = Math.max(x1 + 1, x(pe));
        out.append("<rect class=\"b-")
                .append(css)
                .append(" ph\" x=\"")
                .append(num(x1))
                .append("\" y=\"")
                .append(num(y + pad))
                .append("\" width=\"")
                .append(num(x2 - x1))
                .append("\" height=\"")
                .append(num(rowH - 2 * pad))
                .append("\"><title>")
                .append(escCut(name, 120))
                .append(": ")
                .append(esc(Html.duration(Duration.between(p.start, pe))))
                .append(p.end == null ? " so far" : Boolean.FALSE.equals(p.success) ? ", failed" : "")
                .append("</title></rect>\n");
        for (StepSpan s : p.steps) {
            Instant se = s.end != null ? s.end : end;
            double sx1 = x(s.start);
            double sx2 = Math.max(sx1 + 1, x(se));
            String sc = ReportStyles.stepCss(s);
            out.append("<rect class=\"b-")
                    .append(sc)
                    .append("\" x=\"")
                    .append(num(sx1))
                    .append("\" y=\"")
                    .append(num(y + pad + 2))
                    .append("\" width=\"")
                    .append(num(sx2 - sx1))
                    .append("\" height=\"")
                    .append(num(Math.max(1, rowH - 2 * pad - 4)))
                    .append("\"><title>step ")
                    .append(s.index + 1)
                    .append(": ")
                    .append(escCut(s.label, TITLE_CHARS))
                    .append(" \u2014 ")
                    .append(esc(Html.duration(Duration.between(s.start, se))))
                    .append(
                            s.skipped
                                    ? ", skipped"
                                    : s.end == null
                                            ? ", running"
                                            : Boolean.FALSE.equals(s.success) ? ", failed" : ", ok")
                    .append(s.exitCode == null ? "" : ", exit " + s.exitCode)
                    .append("</title></rect>\n");
        }
        for (Wait w : p.waits) {
            waitRect(w, y, rowH, pad, end, null);
        }
    }

    private void spanBars(Span span, double y, double rowH, Instant end) {
        double pad = rowH >= 12 ? 2 : rowH >= 7 ? 1 : 0.5;
        double h = rowH - 2 * pad;
        String id = escCut(
                span.item.label.equals(span.item.id) ? span.item.id : span.item.label + " (" + span.item.id + ")",
                ID_CHARS);
        for (Attempt a : span.attempts) {
            Instant ae = a.end != null ? a.end : end;
            double x1 = x(a.start);
            double x2 = Math.max(x1 + 0.8, x(ae));
            out.append("<rect class=\"b-")
                    .append(ReportStyles.css(a.outcome))
                    .append("\" x=\"")
                    .append(num(x1))
                    .append("\" y=\"")
                    .append(num(y + pad))
                    .append("\" width=\"")
                    .append(num(x2 - x1))
                    .append("\" height=\"")
                    .append(num(h))
                    .append("\"><title>")
                    .append(id)
                    .append(" \u2014 attempt ")
                    .append(a.number)
                    .append(": ")
                    .append(ReportStyles.label(a.outcome))
                    .append(", ")
                    .append(esc(Html.duration(Duration.between(a.start, ae))))
                    .append(a.end == null ? " so far" : "");
            if (a.outcome == Outcome.RUNNING && span.item.currentStep != null) {
                out.append("\nstep: ").append(escCut(span.item.currentStep, 120));
            }
            if (a.error != null) {
                out.append("\n")
                        .append(esc(String.valueOf(a.errorKind)))
                        .append(": ")
                        .append(escCut(a.error, TITLE_CHARS));
            }
            out.append("</title></rect>\n");
            if (a.number > 1) {
                out.append("<rect class=\"rtick\" x=\"")
                        .append(num(x1))
                        .append("\" y=\"")
                        .append(num(y + pad))
                        .append("\" width=\"1.2\" height=\"")
                        .append(num(h))
                        .append("\"/>\n");
            }
        }
        for (Wait w : span.waits) {
            waitRect(w, y, rowH, pad, end, id);
        }
    }

    private void waitRect(Wait w, double y, double rowH, double pad, Instant end, String escapedId) {
        Instant we = w.end().isAfter(end) ? end : w.end();
        double x1 = x(w.start());
        double x2 = Math.max(x1 + 0.8, x(we));
        double h = rowH - 2 * pad;
        boolean between = w.kind() == WaitKind.BACKOFF;
        double wy = between ? y + pad + h * 0.3 : y + pad;
        double wh = between ? h * 0.4 : h;
        out.append("<rect class=\"w-")
                .append(ReportStyles.css(w.kind()))
                .append("\" x=\"")
                .append(num(x1))
                .append("\" y=\"")
                .append(num(wy))
                .append("\" width=\"")
                .append(num(x2 - x1))
                .append("\" height=\"")
                .append(num(Math.max(0.5, wh)))
                .append("\"><title>")
                .append(escapedId == null ? "" : escapedId + " \u2014 ")
                .append(esc(ReportStyles.label(w.kind())))
                .append(' ')
                .append(esc(Html.duration(w.length())))
                .append(": ")
                .append(escCut(w.reason(), TITLE_CHARS))
                .append("</title></rect>\n");
    }
}
