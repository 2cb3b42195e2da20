package io.prodigy.api.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
 */
public record AgentRequest(String command, Path workspace, Map<String, String> environment, Duration timeout,
                           String runId, String itemId, String stepLabel) {
    /** Copies. */
    public AgentRequest {
        environment = Map.copyOf(environment);
    }
}
