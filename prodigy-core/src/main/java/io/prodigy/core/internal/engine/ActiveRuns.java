package io.prodigy.core.internal.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * The runs an engine instance has going on, and the JVM shutdown hook that stops them cleanly (SIGINT, SIGTERM):
 * each is cancelled, so that it records itself as CANCELLED (resumable), and the hook waits up to a grace period for
 * them to end. Thread-safe.
 */
final class ActiveRuns {
    /** By identity: a record's own hash code would hash the whole workflow (every value of a map's input list). */
    private final Set<Running> runs = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean hookInstalled = new AtomicBoolean();
    private final boolean handleSignals;
    private final Duration shutdownGrace;
    private final Runnable afterShutdown;

    /**
     * @param handleSignals whether {@link #installShutdownHook()} installs the hook at all
     * @param shutdownGrace how long the hook waits for the runs to end
     * @param afterShutdown what the hook does last (closing the engine's own stores)
     */
    ActiveRuns(boolean handleSignals, Duration shutdownGrace, Runnable afterShutdown) {
        this.handleSignals = handleSignals;
        this.shutdownGrace = shutdownGrace;
        this.afterShutdown = afterShutdown;
    }

    /** @param run a run that is starting */
    void add(RunServices run) {
        runs.add(new Running(run));
    }

    /** @param run a run that ended; wakes the shutdown hook if it waits */
    void remove(RunServices run) {
        runs.remove(new Running(run));
        synchronized (runs) {
            runs.notifyAll();
        }
    }

    /** Installs the shutdown hook, once, if signals are handled; otherwise does nothing. */
    void installShutdownHook() {
        if (!handleSignals || !hookInstalled.compareAndSet(false, true)) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "prodigy-shutdown"));
    }

    private void stopAll() {
        for (Running r : runs) {
            RunServices s = r.run();
            // to the terminal itself, not only the log: the user needs this line whatever the logging setup
            System.err.println("prodigy: interrupted; stopping run " + s.runId() + " (its running agents are "
                    + "terminated, finished work is kept). Resume it with: prodigy resume " + s.runId());
            LoggerFactory.getLogger(ActiveRuns.class).debug("shutdown: cancelling run {}", s.runId());
            s.cancel();
        }
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        while (!runs.isEmpty() && System.nanoTime() < deadline) {
            synchronized (runs) {
                try {
                    runs.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        afterShutdown.run();
    }

    /** A run as an element of {@link #runs}: equal only to itself. */
    private record Running(RunServices run) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Running other && other.run == run;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(run);
        }
    }
}
