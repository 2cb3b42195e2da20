package io.prodigy.api.spi;

import io.prodigy.api.RunStatus;
import io.prodigy.api.WorkflowDefinitionException;
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
public record RunRecord(
        String runId,
        String workflowName,
        String workflowHash,
        RunStatus status,
        Path projectDirectory,
        @Nullable Path workspace,
        Instant startedAt,
        Instant updatedAt,
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
        return new RunRecord(
                runId, workflowName, workflowHash, newStatus, projectDirectory, workspace, startedAt, at, metadata);
    }

    /**
     * @param dir the run's workspace
     * @return a copy with it
     */
    public RunRecord withWorkspace(Path dir) {
        return new RunRecord(
                runId, workflowName, workflowHash, status, projectDirectory, dir, startedAt, updatedAt, metadata);
    }

    /**
     * Starts the record of a running run, last changed when it started, with no workspace yet.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param projectDirectory the user's project directory
     * @param startedAt when the run started
     * @return a builder
     */
    public static Builder builder(String runId, String workflowName, Path projectDirectory, Instant startedAt) {
        Builder b = new Builder();
        b.runId = WorkflowDefinitionException.requireNonNull(runId, "runId");
        b.workflowName = WorkflowDefinitionException.requireNonNull(workflowName, "workflowName");
        b.projectDirectory = WorkflowDefinitionException.requireNonNull(projectDirectory, "projectDirectory");
        b.startedAt = WorkflowDefinitionException.requireNonNull(startedAt, "startedAt");
        return b;
    }

    /**
     * @return a builder initialised with this run record
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.runId = runId;
        b.workflowName = workflowName;
        b.workflowHash = workflowHash;
        b.status = status;
        b.projectDirectory = projectDirectory;
        b.workspace = workspace;
        b.startedAt = startedAt;
        b.updatedAt = updatedAt;
        b.metadata = metadata;
        return b;
    }

    /**
     * Builds {@link RunRecord}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String runId;
        private String workflowName;
        private String workflowHash = "";
        private RunStatus status = RunStatus.RUNNING;
        private Path projectDirectory;
        private @Nullable Path workspace;
        private Instant startedAt;
        private @Nullable Instant updatedAt;
        private java.util.Map<String, String> metadata = java.util.Map.of();

        private Builder() {}

        /**
         * @param workflowHash a hash of the workflow definition (default empty)
         * @return this
         */
        public Builder workflowHash(String workflowHash) {
            this.workflowHash = WorkflowDefinitionException.requireNonNull(workflowHash, "workflowHash");
            return this;
        }

        /**
         * @param status the run's status (default {@link RunStatus#RUNNING})
         * @return this
         */
        public Builder status(RunStatus status) {
            this.status = WorkflowDefinitionException.requireNonNull(status, "status");
            return this;
        }

        /**
         * @param workspace the run's workspace directory, or null before it exists
         * @return this
         */
        public Builder workspace(@Nullable Path workspace) {
            this.workspace = workspace;
            return this;
        }

        /**
         * @param updatedAt when the record last changed (default: when the run started)
         * @return this
         */
        public Builder updatedAt(Instant updatedAt) {
            this.updatedAt = WorkflowDefinitionException.requireNonNull(updatedAt, "updatedAt");
            return this;
        }

        /**
         * @param metadata what resuming needs besides the journal (default none)
         * @return this
         */
        public Builder metadata(java.util.Map<String, String> metadata) {
            this.metadata = WorkflowDefinitionException.requireNonNull(metadata, "metadata");
            return this;
        }

        /**
         * @return the run record
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public RunRecord build() {
            return new RunRecord(
                    runId,
                    workflowName,
                    workflowHash,
                    status,
                    projectDirectory,
                    workspace,
                    startedAt,
                    updatedAt == null ? startedAt : updatedAt,
                    metadata);
        }
    }
}
