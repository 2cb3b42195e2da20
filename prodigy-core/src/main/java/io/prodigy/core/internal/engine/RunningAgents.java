package io.prodigy.core.internal.engine;

import io.prodigy.core.internal.process.CancellationToken;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads running an agent for one run, interrupted when the run is cancelled (an agent runner is a Java
 * call, not a process the cancellation token can kill). Thread-safe.
 */
public final class RunningAgents {
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final CancellationToken cancellation;

    /** @param cancellation the run's token: cancelling it interrupts every running agent */
    RunningAgents(CancellationToken cancellation) {
        this.cancellation = cancellation;
        cancellation.onCancel(this::interruptAll);
    }

    /**
     * Records that a thread started an agent; interrupts it right away when the run is already cancelled.
     *
     * @param t the thread calling the agent runner
     */
    public void started(Thread t) {
        threads.add(t);
        if (cancellation.isCancelled()) {
            t.interrupt();
        }
    }

    /** @param t a thread whose agent call returned */
    public void ended(Thread t) {
        threads.remove(t);
    }

    private void interruptAll() {
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
