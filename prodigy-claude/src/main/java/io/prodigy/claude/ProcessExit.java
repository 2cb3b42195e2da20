package io.prodigy.claude;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an agent process ended, handed to {@link AgentOutputParser.Decoder#finish(ProcessExit)}.
 *
 * <p>A decoder need not classify {@link #timedOut()} or {@link #stalledAtStartup()} itself: when the decoder saw no
 * terminal event, the runner turns either into {@link io.prodigy.api.ErrorKind#TIMEOUT}, keeping the decoder's
 * session id, output, cost and tokens. A decoder that saw the agent throttled before a timeout may classify it as
 * {@link io.prodigy.api.ErrorKind#RATE_LIMITED} or {@link io.prodigy.api.ErrorKind#OVERLOADED}, and a
 * {@code TIMEOUT} of its own may say more: the runner keeps that class and puts the timeout in front of the decoder's
 * message.
 *
 * @param exitCode the exit status; 128 + the signal number when the process was killed (143 for SIGTERM, 137 for
 *                 SIGKILL); -1 if unknown
 * @param timedOut the request's time limit passed and the process tree was terminated
 * @param stoppedAfterResult the decoder reported the terminal event but the process did not exit within the grace
 *                           period after it, so its tree was terminated (the result still counts)
 * @param stalledAtStartup the process wrote nothing to stdout within the startup timeout and its tree was terminated
 * @param stderr the end of the process's standard error, at most {@value #STDERR_TAIL_CHARS} characters
 * @param duration from the start until the output was drained
 * @param transcript the file holding the complete stdout, or null when the request has no state directory
 */
public record ProcessExit(
        int exitCode,
        boolean timedOut,
        boolean stoppedAfterResult,
        boolean stalledAtStartup,
        String stderr,
        Duration duration,
        Path transcript) {

    /** The most characters of standard error kept in {@link #stderr()}. */
    public static final int STDERR_TAIL_CHARS = 4000;

    /** Checks the values. */
    public ProcessExit {
        stderr = stderr == null ? "" : stderr;
        Objects.requireNonNull(duration, "duration");
    }

    /** @return whether the runner terminated the process tree (timeout, startup stall, or no exit after the result) */
    public boolean terminated() {
        return timedOut || stoppedAfterResult || stalledAtStartup;
    }
}
