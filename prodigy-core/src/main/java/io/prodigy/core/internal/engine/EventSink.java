package io.prodigy.core.internal.engine;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one run's events to the host's listeners, each isolated from the others and from the run: a listener
 * that throws is logged once, with its first exception, and when the run finishes with the number of events it
 * failed on; the other listeners and the run go on.
 */
public final class EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

    private final List<Guarded> listeners;

    /** @param listeners the host's listeners, in the order they were registered */
    public EventSink(List<RunListener> listeners) {
        List<Guarded> out = new ArrayList<>(listeners.size());
        for (int i = 0; i < listeners.size(); i++) {
            out.add(new Guarded(listeners.get(i), describe(listeners.get(i), i)));
        }
        this.listeners = List.copyOf(out);
    }

    /** @param listener the host's only listener */
    public EventSink(RunListener listener) {
        this(List.of(listener));
    }

    /** @param event the event to deliver to every listener */
    public void emit(RunEvent event) {
        for (Guarded g : listeners) {
            g.deliver(event);
        }
        if (event instanceof RunEvent.RunFinished finished) {
            for (Guarded g : listeners) {
                g.summarize(finished.runId());
            }
        }
    }

    /** @return how many events each listener failed on so far, in registration order (for tests) */
    List<Long> failureCounts() {
        return listeners.stream().map(g -> g.failures.get()).toList();
    }

    private static String describe(RunListener l, int index) {
        String type = l.getClass().getName();
        int lambda = type.indexOf("$$Lambda");
        return "run listener #" + (index + 1) + " (" + (lambda >= 0 ? type.substring(0, lambda) + " lambda" : type)
                + ")";
    }

    /** One listener with its failure count. */
    private static final class Guarded {
        private final RunListener listener;
        private final String name;
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong reported = new AtomicLong();

        Guarded(RunListener listener, String name) {
            this.listener = listener;
            this.name = name;
        }

        void deliver(RunEvent event) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException | LinkageError e) {
                if (failures.incrementAndGet() == 1) {
                    LOG.warn(
                            "{} threw on {}; the run goes on, and further failures of this listener are only "
                                    + "counted (the count is logged when the run finishes)",
                            name,
                            event.getClass().getSimpleName(),
                            e);
                }
            }
        }

        void summarize(String runId) {
            long n = failures.get();
            long before = reported.getAndSet(n);
            if (n > 1 && n != before) {
                LOG.warn(
                        "{} threw on {} event(s) of run {} in all; the first failure was logged above", name, n, runId);
            }
        }
    }
}
