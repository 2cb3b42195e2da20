package io.prodigy.api.spi;

import io.prodigy.api.WorkflowDefinitionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One agent invocation.
 *
 * @param command the interpolated command, e.g. {@code /fix src/a.rs}
 * @param workspace the directory the agent works in
 * @param environment extra environment variables for the agent process (the workflow's env, the step's env,
 *                    and {@code PRODIGY_*} variables); the runner adds them to its own environment
 * @param timeout the time limit, or null for none
 * @param runId the run's id
 * @param itemId the MapReduce item's id, or null outside the map phase
 * @param stepLabel the step's label, for logs
 * @param stateDirectory a directory private to the run where the runner may keep transcripts and logs, or null for
 *                       none (the runner keeps no files)
 * @param activity receives what the agent does while it runs; never null; thread-safe
 * @since 0.1
 */
public record AgentRequest(
        String command,
        Path workspace,
        Map<String, String> environment,
        @Nullable Duration timeout,
        String runId,
        @Nullable String itemId,
        String stepLabel,
        @Nullable Path stateDirectory,
        Consumer<AgentActivity> activity) {
    /**
     * Copies and applies defaults.
     *
     * @param command the interpolated command, e.g. {@code /fix src/a.rs}
     * @param workspace the directory the agent works in
     * @param environment extra environment variables for the agent process (the workflow's env, the step's env,
     *        and {@code PRODIGY_*} variables); the runner adds them to its own environment
     * @param timeout the time limit, or null for none
     * @param runId the run's id
     * @param itemId the MapReduce item's id, or null outside the map phase
     * @param stepLabel the step's label, for logs
     * @param stateDirectory a directory private to the run where the runner may keep transcripts and logs, or null
     *        for none (the runner keeps no files)
     * @param activity receives what the agent does while it runs; never null; thread-safe
     */
    public AgentRequest {
        environment = Map.copyOf(environment);
        activity = activity == null ? a -> {} : activity;
    }

    /**
     * A request with no state directory and no activity listener, for tests and simple hosts.
     *
     * @param command the command
     * @param workspace the directory
     * @param environment extra environment variables
     * @param timeout the time limit, or null
     * @return the request
     */
    public static AgentRequest of(
            String command, Path workspace, Map<String, String> environment, @Nullable Duration timeout) {
        WorkflowDefinitionException.requireNonNull(command, "command");
        WorkflowDefinitionException.requireNonNull(workspace, "workspace");
        WorkflowDefinitionException.requireNonNull(environment, "environment");
        return new AgentRequest(
                command,
                workspace,
                environment,
                timeout,
                "adhoc",
                null,
                command,
                workspace.resolve(".prodigy-agent"),
                null);
    }

    /**
     * Starts a request; see {@link Builder} for the defaults.
     *
     * @param command the interpolated command
     * @param workspace the directory the agent works in
     * @return a builder
     */
    public static Builder builder(String command, Path workspace) {
        Builder b = new Builder();
        b.command = WorkflowDefinitionException.requireNonNull(command, "command");
        b.workspace = WorkflowDefinitionException.requireNonNull(workspace, "workspace");
        b.stepLabel = command;
        b.stateDirectory = workspace.resolve(".prodigy-agent");
        return b;
    }

    /**
     * @return a builder initialised with this agent request
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.command = command;
        b.workspace = workspace;
        b.environment = environment;
        b.timeout = timeout;
        b.runId = runId;
        b.itemId = itemId;
        b.stepLabel = stepLabel;
        b.stateDirectory = stateDirectory;
        b.activity = activity;
        return b;
    }

    /**
     * Builds an {@link AgentRequest}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String command;
        private Path workspace;
        private Map<String, String> environment = Map.of();
        private @Nullable Duration timeout;
        private String runId = "adhoc";
        private @Nullable String itemId;
        private String stepLabel;
        private @Nullable Path stateDirectory;
        private Consumer<AgentActivity> activity = a -> {};

        private Builder() {}

        /**
         * @param environment extra environment variables for the agent process (default none)
         * @return this
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = WorkflowDefinitionException.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * @param timeout the time limit, or null for none
         * @return this
         */
        public Builder timeout(@Nullable Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * @param runId the run's id (default {@code adhoc})
         * @return this
         */
        public Builder runId(String runId) {
            this.runId = WorkflowDefinitionException.requireNonNull(runId, "runId");
            return this;
        }

        /**
         * @param itemId the MapReduce item's id, or null outside the map phase
         * @return this
         */
        public Builder itemId(@Nullable String itemId) {
            this.itemId = itemId;
            return this;
        }

        /**
         * @param stepLabel the step's label, for logs (default: the command)
         * @return this
         */
        public Builder stepLabel(String stepLabel) {
            this.stepLabel = WorkflowDefinitionException.requireNonNull(stepLabel, "stepLabel");
            return this;
        }

        /**
         * @param stateDirectory a directory private to the run for transcripts and logs (default:
         *                       {@code .prodigy-agent} in the workspace), or null for none
         * @return this
         */
        public Builder stateDirectory(@Nullable Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /**
         * @param activity receives what the agent does while it runs; thread-safe (default: ignored)
         * @return this
         */
        public Builder activity(Consumer<AgentActivity> activity) {
            this.activity = WorkflowDefinitionException.requireNonNull(activity, "activity");
            return this;
        }

        /**
         * @return the agent request
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public AgentRequest build() {
            return new AgentRequest(
                    command, workspace, environment, timeout, runId, itemId, stepLabel, stateDirectory, activity);
        }
    }
}
