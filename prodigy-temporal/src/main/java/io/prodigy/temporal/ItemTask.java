package io.prodigy.temporal;

import io.prodigy.api.spi.MapAttempt;
import java.time.Duration;
import java.util.Map;

/**
 * The payload of one item attempt on Temporal: small values only, no secrets, no logs.
 *
 * @param runId the run's id
 * @param workflowName the workflow's name
 * @param workflowHash the workflow's fingerprint
 * @param workflowSource the workflow's source text for workers that rebuild it from text (YAML), or null
 * @param stageIndex the MapReduce stage's index
 * @param itemId the item's id
 * @param itemIndex the item's index
 * @param itemJson the item as JSON
 * @param attempt the engine's attempt number
 * @param variables the stage's variables as JSON text (no secrets)
 * @param environment the workflow's process environment (no secrets)
 * @param agentTimeoutMillis the agent timeout, or 0 for none
 * @param remote the shared git remote's URL
 * @param baseRef the ref on the remote holding the run's base
 * @param itemRef the ref on the remote the worker pushes the item's work to
 * @param heartbeatTimeoutMillis after how long without a heartbeat a worker counts as dead
 * @param maxDispatches how many times the item may be started on workers (dead workers) before it fails
 * @param throttleDelayMillis the wait after a throttled attempt that reported no reset time
 * @param baseCommit the commit the attempt's work starts from (the run's head when it was dispatched, published at
 *                   {@code baseRef} or an ancestor of its tip), or null for the tip of {@code baseRef} (the payloads
 *                   of earlier versions)
 */
public record ItemTask(
        String runId,
        String workflowName,
        String workflowHash,
        String workflowSource,
        int stageIndex,
        String itemId,
        int itemIndex,
        String itemJson,
        int attempt,
        Map<String, String> variables,
        Map<String, String> environment,
        long agentTimeoutMillis,
        String remote,
        String baseRef,
        String itemRef,
        long heartbeatTimeoutMillis,
        int maxDispatches,
        long throttleDelayMillis,
        String baseCommit) {

    /** Copies. */
    public ItemTask {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** @return the attempt as the engine describes it */
    public MapAttempt toAttempt() {
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
                agentTimeoutMillis <= 0 ? null : Duration.ofMillis(agentTimeoutMillis));
    }
}
