package io.prodigy.api.spi;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.WorkflowDefinitionException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one agent invocation. Build with {@link #success(String)}, {@link #failure(ErrorKind, String)}
 * or {@link #builder()}.
 *
 * @param success whether the agent did its work
 * @param output the agent's final text (bound to {@code ${claude.output}})
 * @param exitCode the process exit code, or null
 * @param errorKind the class of failure, or null on success
 * @param errorMessage what went wrong, or null on success
 * @param costUsd the cost in US dollars, or null if unknown
 * @param tokens the tokens used
 * @param duration how long it ran, or null if unknown
 * @param retryAfter when a quota resets (for {@link ErrorKind#QUOTA_EXHAUSTED}), or null
 * @param transcript a file with the full transcript, or null
 * @param sessionId the agent's session id, or null
 * @since 0.1
 */
public record AgentResult(
        boolean success,
        String output,
        @Nullable Integer exitCode,
        @Nullable ErrorKind errorKind,
        @Nullable String errorMessage,
        @Nullable Double costUsd,
        TokenUsage tokens,
        @Nullable Duration duration,
        @Nullable Instant retryAfter,
        @Nullable Path transcript,
        @Nullable String sessionId) {

    /**
     * Applies defaults.
     *
     * @param success whether the agent did its work
     * @param output the agent's final text (bound to {@code ${claude.output}})
     * @param exitCode the process exit code, or null
     * @param errorKind the class of failure, or null on success
     * @param errorMessage what went wrong, or null on success
     * @param costUsd the cost in US dollars, or null if unknown
     * @param tokens the tokens used
     * @param duration how long it ran, or null if unknown
     * @param retryAfter when a quota resets (for {@link ErrorKind#QUOTA_EXHAUSTED}), or null
     * @param transcript a file with the full transcript, or null
     * @param sessionId the agent's session id, or null
     */
    public AgentResult {
        output = output == null ? "" : output;
        tokens = tokens == null ? TokenUsage.NONE : tokens;
        if (!success && errorKind == null) {
            errorKind = ErrorKind.UNKNOWN;
        }
    }

    /**
     * @param output the agent's final text
     * @return a successful result
     */
    public static AgentResult success(String output) {
        return builder()
                .success(true)
                .output(WorkflowDefinitionException.requireNonNull(output, "output"))
                .build();
    }

    /**
     * @param kind the class of failure
     * @param message what went wrong
     * @return a failed result
     */
    public static AgentResult failure(ErrorKind kind, String message) {
        return builder()
                .success(false)
                .errorKind(WorkflowDefinitionException.requireNonNull(kind, "kind"))
                .errorMessage(WorkflowDefinitionException.requireNonNull(message, "message"))
                .build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link AgentResult}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private boolean success;
        private @Nullable String output;
        private @Nullable Integer exitCode;
        private @Nullable ErrorKind errorKind;
        private @Nullable String errorMessage;
        private @Nullable Double costUsd;
        private @Nullable TokenUsage tokens;
        private @Nullable Duration duration;
        private @Nullable Instant retryAfter;
        private @Nullable Path transcript;
        private @Nullable String sessionId;

        private Builder() {}

        /**
         * @param v whether it succeeded
         * @return this
         */
        public Builder success(boolean v) {
            success = v;
            return this;
        }

        /**
         * @param v final text
         * @return this
         */
        public Builder output(String v) {
            output = v;
            return this;
        }

        /**
         * @param v exit code
         * @return this
         */
        public Builder exitCode(Integer v) {
            exitCode = v;
            return this;
        }

        /**
         * @param v class of failure
         * @return this
         */
        public Builder errorKind(ErrorKind v) {
            errorKind = v;
            return this;
        }

        /**
         * @param v what went wrong
         * @return this
         */
        public Builder errorMessage(String v) {
            errorMessage = v;
            return this;
        }

        /**
         * @param v cost in USD
         * @return this
         */
        public Builder costUsd(Double v) {
            costUsd = v;
            return this;
        }

        /**
         * @param v tokens used
         * @return this
         */
        public Builder tokens(TokenUsage v) {
            tokens = v;
            return this;
        }

        /**
         * @param v run time
         * @return this
         */
        public Builder duration(Duration v) {
            duration = v;
            return this;
        }

        /**
         * @param v quota reset time
         * @return this
         */
        public Builder retryAfter(Instant v) {
            retryAfter = v;
            return this;
        }

        /**
         * @param v transcript file
         * @return this
         */
        public Builder transcript(Path v) {
            transcript = v;
            return this;
        }

        /**
         * @param v session id
         * @return this
         */
        public Builder sessionId(String v) {
            sessionId = v;
            return this;
        }

        /** @return the result */
        public AgentResult build() {
            return new AgentResult(
                    success,
                    output,
                    exitCode,
                    errorKind,
                    errorMessage,
                    costUsd,
                    tokens,
                    duration,
                    retryAfter,
                    transcript,
                    sessionId);
        }
    }
}
