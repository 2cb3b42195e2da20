package io.prodigy.api.spi;

import io.prodigy.api.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The header of a run's durable state.
 *
 * @param runId the run's id
 * @param workflowName the workflow's name
 * @param workflowHash a hash of the workflow definition, to refuse resuming a changed workflow
 * @param status the run's status
 * @param projectDirectory the user's project directory
 * @param workspace the run's workspace directory, or null before it exists
 * @param startedAt when the run started
 * @param updatedAt when the record last changed
 * @param metadata what resuming needs besides the journal, as text: the run's arguments and options, the
 *                 workflow's source file, the original branch; keys are documented by the engine
 *
 * @since 0.1
 */
public record RunRecord(String runId, String workflowName, String workflowHash, RunStatus status,
                        Path projectDirectory, @Nullable Path workspace, Instant startedAt, Instant updatedAt,
                        java.util.Map<String, String> metadata) {

    /**
     * Copies.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param workflowHash a hash of the workflow definition, to refuse resuming a changed workflow
     * @param status the run's status
     * @param projectDirectory the user's project directory
     * @param workspace the run's workspace directory, or null before it exists
     * @param startedAt when the run started
     * @param updatedAt when the record last changed
     * @param metadata what resuming needs besides the journal, as text: the run's arguments and options, the
     *        workflow's source file, the original branch; keys are documented by the engine
     */
    public RunRecord {
        metadata = metadata == null ? java.util.Map.of() : java.util.Map.copyOf(metadata);
    }

    /**
     * @param newStatus the status
     * @param at when it changed
     * @return a copy with the new status
     */
    public RunRecord withStatus(RunStatus newStatus, Instant at) {
        return new RunRecord(runId, workflowName, workflowHash, newStatus, projectDirectory, workspace, startedAt, at,
                metadata);
    }

    /**
     * @param dir the run's workspace
     * @return a copy with it
     */
    public RunRecord withWorkspace(Path dir) {
        return new RunRecord(runId, workflowName, workflowHash, status, projectDirectory, dir, startedAt, updatedAt,
                metadata);
    }
}
