package io.prodigy.testkit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gate scripted agents wait at ({@link AgentReply#blockingOn(Gate)}) until the test {@link #open() opens} it, to
 * hold agents in flight while the test looks at the run (its concurrency, a cancellation, a crash). Once open it
 * stays open. Thread-safe.
 */
public final class Gate {
    private final CountDownLatch open = new CountDownLatch(1);

    private Gate() {}

    /** @return a closed gate */
    public static Gate closed() {
        return new Gate();
    }

    /** Opens the gate: every waiting agent goes on, and later ones do not wait. */
    public void open() {
        open.countDown();
    }

    /** @return whether the gate is open */
    public boolean isOpen() {
        return open.getCount() == 0;
    }

    /**
     * Waits until the gate opens.
     *
     * @param limit how long to wait at most, or null for no limit
     * @return whether it opened within the limit
     * @throws InterruptedException if interrupted while waiting
     */
    boolean await(Duration limit) throws InterruptedException {
        if (limit == null) {
            open.await();
            return true;
        }
        return open.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
}
