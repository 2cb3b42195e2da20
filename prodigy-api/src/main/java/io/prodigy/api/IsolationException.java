package io.prodigy.api;

/**
 * A workspace could not be created, integrated or released by an {@link io.prodigy.api.spi.IsolationStrategy}
 * (for example the directory is not a git repository, or a git command failed).
 *
 * @since 0.1
 */
public class IsolationException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and how to fix it
     */
    public IsolationException(String message) {
        super(message);
    }

    /**
     * @param message what failed and how to fix it
     * @param cause the lower-level failure
     */
    public IsolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
