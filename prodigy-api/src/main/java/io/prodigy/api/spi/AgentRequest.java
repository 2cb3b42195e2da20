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
 * @param stateDirectory a directory private to the run where the runner may keep transcripts and logs
 * @param activity receives what the agent does while it runs; never null; thread-safe
 * @since 0.1
 */
public record AgentRequest(String command, Path workspace, Map<String, String> environment, @Nullable Duration timeout,
                           String runId, @Nullable String itemId, String stepLabel, Path stateDirectory,
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
     * @param stateDirectory a directory private to the run where the runner may keep transcripts and logs
     * @param activity receives what the agent does while it runs; never null; thread-safe
     */
    public AgentRequest {
        environment = Map.copyOf(environment);
        activity = activity == null ? a -> { } : activity;
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
    public static AgentRequest of(String command, Path workspace, Map<String, String> environment, @Nullable Duration timeout) {
        WorkflowDefinitionException.requireNonNull(command, "command");
        WorkflowDefinitionException.requireNonNull(workspace, "workspace");
        WorkflowDefinitionException.requireNonNull(environment, "environment");
        return new AgentRequest(command, workspace, environment, timeout, "adhoc", null, command,
                workspace.resolve(".prodigy-agent"), null);
    }
}
