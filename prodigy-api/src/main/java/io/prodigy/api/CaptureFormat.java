package io.prodigy.api;

/**
 * How captured standard output is turned into a variable's value.
 *
 * @since 0.1
 */
public enum CaptureFormat {
    /** The text, with one trailing newline removed. */
    STRING,
    /** Parsed as JSON; invalid JSON fails the step. */
    JSON,
    /** An array of the non-empty lines. */
    LINES,
    /** Parsed as a number; anything else fails the step. */
    NUMBER,
    /** {@code true}/{@code false} text, or else the step's success. */
    BOOLEAN
}
