package io.prodigy.core.internal.process;

import java.time.Duration;
import java.util.Objects;

/**
 * How a process ended and what it wrote.
 *
 * @param exitCode the exit status; for a death by signal 128 + the signal number, as shells report it
 *     (143 for SIGTERM, 137 for SIGKILL); -1 if unknown (cancelled before start, or not reaped)
 * @param stdout the captured standard output, UTF-8 with malformed bytes replaced, possibly truncated
 *     in the middle (see {@link ProcessSpec.Builder#maxCapturedBytes(long)})
 * @param stderr the captured standard error, same rules
 * @param duration from just before the start until the output was drained
 * @param timedOut whether the tree was terminated because the timeout passed
 * @param cancelled whether the tree was terminated (or never started) because of cancellation
 * @param stdoutBytes how many bytes the process wrote to stdout, kept or not
 * @param stderrBytes how many bytes the process wrote to stderr, kept or not
 */
public record ProcessResult(
        int exitCode,
        String stdout,
        String stderr,
        Duration duration,
        boolean timedOut,
        boolean cancelled,
        long stdoutBytes,
        long stderrBytes) {

    /** Checks that the texts and the duration are present. */
    public ProcessResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** @return whether the process exited with status 0 on its own (not timed out, not cancelled) */
    public boolean success() {
        return exitCode == 0 && !timedOut && !cancelled;
    }

    /** Describes the result with output sizes instead of the (possibly huge) output itself. */
    @Override
    public String toString() {
        return "ProcessResult[exitCode=" + exitCode + ", duration=" + duration + ", timedOut=" + timedOut
                + ", cancelled=" + cancelled + ", stdoutBytes=" + stdoutBytes + ", stderrBytes=" + stderrBytes + "]";
    }
}
