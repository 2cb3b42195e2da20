package io.prodigy.api;

import org.jspecify.annotations.Nullable;

/**
 * Why an item or step failed.
 *
 * @param kind the class of failure
 * @param message a human-readable description
 * @param exitCode the exit code of the failing command, or null
 * @param step the label of the failing step, or null
 * @since 0.1
 */
public record ItemError(
        ErrorKind kind,
        String message,
        @Nullable Integer exitCode,
        @Nullable String step) {
    /**
     * Validates.
     *
     * @param kind the class of failure
     * @param message a human-readable description
     * @param exitCode the exit code of the failing command, or null
     * @param step the label of the failing step, or null
     */
    public ItemError {
        Checks.notNull(kind, "error kind");
        message = message == null ? kind.name() : message;
    }
}
