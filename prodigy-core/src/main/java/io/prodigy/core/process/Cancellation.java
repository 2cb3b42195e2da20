package io.prodigy.core.process;

import io.prodigy.core.internal.process.CancellationToken;

/**
 * A one-way signal to stop running processes. Thread-safe; once cancelled it stays cancelled. Cancelling terminates
 * the whole process tree of every {@link Processes#run(ProcessCommand, Cancellation) run} it was given to (SIGTERM
 * to every member, the command's grace period, then SIGKILL to the survivors); a run given an already cancelled
 * signal starts nothing. One signal may be shared by many runs to stop them all.
 */
public final class Cancellation {
    private final CancellationToken token = new CancellationToken();

    /** Creates a signal that is not cancelled. */
    public Cancellation() {}

    /** Cancels: the runs in progress with this signal terminate their process trees. Later calls do nothing. */
    public void cancel() {
        token.cancel();
    }

    /** @return whether {@link #cancel()} has been called */
    public boolean isCancelled() {
        return token.isCancelled();
    }

    CancellationToken token() {
        return token;
    }

    @Override
    public String toString() {
        return isCancelled() ? "Cancellation[cancelled]" : "Cancellation[active]";
    }
}
