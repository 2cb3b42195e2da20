package io.prodigy.api;

/**
 * A workflow, step or policy is invalid as defined: a missing required value, a value out of range,
 * or a combination that cannot run. Thrown by builders' {@code build()} methods and by loaders.
 *
 * @since 0.1
 */
public class WorkflowDefinitionException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the definition, naming the field
     */
    public WorkflowDefinitionException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the definition, naming the field
     * @param cause the lower-level failure
     */
    public WorkflowDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The one null check of the public API: every builder, factory and entry point that takes an object uses it,
     * so that a {@code null} gets this exception naming the parameter instead of a bare NullPointerException.
     *
     * @param value the argument
     * @param parameter the parameter's name as the caller wrote it (e.g. {@code steps[2]}, {@code runner})
     * @param <T> the argument's type
     * @return the value, when it is not null
     * @throws WorkflowDefinitionException "{@code <parameter> must not be null}" when it is
     */
    public static <T> T requireNonNull(T value, String parameter) {
        if (value == null) {
            throw new WorkflowDefinitionException(parameter + " must not be null");
        }
        return value;
    }
}
