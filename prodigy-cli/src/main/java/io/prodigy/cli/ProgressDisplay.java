package io.prodigy.cli;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunPhase;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The progress of a run, as a {@link RunListener}. On a terminal: a live block redrawn at most five times a second
 * (items done/failed/running of total, throughput, ETA, cost so far, and the current step of each running agent),
 * with notable events printed above it. Elsewhere: plain timestamped lines. Colours unless {@code NO_COLOR} is set.
 * With {@code -v} the agents' activity (tool calls, messages) is streamed too.
 */
final class ProgressDisplay implements RunListener, AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int MAX_AGENT_LINES = 6;
    private static final int FAILED_OUTPUT_LINES = 5;
    static final String GREEN = "\033[32m";
    static final String RED = "\033[31m";
    static final String YELLOW = "\033[33m";
    static final String DIM = "\033[2m";
    static final String BOLD = "\033[1m";
    static final String RESET = "\033[0m";

    private final PrintStream out;
    private final boolean live;
    private final boolean color;
    private final boolean verbose;
    private final int width;
    private final ScheduledExecutorService ticker;

    // guarded by this
    private String phase = "starting";
    private String workflowName;
    private String currentStep;
    private int total;
    private int maxParallel;
    private int succeeded;
    private int failed;
    /** Items settled before a resume: they count as done, but not towards the rate and the ETA. */
    private int settledBefore;

    private double cost;
    private Instant phaseStart;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, StringBuilder> phaseOutput = new LinkedHashMap<>();
    private int drawnLines;
    private boolean suspended;
    private boolean closed;

    private static final class Running {
        final Instant since;
        final String label;
        String step;
        String activity;

        Running(Instant since, String label) {
            this.since = since;
            this.label = label;
        }
    }

    private ProgressDisplay(PrintStream out, boolean live, boolean color, boolean verbose, int width) {
        this.out = out;
        this.live = live;
        this.color = color;
        this.verbose = verbose;
        this.width = width;
        if (live) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "prodigy-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 200, 200, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** @return a display for this process's terminal, or plain lines when stdout is not one */
    static ProgressDisplay forTerminal(PrintStream out) {
        return new ProgressDisplay(
                out, Terminal.interactive(), Terminal.color(), Globals.verbosity() > 0, Terminal.width());
    }

    /** @return whether this display redraws a live block */
    boolean live() {
        return live;
    }

    /** @return whether colours are on */
    boolean color() {
        return color;
    }

    @Override
    public void onEvent(RunEvent event) {
        synchronized (this) {
            if (closed) {
                return;
            }
            handle(event);
        }
    }

    private void handle(RunEvent e) {
        if (e instanceof RunEvent.RunStarted s) {
            workflowName = s.workflowName();
            log("run " + s.runId() + " started: " + s.workflowName());
        } else if (e instanceof RunEvent.PhaseStarted p) {
            phase = p.phase()
                    + (p.stage() != null
                                    && !p.stage().isEmpty()
                                    && !p.stage().equals(p.phase())
                                    && !p.stage().equals("mapreduce")
                                    && !p.stage().equals("main")
                                    && !p.stage().equals(workflowName)
                            ? " (" + p.stage() + ")"
                            : "");
            currentStep = null;
            log(phase + " started");
        } else if (e instanceof RunEvent.ItemsResolved r) {
            total = r.total();
            maxParallel = r.maxParallel();
            succeeded = r.succeededBefore();
            failed = r.failedBefore();
            settledBefore = r.settledBefore();
            running.clear();
            phaseStart = r.at();
            if (r.settledBefore() > 0) {
                log(r.total() + " item(s): " + r.settledBefore() + " settled before the resume (" + r.succeededBefore()
                        + " ok, " + r.failedBefore() + " failed), " + (r.total() - r.settledBefore())
                        + " to process, up to " + r.maxParallel() + " at once");
            } else {
                log(r.total() + " item(s) to process, up to " + r.maxParallel() + " at once");
            }
        } else if (e instanceof RunEvent.ItemStarted s) {
            running.put(s.itemId(), new Running(s.at(), s.label()));
            if (!live && verbose) {
                log("item " + name(s.itemId()) + " started (attempt " + s.attempt() + ")");
            }
        } else if (e instanceof RunEvent.StepStarted s) {
            if (s.itemId() == null) {
                currentStep = s.command();
                if (!live) {
                    log(s.phase() + ": " + oneLine(s.command()));
                }
            } else {
                Running r = running.get(s.itemId());
                if (r != null) {
                    r.step = s.command();
                    r.activity = null;
                }
                if (!live && verbose) {
                    log("item " + name(s.itemId()) + ": " + oneLine(s.command()));
                }
            }
        } else if (e instanceof RunEvent.StepFinished f) {
            if (f.itemId() == null
                    && !f.output().isBlank()
                    && (RunPhase.SETUP.is(f.phase()) || RunPhase.REDUCE.is(f.phase()))) {
                phaseOutput
                        .computeIfAbsent(f.phase(), k -> new StringBuilder())
                        .append(f.output().strip())
                        .append('\n');
            }
            String who = f.itemId() != null ? "[" + name(f.itemId()) + "] " : "[" + f.phase() + "] ";
            if (!f.success() && !f.skipped()) {
                Running r = f.itemId() == null ? null : running.get(f.itemId());
                String command = r != null && r.step != null
                        ? r.step
                        : f.itemId() == null && currentStep != null ? currentStep : f.label();
                log(paint(RED, "step failed") + ": " + (f.itemId() != null ? name(f.itemId()) + ": " : "")
                        + oneLine(command) + (f.exitCode() != null ? " (exit " + f.exitCode() + ")" : ""));
                if (!verbose) {
                    List<String> tail = f.output().lines().toList();
                    tail.subList(Math.max(0, tail.size() - FAILED_OUTPUT_LINES), tail.size())
                            .forEach(l -> log(paint(DIM, "  " + who + l)));
                }
            }
            if (verbose && !f.output().isBlank()) {
                f.output().lines().forEach(l -> log(paint(DIM, "  " + who + l)));
            }
        } else if (e instanceof RunEvent.AgentActivity a) {
            Running r = a.itemId() == null ? null : running.get(a.itemId());
            if (r != null) {
                r.activity = a.summary();
            }
            if (verbose) {
                log(paint(
                        DIM,
                        "  [" + (a.itemId() != null ? name(a.itemId()) : a.step()) + "] " + a.type() + ": "
                                + a.summary()));
            }
        } else if (e instanceof RunEvent.ItemFinished f) {
            String who = name(f.itemId());
            running.remove(f.itemId());
            if (f.status() == ItemStatus.SUCCEEDED) {
                succeeded++;
            } else if (f.status() != ItemStatus.CANCELLED) {
                failed++;
            }
            if (f.costUsd() != null) {
                cost += f.costUsd();
            }
            if (!live || f.status() != ItemStatus.SUCCEEDED) {
                log("item " + who + " "
                        + paint(
                                f.status() == ItemStatus.SUCCEEDED
                                        ? GREEN
                                        : f.status() == ItemStatus.CANCELLED ? YELLOW : RED,
                                f.status().name().toLowerCase(Locale.ROOT))
                        + " in " + duration(f.duration())
                        + (f.costUsd() != null ? String.format(Locale.ROOT, " ($%.4f)", f.costUsd()) : "")
                        + " [" + (succeeded + failed) + "/" + total + "]");
            }
        } else if (e instanceof RunEvent.ItemFailed f) {
            log(paint(f.willRetry() ? YELLOW : RED, "item " + name(f.itemId()) + " attempt " + f.attempt() + " failed")
                    + ": " + f.errorKind() + ": " + oneLine(f.message()) + (f.willRetry() ? " (will retry)" : ""));
        } else if (e instanceof RunEvent.RetryScheduled r) {
            log(paint(YELLOW, "retry") + " " + (r.itemId() != null ? name(r.itemId()) + " " : "")
                    + (r.label() != null ? r.label() + " " : "") + "attempt " + r.nextAttempt() + " in "
                    + duration(r.delay()) + ": " + oneLine(r.reason()));
        } else if (e instanceof RunEvent.Throttled t) {
            log(paint(YELLOW, "throttled") + " (" + t.errorKind() + "): " + t.concurrency() + " agent(s) at once"
                    + (t.resumeAt() != null
                            ? ", dispatch resumes at "
                                    + TIME.format(t.resumeAt().atZone(ZoneId.systemDefault()))
                            : ""));
        } else if (e instanceof RunEvent.ConcurrencyRaised c) {
            log("agents at once back up to " + c.concurrency());
        } else if (e instanceof RunEvent.BudgetReached b) {
            log(paint(
                    YELLOW,
                    String.format(
                            Locale.ROOT,
                            "budget reached: $%.2f of $%.2f; the run pauses",
                            b.spentUsd(),
                            b.budgetUsd())));
        } else if (e instanceof RunEvent.PhaseFinished p) {
            total = 0;
            running.clear();
            phase = "finishing";
            currentStep = null;
            log(p.phase() + " " + (p.success() ? "finished" : paint(RED, "failed")) + " in " + duration(p.duration()));
        } else if (e instanceof RunEvent.ItemIntegrated i) {
            if (!live && verbose) {
                log("item " + name(i.itemId()) + " merged (" + i.commits() + " commit(s))");
            }
        } else if (e instanceof RunEvent.RunFinished f) {
            log("run " + f.runId() + " " + f.status() + " in " + duration(f.duration()));
        }
    }

    /**
     * @param itemId an item
     * @return how people see it: "label (id)" while it runs and its label is not its id (only running items' labels
     *     are kept, so a run of a million items costs no memory here)
     */
    private String name(String itemId) {
        Running r = running.get(itemId);
        String label = r == null ? null : r.label;
        return label == null || label.equals(itemId) ? itemId : label + " (" + itemId + ")";
    }

    /** @return what the setup and reduce phases printed (the end of each step's output), by phase */
    synchronized Map<String, String> phaseOutput() {
        Map<String, String> m = new LinkedHashMap<>();
        phaseOutput.forEach((k, v) -> m.put(k, v.toString()));
        return m;
    }

    /**
     * Routes {@code System.err} (where the engine's log messages go) through the display, so a message is printed
     * above the live block instead of tearing it. Does nothing when the display is not live.
     */
    void captureStandardError() {
        if (!live) {
            return;
        }
        System.setErr(
                new java.io.PrintStream(new LineSink(this::external), true, java.nio.charset.StandardCharsets.UTF_8));
    }

    private void external(String line) {
        synchronized (this) {
            if (closed) {
                out.println(line);
                out.flush();
                return;
            }
            log(line);
        }
    }

    /** Collects bytes into lines and hands each whole line on. */
    private static final class LineSink extends java.io.OutputStream {
        private final java.util.function.Consumer<String> target;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        LineSink(java.util.function.Consumer<String> target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                target.accept(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
                buf.reset();
            } else {
                buf.write(b);
            }
        }

        @Override
        public synchronized void flush() {
            // lines are handed on whole
        }
    }

    /** Clears the live block and stops redrawing it until {@link #resume()}. */
    synchronized void suspend() {
        clearBlock();
        suspended = true;
        out.flush();
    }

    /** Draws the live block again. */
    synchronized void resume() {
        suspended = false;
    }

    /** Stops the display and clears its block. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        synchronized (this) {
            clearBlock();
            closed = true;
            out.flush();
        }
    }

    private void log(String line) {
        if (live) {
            clearBlock();
            out.println(line);
            drawBlock();
        } else {
            out.println(paint(DIM, "[" + TIME.format(LocalTime.now()) + "]") + " " + line);
        }
        out.flush();
    }

    private synchronized void redraw() {
        if (closed || suspended) {
            return;
        }
        clearBlock();
        drawBlock();
        out.flush();
    }

    private void clearBlock() {
        if (drawnLines > 0) {
            out.print("\r\033[" + drawnLines + "A\033[J");
            drawnLines = 0;
        }
    }

    private void drawBlock() {
        if (!live || suspended || closed) {
            return;
        }
        List<String> lines = block(Instant.now());
        for (String l : lines) {
            out.print(fit(l));
            out.print("\n");
        }
        drawnLines = lines.size();
    }

    /** @param now the time @return the lines of the live block */
    List<String> block(Instant now) {
        List<String> lines = new ArrayList<>();
        if (total == 0 && running.isEmpty()) {
            lines.add(paint(BOLD, phase) + (currentStep != null ? ": " + currentStep : ""));
            return lines;
        }
        int done = succeeded + failed;
        double seconds = phaseStart == null
                ? 0
                : Math.max(0.001, Duration.between(phaseStart, now).toMillis() / 1000.0);
        double rate = seconds > 0 ? Math.max(0, done - settledBefore) / seconds : 0;
        String eta = rate > 0 && done < total
                ? duration(Duration.ofMillis((long) ((total - done) / rate * 1000)))
                : done >= total ? "0s" : "?";
        StringBuilder sb = new StringBuilder();
        sb.append(paint(BOLD, phase))
                .append(' ')
                .append(bar(done, total, 20))
                .append(' ')
                .append(done)
                .append('/')
                .append(total)
                .append(" done · ")
                .append(paint(GREEN, succeeded + " ok"))
                .append(" · ")
                .append(failed > 0 ? paint(RED, failed + " failed") : "0 failed")
                .append(" · ")
                .append(running.size())
                .append(" running · ")
                .append(String.format(Locale.ROOT, "%.2f/s", rate))
                .append(" · ETA ")
                .append(eta)
                .append(String.format(Locale.ROOT, " · $%.4f", cost));
        lines.add(sb.toString());
        int shown = 0;
        for (Map.Entry<String, Running> r : running.entrySet()) {
            if (shown == MAX_AGENT_LINES) {
                lines.add(paint(DIM, "  … and " + (running.size() - shown) + " more"));
                break;
            }
            Running a = r.getValue();
            lines.add("  " + a.label + " " + paint(DIM, duration(Duration.between(a.since, now))) + "  "
                    + (a.step != null ? a.step : "starting")
                    + (a.activity != null ? paint(DIM, " · " + oneLine(a.activity)) : ""));
            shown++;
        }
        return lines;
    }

    private static String bar(int done, int total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.round((double) done / total * width);
        return "[" + "#".repeat(Math.min(width, filled)) + "-".repeat(Math.max(0, width - filled)) + "]";
    }

    private String fit(String line) {
        // cut to the terminal width, counting only visible characters, so a line never wraps
        if (!live) {
            return line;
        }
        StringBuilder sb = new StringBuilder();
        int visible = 0;
        boolean cut = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\033') {
                int end = line.indexOf('m', i);
                if (end > 0) {
                    sb.append(line, i, end + 1);
                    i = end;
                    continue;
                }
            }
            if (visible >= width - 1) {
                cut = true;
                continue;
            }
            sb.append(c);
            visible++;
        }
        if (cut && color) {
            sb.append(RESET);
        }
        return sb.toString();
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 200 ? t.substring(0, 199) + "…" : t;
    }

    /** @param d a duration, or null @return it for people: 850ms, 12.3s, 4m05s, 1h02m */
    static String duration(Duration d) {
        if (d == null) {
            return "-";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
