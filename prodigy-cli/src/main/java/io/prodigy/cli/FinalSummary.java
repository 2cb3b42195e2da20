package io.prodigy.cli;

import static io.prodigy.cli.ProgressDisplay.BOLD;
import static io.prodigy.cli.ProgressDisplay.DIM;
import static io.prodigy.cli.ProgressDisplay.GREEN;
import static io.prodigy.cli.ProgressDisplay.RED;
import static io.prodigy.cli.ProgressDisplay.RESET;
import static io.prodigy.cli.ProgressDisplay.YELLOW;
import static io.prodigy.cli.ProgressDisplay.duration;

import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunSummary;
import io.prodigy.core.ItemLabels;
import io.prodigy.core.RunLogs;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run summary: a table of items (id, label, status, attempts, duration, cost), the end of each failed
 * item's step log, totals, throughput and parallel efficiency, and what the setup and reduce phases printed.
 *
 * @param phaseOutput what the setup and reduce phases printed, by phase
 * @param logs the run's step logs
 * @param color whether to use colours
 */
record FinalSummary(Map<String, String> phaseOutput, RunLogs logs, boolean color) {
    private static final int TABLE_LIMIT = 30;
    private static final int FAILED_ITEMS_SHOWN = 5;
    private static final int FAILED_LOG_LINES = 8;
    private static final int PHASE_OUTPUT_LINES = 40;

    /**
     * Prints the summary.
     *
     * @param r the result
     * @param out where to print
     */
    void print(RunResult r, PrintStream out) {
        String statusText = r.status().name();
        String c = switch (r.status()) {
            case SUCCEEDED -> GREEN;
            case COMPLETED_WITH_FAILURES, PAUSED, CANCELLED -> YELLOW;
            default -> RED;
        };
        out.println();
        out.println(paint(BOLD, "Run " + r.runId() + " (" + r.workflowName() + "): ") + paint(c, statusText) + " in "
                + duration(r.duration()));
        List<ItemResult> items = r.items();
        if (!items.isEmpty()) {
            table(r, items, out);
        }
        failedLogs(r, items, out);
        RunSummary s = r.summary();
        if (s.total() > 0) {
            out.printf(
                    Locale.ROOT,
                    "Items: %d total · %d succeeded · %d failed (%d in the DLQ) · %d not run%n",
                    s.total(),
                    s.succeeded(),
                    s.failed(),
                    s.deadLettered(),
                    s.notRun());
            out.printf(
                    Locale.ROOT,
                    "Map: %s wall · %.2f items/s · %s per item on average · parallel efficiency "
                            + "%.0f%% (sum of item durations / (wall × max parallel))%n",
                    duration(s.mapDuration()),
                    s.throughputPerSecond(),
                    duration(s.averageItemDuration()),
                    s.parallelEfficiency() * 100);
        }
        if (s.costUsd() != null) {
            out.printf(
                    Locale.ROOT,
                    "Cost: $%.4f%s%n",
                    s.costUsd(),
                    s.tokens() != null
                            ? " · tokens: " + s.tokens().inputTokens() + " in, "
                                    + s.tokens().outputTokens() + " out, "
                                    + s.tokens().cacheReadTokens() + " cache read, "
                                    + s.tokens().cacheCreationTokens()
                                    + " cache write"
                            : "");
        }
        for (Map.Entry<String, String> p : phaseOutput.entrySet()) {
            List<String> lines = p.getValue().strip().lines().toList();
            out.println(paint(BOLD, "Output of " + p.getKey() + ":"));
            if (lines.size() > PHASE_OUTPUT_LINES) {
                out.println(paint(
                        DIM,
                        "  … " + (lines.size() - PHASE_OUTPUT_LINES) + " line(s) before; all of it: " + "prodigy logs "
                                + r.runId() + " " + p.getKey()));
            }
            lines.subList(Math.max(0, lines.size() - PHASE_OUTPUT_LINES), lines.size())
                    .forEach(l -> out.println("  " + l));
        }
        if (r.failure() != null) {
            out.println(paint(RED, "Failure: " + r.failure()));
        }
        out.flush();
    }

    private void table(RunResult r, List<ItemResult> items, PrintStream out) {
        boolean showLabels = items.stream().anyMatch(i -> !label(i).equals(i.itemId()));
        int idWidth = Math.min(
                40,
                Math.max(
                        4,
                        items.stream().mapToInt(i -> i.itemId().length()).max().orElse(4)));
        int labelWidth = !showLabels
                ? 0
                : Math.min(
                        48,
                        Math.max(
                                5,
                                items.stream()
                                        .mapToInt(i -> label(i).length())
                                        .max()
                                        .orElse(5)));
        String format =
                "  %-" + idWidth + "s  " + (showLabels ? "%-" + labelWidth + "s  " : "%s") + "%-10s %8s %10s %10s%n";
        out.printf(Locale.ROOT, format, "ITEM", showLabels ? "LABEL" : "", "STATUS", "ATTEMPTS", "DURATION", "COST");
        for (int i = 0; i < items.size() && i < TABLE_LIMIT; i++) {
            ItemResult it = items.get(i);
            String status = it.status().name();
            out.printf(
                    Locale.ROOT,
                    format,
                    cut(it.itemId(), idWidth),
                    showLabels ? cut(label(it), labelWidth) : "",
                    status.length() > 10 ? status.substring(0, 10) : status,
                    it.attempts(),
                    duration(it.duration()),
                    it.costUsd() != null ? String.format(Locale.ROOT, "$%.4f", it.costUsd()) : "-");
        }
        if (items.size() > TABLE_LIMIT) {
            out.println("  … " + (items.size() - TABLE_LIMIT) + " more (prodigy status " + r.runId() + ")");
        }
    }

    private void failedLogs(RunResult r, List<ItemResult> items, PrintStream out) {
        List<ItemResult> failed = items.stream()
                .filter(i -> i.status() != ItemStatus.SUCCEEDED && i.status() != ItemStatus.CANCELLED)
                .toList();
        int shown = 0;
        for (ItemResult it : failed) {
            if (shown == FAILED_ITEMS_SHOWN) {
                out.println(paint(DIM, "  … " + (failed.size() - shown) + " more failed item(s): prodigy dlq list"));
                break;
            }
            List<String> tail;
            try {
                tail = logs.tail(it.itemId(), FAILED_LOG_LINES);
            } catch (UncheckedIOException e) {
                tail = List.of();
            }
            String name = label(it).equals(it.itemId()) ? it.itemId() : label(it) + " (" + it.itemId() + ")";
            out.println(paint(RED, "Failed: " + name)
                    + (it.error() != null
                            ? ": " + it.error().kind() + ": "
                                    + ProgressDisplay.oneLine(it.error().message())
                            : ""));
            tail.forEach(l -> out.println(paint(DIM, "  | " + l)));
            if (!tail.isEmpty()) {
                out.println(paint(DIM, "  (all of it: prodigy logs " + r.runId() + " " + it.itemId() + ")"));
            }
            shown++;
        }
    }

    private static String label(ItemResult it) {
        return ItemLabels.of(it.itemId(), it.itemJson());
    }

    private static String cut(String s, int n) {
        return s.length() > n ? s.substring(0, n - 1) + "…" : s;
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
