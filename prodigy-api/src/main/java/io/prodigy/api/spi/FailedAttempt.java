package io.prodigy.api.spi;

import io.prodigy.api.ErrorKind;
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
public record FailedAttempt(int attempt, Instant at, ErrorKind errorKind, String message, @Nullable Integer exitCode,
                            @Nullable String step, @Nullable String logLocation) {
}
