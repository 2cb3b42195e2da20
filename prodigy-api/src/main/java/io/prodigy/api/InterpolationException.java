package io.prodigy.api;

/**
 * A {@code ${...}} placeholder could not be resolved: the variable is undefined and no default was given,
 * or the placeholder is malformed. The message names the variable, the step, and the variables that
 * were available.
 *
 * @since 0.1
 */
public class InterpolationException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    /** The variable that could not be resolved. */
    private final String variable;

    /**
     * @param variable the variable name or placeholder text that failed
     * @param message a message naming the variable and where it was used
     */
    public InterpolationException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    /** @return the variable name (or placeholder text) that could not be resolved */
    public String variable() {
        return variable;
    }
}
