package io.prodigy.api.event;

import java.util.List;

/**
 * Receives a run's events.
 *
 * <p>Contract: called synchronously on engine threads, possibly concurrently; keep it fast and non-blocking.
 * An exception thrown by a listener is caught and logged once; it never fails or slows the run.
 */
@FunctionalInterface
public interface RunListener {

    /** A listener that ignores everything. */
    RunListener NONE = event -> { };

    /** @param event what happened */
    void onEvent(RunEvent event);

    /**
     * @param listeners listeners to call in order
     * @return one listener that calls each of them, isolating their failures from one another
     */
    static RunListener composite(List<RunListener> listeners) {
        List<RunListener> copy = List.copyOf(listeners);
        return event -> {
            for (RunListener l : copy) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    // isolation between listeners; the engine logs failures of the composite itself
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
        };
    }
}
