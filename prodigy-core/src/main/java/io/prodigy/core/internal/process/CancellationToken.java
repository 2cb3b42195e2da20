package io.prodigy.core.internal.process;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-way cancellation signal shared between whoever decides to stop work and the work itself.
 * Thread-safe. Once cancelled, a token stays cancelled.
 *
 * <p>Passing a token to {@link ProcessRunner#run(ProcessSpec, CancellationToken)} and cancelling it
 * terminates the running process tree; one token may be shared by many runs to cancel them all.
 */
public final class CancellationToken {
    private static final Logger log = LoggerFactory.getLogger(CancellationToken.class);

    private final Object lock = new Object();
    private volatile boolean cancelled;
    // guarded by lock; identity set of registrations, in registration order
    private final Set<Registration> registrations = new LinkedHashSet<>();

    /** Creates a token that is not cancelled. */
    public CancellationToken() {}

    /**
     * Cancels the token. The first call runs every registered callback once, on the calling thread,
     * in registration order; later calls do nothing. A callback that throws is logged and does not
     * stop the others.
     */
    public void cancel() {
        List<Registration> toRun;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = new ArrayList<>(registrations);
            registrations.clear();
        }
        for (Registration registration : toRun) {
            registration.invoke();
        }
    }

    /** @return whether {@link #cancel()} has been called */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Registers a callback to run once when the token is cancelled. If it is already cancelled, the
     * callback runs right away on the calling thread. Callbacks must be fast and must not block: they
     * run on the thread that cancels.
     *
     * @param callback what to run on cancellation
     * @return a registration whose {@link Registration#remove()} unregisters the callback
     */
    public Registration onCancel(Runnable callback) {
        Registration registration = new Registration(Objects.requireNonNull(callback, "callback"));
        synchronized (lock) {
            if (!cancelled) {
                registrations.add(registration);
                return registration;
            }
        }
        registration.invoke();
        return registration;
    }

    @Override
    public String toString() {
        return cancelled ? "CancellationToken[cancelled]" : "CancellationToken[active]";
    }

    /**
     * A callback registered with {@link #onCancel(Runnable)}. Closing it is the same as removing it,
     * so it fits try-with-resources.
     */
    public final class Registration implements AutoCloseable {
        private final Runnable callback;

        private Registration(Runnable callback) {
            this.callback = callback;
        }

        /** Unregisters the callback; it will not run on a later cancellation. Idempotent. */
        public void remove() {
            synchronized (lock) {
                registrations.remove(this);
            }
        }

        /** Same as {@link #remove()}. */
        @Override
        public void close() {
            remove();
        }

        private void invoke() {
            try {
                callback.run();
            } catch (RuntimeException e) {
                log.warn("A cancellation callback failed; the other callbacks still ran", e);
            }
        }
    }
}
