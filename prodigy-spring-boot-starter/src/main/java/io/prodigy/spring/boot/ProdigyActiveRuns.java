package io.prodigy.spring.boot;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs of the auto-configured engine going on now (a run listener). When the application context closes, the
 * engine's stores are closed only once these runs have ended or the shutdown grace has passed, so that runs stopped
 * by a JVM shutdown ({@code prodigy.handle-signals}) can still record themselves resumable.
 */
public final class ProdigyActiveRuns implements RunListener {
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();

    /** Creates an empty set. */
    public ProdigyActiveRuns() {}

    @Override
    public void onEvent(RunEvent event) {
        if (event instanceof RunEvent.RunStarted) {
            running.add(event.runId());
        } else if (event instanceof RunEvent.RunFinished) {
            running.remove(event.runId());
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** @return the ids of the runs going on now, sorted */
    public Set<String> runIds() {
        return new TreeSet<>(running);
    }

    /**
     * Waits until no run is going on.
     *
     * @param timeout the longest wait
     * @return whether every run had ended
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
        }
        return true;
    }
}
