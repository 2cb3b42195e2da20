package io.prodigy.api;

import org.jspecify.annotations.Nullable;

/**
 * An {@link io.prodigy.api.spi.AgentRunner} could not run an agent at all (for example the executable is
 * missing). Failures of the agent's work itself are reported as results, not exceptions.
 *
 * @since 0.1
 */
public class AgentExecutionException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    /** Whether trying again may succeed. */
    private final boolean retryable;

    /**
     * @param message what failed and how to fix it
     * @param retryable whether trying again may succeed
     * @param cause the lower-level failure, may be null
     */
    public AgentExecutionException(String message, boolean retryable, @Nullable Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** @return whether trying again may succeed */
    public boolean retryable() {
        return retryable;
    }
}
