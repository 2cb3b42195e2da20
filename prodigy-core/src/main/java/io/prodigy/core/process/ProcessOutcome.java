package io.prodigy.core.process;

import java.time.Duration;
import java.util.Objects;

/**
 * How a process ended and what it wrote.
 *
 * @param exitCode the exit status; for a death by signal 128 + the signal number, as shells report it (143 for
 *                 SIGTERM, 137 for SIGKILL); -1 if unknown (cancelled before it started)
 * @param stdout the captured standard output, UTF-8 with malformed bytes replaced, possibly cut in the middle (see
 *               {@link ProcessCommand.Builder#maxCapturedBytes(long)})
 * @param stderr the captured standard error, same rules
 * @param duration from just before the start until the output was drained
 * @param timedOut whether the tree was terminated because the command's timeout passed
 * @param cancelled whether the tree was terminated (or never started) because of a {@link Cancellation}
 */
public record ProcessOutcome(
        int exitCode, String stdout, String stderr, Duration duration, boolean timedOut, boolean cancelled) {

    /**
     * Checks that the texts and the duration are present.
     *
     * @throws NullPointerException naming the missing component
     */
    public ProcessOutcome {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** @return whether the process exited with status 0 on its own (not timed out, not cancelled) */
    public boolean success() {
        return exitCode == 0 && !timedOut && !cancelled;
    }

    /** Describes the outcome without the (possibly huge, possibly secret) output. */
    @Override
    public String toString() {
        return "ProcessOutcome[exitCode=" + exitCode + ", duration=" + duration + ", timedOut=" + timedOut
                + ", cancelled=" + cancelled + ", stdout=" + stdout.length() + " chars, stderr=" + stderr.length()
                + " chars]";
    }
}
