package io.prodigy.api.event;

import java.util.List;

/**
 * Receives a run's events.
 *
 * <p>Contract: called synchronously on engine threads, possibly concurrently; keep it fast and non-blocking.
 * An exception thrown by a listener is caught and logged once; it never fails or slows the run.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RunListener {

    /** A listener that ignores everything. */
    RunListener NONE = event -> {};

    /** @param event what happened */
    void onEvent(RunEvent event);

    /**
     * One listener that calls each of the given ones in order, every one of them even when an earlier one throws;
     * the first failure is then rethrown (later ones are attached to it as suppressed exceptions), so that whoever
     * delivers the event - the engine logs a failing listener once with its first exception and a count - sees it.
     * The engine itself isolates the listeners registered on its builder one by one; this is for hosts that fan
     * out to their own listeners.
     *
     * @param listeners listeners to call in order
     * @return one listener that calls each of them
     * @throws io.prodigy.api.WorkflowDefinitionException if the list or one of its listeners is null
     */
    static RunListener composite(List<RunListener> listeners) {
        io.prodigy.api.WorkflowDefinitionException.requireNonNull(listeners, "listeners");
        for (int i = 0; i < listeners.size(); i++) {
            io.prodigy.api.WorkflowDefinitionException.requireNonNull(listeners.get(i), "listeners[" + i + "]");
        }
        List<RunListener> copy = List.copyOf(listeners);
        return event -> {
            RuntimeException first = null;
            for (RunListener l : copy) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }
}
