package io.prodigy.api.spi;

import io.prodigy.api.ItemError;
import io.prodigy.api.WorkflowDefinitionException;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one attempt at a map item.
 *
 * @param workspace the item's workspace holding its work, to integrate on success and release afterwards, or null
 *                  if none was made
 * @param baseRevision the revision the item's work started from (its commits are those since it), or null to use
 *                     the workspace's head when it was acquired
 * @param error why the attempt failed, or null on success
 * @param output the last step's output
 * @param costUsd what the agents cost, or null if unknown
 * @param tokens tokens used
 * @param log the agent's transcript path or log, or null
 * @param dispatches how many times the executor had to start the attempt (more than 1 when a worker died and another
 *                   finished it); at least 1
 *
 * @since 0.1
 */
public record MapAttemptOutcome(
        @Nullable Workspace workspace,
        @Nullable String baseRevision,
        @Nullable ItemError error,
        String output,
        @Nullable Double costUsd,
        TokenUsage tokens,
        @Nullable String log,
        int dispatches) {
    /**
     * Applies defaults.
     *
     * @param workspace the item's workspace holding its work, to integrate on success and release afterwards, or null
     *        if none was made
     * @param baseRevision the revision the item's work started from (its commits are those since it), or null to use
     *        the workspace's head when it was acquired
     * @param error why the attempt failed, or null on success
     * @param output the last step's output
     * @param costUsd what the agents cost, or null if unknown
     * @param tokens tokens used
     * @param log the agent's transcript path or log, or null
     * @param dispatches how many times the executor had to start the attempt (more than 1 when a worker died and
     *        another finished it); at least 1
     */
    public MapAttemptOutcome {
        output = output == null ? "" : output;
        tokens = tokens == null ? TokenUsage.NONE : tokens;
        dispatches = Math.max(1, dispatches);
    }

    /**
     * @param workspace the item's workspace holding its work
     * @param output the last step's output
     * @return a successful attempt, dispatched once, of unknown cost
     */
    public static MapAttemptOutcome succeeded(Workspace workspace, String output) {
        return new MapAttemptOutcome(
                WorkflowDefinitionException.requireNonNull(workspace, "workspace"),
                null,
                null,
                WorkflowDefinitionException.requireNonNull(output, "output"),
                null,
                TokenUsage.NONE,
                null,
                1);
    }

    /**
     * @param workspace the item's workspace, or null if none was made
     * @param error why the attempt failed
     * @return a failed attempt, dispatched once, of unknown cost
     */
    public static MapAttemptOutcome failed(@Nullable Workspace workspace, ItemError error) {
        return new MapAttemptOutcome(
                workspace,
                null,
                WorkflowDefinitionException.requireNonNull(error, "error"),
                "",
                null,
                TokenUsage.NONE,
                null,
                1);
    }

    /**
     * Starts an outcome: a success with no workspace, no output, no cost, dispatched once.
     *
     * @return a builder
     */
    public static Builder builder() {
        Builder b = new Builder();
        return b;
    }

    /**
     * @return a builder initialised with this map attempt outcome
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.workspace = workspace;
        b.baseRevision = baseRevision;
        b.error = error;
        b.output = output;
        b.costUsd = costUsd;
        b.tokens = tokens;
        b.log = log;
        b.dispatches = dispatches;
        return b;
    }

    /**
     * Builds {@link MapAttemptOutcome}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private @Nullable Workspace workspace;
        private @Nullable String baseRevision;
        private @Nullable ItemError error;
        private String output = "";
        private @Nullable Double costUsd;
        private TokenUsage tokens = TokenUsage.NONE;
        private @Nullable String log;
        private int dispatches = 1;

        private Builder() {}

        /**
         * @param workspace the item's workspace holding its work, or null if none was made
         * @return this
         */
        public Builder workspace(@Nullable Workspace workspace) {
            this.workspace = workspace;
            return this;
        }

        /**
         * @param baseRevision the revision the item's work started from, or null for the workspace's head when acquired
         * @return this
         */
        public Builder baseRevision(@Nullable String baseRevision) {
            this.baseRevision = baseRevision;
            return this;
        }

        /**
         * @param error why the attempt failed, or null on success
         * @return this
         */
        public Builder error(@Nullable ItemError error) {
            this.error = error;
            return this;
        }

        /**
         * @param output the last step's output (default empty)
         * @return this
         */
        public Builder output(String output) {
            this.output = WorkflowDefinitionException.requireNonNull(output, "output");
            return this;
        }

        /**
         * @param costUsd what the agents cost, or null if unknown
         * @return this
         */
        public Builder costUsd(@Nullable Double costUsd) {
            this.costUsd = costUsd;
            return this;
        }

        /**
         * @param tokens tokens used
         * @return this
         */
        public Builder tokens(TokenUsage tokens) {
            this.tokens = WorkflowDefinitionException.requireNonNull(tokens, "tokens");
            return this;
        }

        /**
         * @param log the agent's transcript path or log, or null
         * @return this
         */
        public Builder log(@Nullable String log) {
            this.log = log;
            return this;
        }

        /**
         * @param dispatches how many times the executor had to start the attempt (default 1)
         * @return this
         */
        public Builder dispatches(int dispatches) {
            this.dispatches = dispatches;
            return this;
        }

        /**
         * @return the map attempt outcome
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public MapAttemptOutcome build() {
            return new MapAttemptOutcome(workspace, baseRevision, error, output, costUsd, tokens, log, dispatches);
        }
    }
}
