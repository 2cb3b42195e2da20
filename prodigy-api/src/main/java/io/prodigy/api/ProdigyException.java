package io.prodigy.api;

/**
 * The root of every exception Prodigy throws. Unchecked: callers catch it where they can act on it.
 *
 * <p>Messages are written for the person running the workflow: they say what went wrong, where, and
 * what to do about it. Subclasses carry the structured details (an expression's column, a variable's
 * name) for hosts that render errors themselves.
 *
 * @since 0.1
 */
public class ProdigyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message a user can act on.
     *
     * @param message what went wrong and what to do about it
     */
    public ProdigyException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the lower-level failure
     */
    public ProdigyException(String message, Throwable cause) {
        super(message, cause);
    }
}
