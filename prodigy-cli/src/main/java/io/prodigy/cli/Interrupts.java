package io.prodigy.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the command that SIGINT/SIGTERM arrived while a run was going on, and holds the JVM's exit until the
 * command has printed where the run stands (the engine's own hook stops the run and saves its state).
 */
final class Interrupts {
    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();
    private static final CountDownLatch MAIN_DONE = new CountDownLatch(1);
    private static volatile Thread hook;

    private Interrupts() {}

    /** @param grace how long the hook waits for the command to finish its report */
    static synchronized void install(Duration grace) {
        if (hook != null) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    SHUTTING_DOWN.set(true);
                    try {
                        MAIN_DONE.await(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "prodigy-cli-shutdown");
        Runtime.getRuntime().addShutdownHook(t);
        hook = t;
    }

    /** @return whether the JVM is shutting down because of a signal */
    static boolean shuttingDown() {
        return SHUTTING_DOWN.get();
    }

    /** Lets the JVM exit. */
    static void mainDone() {
        MAIN_DONE.countDown();
    }
}
