package io.prodigy.api;

/**
 * A checkpoint, journal, event or dead-letter store could not read or write its state. The message names
 * the file (and line, for a corrupt record) when the store is file-based.
 *
 * @since 0.1
 */
public class StoreException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the file where there is one
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the file where there is one
     * @param cause the lower-level failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
