package io.prodigy.api.spi;

import java.nio.file.Path;

/**
 * What an {@link IsolationStrategy} knows about the run it isolates.
 *
 * @param runId the run's id
 * @param workflowName the workflow's name
 * @param projectDirectory the user's project directory
 * @param stateDirectory a directory private to this run, for the strategy's own files
 */
public record RunContext(String runId, String workflowName, Path projectDirectory, Path stateDirectory) {
}
