package io.prodigy.api;

/**
 * A workflow, step or policy is invalid as defined: a missing required value, a value out of range,
 * or a combination that cannot run. Thrown by builders' {@code build()} methods and by loaders.
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
}
