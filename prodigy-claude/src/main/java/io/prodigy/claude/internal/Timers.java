package io.prodigy.claude.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** One daemon thread for the runners' short timers (grace after a result, startup deadline). */
final class Timers {
    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private Timers() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "prodigy-agent-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /**
     * @param task a fast, non-blocking task
     * @param delay when to run it
     * @return the scheduled task, to cancel
     */
    static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return EXECUTOR.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
