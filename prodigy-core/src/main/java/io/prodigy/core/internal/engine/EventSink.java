package io.prodigy.core.internal.engine;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the host's listener; a listener's failure is logged once and never reaches the run. */
public final class EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

    private final RunListener listener;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param listener the host's listener */
    public EventSink(RunListener listener) {
        this.listener = listener;
    }

    /** @param event the event to deliver */
    public void emit(RunEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException | LinkageError e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("A run listener threw {} on {}; the run goes on and further listener failures are logged "
                        + "at debug level", e, event.getClass().getSimpleName(), e);
            } else {
                LOG.debug("run listener failed on {}", event.getClass().getSimpleName(), e);
            }
        }
    }
}
