package io.prodigy.api.spi;

import io.prodigy.api.WorkflowDefinitionException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One attempt at one map item, as the engine hands it to a {@link MapExecutor}: small values only, so that a remote
 * executor can ship it to another machine. It never holds secret values or the coordinator's process environment.
 *
 * @param runId the run's id
 * @param workflowName the workflow's name
 * @param workflowHash the fingerprint of the workflow definition (a worker refuses a different definition)
 * @param stageIndex the index of the MapReduce stage in the workflow
 * @param itemId the item's id
 * @param itemIndex the item's position in the resolved item list
 * @param itemJson the item, as JSON
 * @param attempt the attempt number, from 1
 * @param variables the stage's variables (setup captures, arguments, workflow env) as name to JSON text, without
 *                  secrets and without the coordinator's process environment
 * @param environment the workflow's process environment (its {@code env:}, arguments, {@code PRODIGY_*}), without
 *                    secrets
 * @param agentTimeout the map phase's agent timeout, or null
 * @since 0.1
 */
public record MapAttempt(
        String runId,
        String workflowName,
        String workflowHash,
        int stageIndex,
        String itemId,
        int itemIndex,
        String itemJson,
        int attempt,
        Map<String, String> variables,
        Map<String, String> environment,
        @Nullable Duration agentTimeout) {
    /**
     * Validates and copies.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param workflowHash the fingerprint of the workflow definition (a worker refuses a different definition)
     * @param stageIndex the index of the MapReduce stage in the workflow
     * @param itemId the item's id
     * @param itemIndex the item's position in the resolved item list
     * @param itemJson the item, as JSON
     * @param attempt the attempt number, from 1
     * @param variables the stage's variables (setup captures, arguments, workflow env) as name to JSON text, without
     *        secrets and without the coordinator's process environment
     * @param environment the workflow's process environment (its {@code env:}, arguments, {@code PRODIGY_*}), without
     *        secrets
     * @param agentTimeout the map phase's agent timeout, or null
     */
    public MapAttempt {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(workflowName, "workflowName");
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(itemJson, "itemJson");
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /**
     * Starts the first attempt at an item of stage 0, with no variables or environment.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param itemId the item's id
     * @param itemJson the item, as JSON
     * @return a builder
     */
    public static Builder builder(String runId, String workflowName, String itemId, String itemJson) {
        Builder b = new Builder();
        b.runId = WorkflowDefinitionException.requireNonNull(runId, "runId");
        b.workflowName = WorkflowDefinitionException.requireNonNull(workflowName, "workflowName");
        b.itemId = WorkflowDefinitionException.requireNonNull(itemId, "itemId");
        b.itemJson = WorkflowDefinitionException.requireNonNull(itemJson, "itemJson");
        return b;
    }

    /**
     * @return a builder initialised with this map attempt
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.runId = runId;
        b.workflowName = workflowName;
        b.workflowHash = workflowHash;
        b.stageIndex = stageIndex;
        b.itemId = itemId;
        b.itemIndex = itemIndex;
        b.itemJson = itemJson;
        b.attempt = attempt;
        b.variables = variables;
        b.environment = environment;
        b.agentTimeout = agentTimeout;
        return b;
    }

    /**
     * Builds {@link MapAttempt}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String runId;
        private String workflowName;
        private String workflowHash = "";
        private int stageIndex;
        private String itemId;
        private int itemIndex;
        private String itemJson;
        private int attempt = 1;
        private Map<String, String> variables = Map.of();
        private Map<String, String> environment = Map.of();
        private @Nullable Duration agentTimeout;

        private Builder() {}

        /**
         * @param workflowHash the fingerprint of the workflow definition (default empty)
         * @return this
         */
        public Builder workflowHash(String workflowHash) {
            this.workflowHash = WorkflowDefinitionException.requireNonNull(workflowHash, "workflowHash");
            return this;
        }

        /**
         * @param stageIndex the index of the MapReduce stage in the workflow (default 0)
         * @return this
         */
        public Builder stageIndex(int stageIndex) {
            this.stageIndex = stageIndex;
            return this;
        }

        /**
         * @param itemIndex the item's position in the resolved item list (default 0)
         * @return this
         */
        public Builder itemIndex(int itemIndex) {
            this.itemIndex = itemIndex;
            return this;
        }

        /**
         * @param attempt the attempt number, from 1 (default 1)
         * @return this
         */
        public Builder attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        /**
         * @param variables the stage's variables as name to JSON text, without secrets
         * @return this
         */
        public Builder variables(Map<String, String> variables) {
            this.variables = WorkflowDefinitionException.requireNonNull(variables, "variables");
            return this;
        }

        /**
         * @param environment the workflow's process environment, without secrets
         * @return this
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = WorkflowDefinitionException.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * @param agentTimeout the map phase's agent timeout, or null
         * @return this
         */
        public Builder agentTimeout(@Nullable Duration agentTimeout) {
            this.agentTimeout = agentTimeout;
            return this;
        }

        /**
         * @return the map attempt
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public MapAttempt build() {
            return new MapAttempt(
                    runId,
                    workflowName,
                    workflowHash,
                    stageIndex,
                    itemId,
                    itemIndex,
                    itemJson,
                    attempt,
                    variables,
                    environment,
                    agentTimeout);
        }
    }
}
