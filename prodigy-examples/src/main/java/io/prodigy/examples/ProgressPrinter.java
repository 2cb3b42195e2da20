package io.prodigy.examples;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RunListener} that prints one line per interesting event, with the time since the run started: phases,
 * the items selected, each item's start, end and merge, retries, dead letters and throttling. Listeners are called
 * from the engine's worker threads, so this one only formats and prints (PrintStream is synchronized).
 */
public final class ProgressPrinter implements RunListener {
    private final PrintStream out;
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Instant start;
    private volatile int total;

    /** @param out where the lines go */
    public ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(RunEvent event) {
        if (start == null) {
            start = Instant.now();
        }
        String line = describe(event);
        if (line != null) {
            // the time of printing, not of the event: events of parallel items arrive from several threads
            long ms = Duration.between(start, Instant.now()).toMillis();
            out.printf("[%3d.%ds] %s%n", ms / 1000, (ms % 1000) / 100, line);
        }
    }

    private String describe(RunEvent event) {
        if (event instanceof RunEvent.RunStarted e) {
            return "run " + e.runId() + " of workflow '" + e.workflowName() + "' started";
        } else if (event instanceof RunEvent.PhaseStarted e) {
            return "phase " + e.phase() + " started";
        } else if (event instanceof RunEvent.ItemsResolved e) {
            total = e.total();
            finished.set(0);
            return e.total() + " work items, up to " + e.maxParallel() + " at once";
        } else if (event instanceof RunEvent.ItemStarted e) {
            return "  " + e.itemId() + " started" + (e.attempt() > 1 ? " (attempt " + e.attempt() + ")" : "");
        } else if (event instanceof RunEvent.ItemFinished e) {
            return String.format(
                    "  %s %s in %d ms  [%d/%d done]",
                    e.itemId(),
                    e.status().name().toLowerCase(),
                    e.duration().toMillis(),
                    finished.incrementAndGet(),
                    total);
        } else if (event instanceof RunEvent.ItemIntegrated e && e.commits() > 0) {
            return "  " + e.itemId() + " merged into the run (" + e.commits() + " commit"
                    + (e.commits() == 1 ? "" : "s") + ")";
        } else if (event instanceof RunEvent.ItemFailed e) {
            return "  " + e.itemId() + " failed (" + e.errorKind() + "): " + firstLine(e.message())
                    + (e.willRetry() ? " - will retry" : "");
        } else if (event instanceof RunEvent.RetryScheduled e) {
            return "  " + e.itemId() + " retrying in " + e.delay().toMillis() + " ms: " + firstLine(e.reason());
        } else if (event instanceof RunEvent.ItemDeadLettered e) {
            return "  " + e.itemId() + " sent to the Dead Letter Queue";
        } else if (event instanceof RunEvent.Throttled e) {
            return "  throttled (" + e.errorKind() + "), running " + e.concurrency() + " at once";
        } else if (event instanceof RunEvent.PhaseFinished e) {
            return "phase " + e.phase() + (e.success() ? " done" : " FAILED") + " in "
                    + e.duration().toMillis() + " ms";
        } else if (event instanceof RunEvent.RunFinished e) {
            return "run finished: " + e.status() + " in " + e.duration().toMillis() + " ms";
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
