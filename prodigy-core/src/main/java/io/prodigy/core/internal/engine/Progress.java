package io.prodigy.core.internal.engine;

import io.prodigy.api.ProgressSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** Lock-free progress counters; {@link #snapshot()} is safe from any thread at any time. */
public final class Progress {
    private final Clock clock;
    private final Instant started;
    private volatile String phase = "starting";
    private volatile Instant mapStarted;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger notRun = new AtomicInteger();

    Progress(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    void phase(String name) {
        this.phase = name;
    }

    void mapStarted(int items) {
        total.addAndGet(items);
        if (mapStarted == null) {
            mapStarted = clock.instant();
        }
    }

    void itemStarted() {
        running.incrementAndGet();
    }

    void itemEnded(boolean success) {
        running.decrementAndGet();
        (success ? succeeded : failed).incrementAndGet();
    }

    void settled(boolean success) {
        (success ? succeeded : failed).incrementAndGet();
    }

    void itemCancelled() {
        running.decrementAndGet();
        notRun.incrementAndGet();
    }

    void notRun(int n) {
        notRun.addAndGet(n);
    }

    /** @return the current figures */
    public ProgressSnapshot snapshot() {
        Instant now = clock.instant();
        int t = total.get();
        int s = succeeded.get();
        int f = failed.get();
        int r = running.get();
        int pending = Math.max(0, t - s - f - r - notRun.get());
        double throughput = 0;
        Duration eta = null;
        Instant ms = mapStarted;
        if (ms != null) {
            double secs = Duration.between(ms, now).toNanos() / 1e9;
            if (secs > 0 && s + f > 0) {
                throughput = (s + f) / secs;
                eta = Duration.ofMillis((long) ((pending + r) / throughput * 1000));
            }
        }
        return new ProgressSnapshot(phase, t, s, f, r, pending, Duration.between(started, now), throughput, eta);
    }
}
