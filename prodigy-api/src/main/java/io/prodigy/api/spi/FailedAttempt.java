package io.prodigy.api.spi;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.WorkflowDefinitionException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One failed attempt at an item, as kept in the Dead Letter Queue.
 *
 * @param attempt the attempt number, from 1
 * @param at when it failed
 * @param errorKind the class of failure
 * @param message what went wrong
 * @param exitCode the exit code, or null
 * @param step the failing step's label, or null
 * @param logLocation a transcript or log file, or null
 * @since 0.1
 */
public record FailedAttempt(
        int attempt,
        Instant at,
        ErrorKind errorKind,
        String message,
        @Nullable Integer exitCode,
        @Nullable String step,
        @Nullable String logLocation) {

    /**
     * @param attempt the attempt number, from 1
     * @param at when it failed
     * @param errorKind the class of failure
     * @param message what went wrong
     * @return a failed attempt with no exit code, step or log
     */
    public static FailedAttempt of(int attempt, Instant at, ErrorKind errorKind, String message) {
        return new FailedAttempt(
                attempt,
                WorkflowDefinitionException.requireNonNull(at, "at"),
                WorkflowDefinitionException.requireNonNull(errorKind, "errorKind"),
                WorkflowDefinitionException.requireNonNull(message, "message"),
                null,
                null,
                null);
    }

    /**
     * @param code the exit code, or null
     * @return a copy with that exit code
     */
    public FailedAttempt withExitCode(@Nullable Integer code) {
        return new FailedAttempt(attempt, at, errorKind, message, code, step, logLocation);
    }

    /**
     * @param label the failing step's label, or null
     * @return a copy with that step
     */
    public FailedAttempt withStep(@Nullable String label) {
        return new FailedAttempt(attempt, at, errorKind, message, exitCode, label, logLocation);
    }

    /**
     * @param location a transcript or log file, or null
     * @return a copy with that log
     */
    public FailedAttempt withLogLocation(@Nullable String location) {
        return new FailedAttempt(attempt, at, errorKind, message, exitCode, step, location);
    }
}
