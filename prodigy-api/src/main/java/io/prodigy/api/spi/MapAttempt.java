package io.prodigy.api.spi;

import java.util.Objects;
import java.time.Duration;
import java.util.Map;
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
public record MapAttempt(String runId, String workflowName, String workflowHash, int stageIndex, String itemId,
                         int itemIndex, String itemJson, int attempt, Map<String, String> variables,
                         Map<String, String> environment, @Nullable Duration agentTimeout) {
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
}
