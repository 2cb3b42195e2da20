package io.prodigy.api.spi;

import io.prodigy.api.WorkflowDefinitionException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A failed MapReduce item in the Dead Letter Queue.
 *
 * @param runId the run it failed in
 * @param itemId the item's id
 * @param itemJson the item as JSON text
 * @param attempts every failed attempt, oldest first
 * @param workspace the preserved workspace, or null
 * @param resolved whether a later reprocessing succeeded
 * @param firstFailure when it first failed
 * @param lastFailure when it last failed
 * @since 0.1
 */
public record DlqEntry(
        String runId,
        String itemId,
        String itemJson,
        List<FailedAttempt> attempts,
        @Nullable Path workspace,
        boolean resolved,
        Instant firstFailure,
        Instant lastFailure) {
    /**
     * Copies.
     *
     * @param runId the run it failed in
     * @param itemId the item's id
     * @param itemJson the item as JSON text
     * @param attempts every failed attempt, oldest first
     * @param workspace the preserved workspace, or null
     * @param resolved whether a later reprocessing succeeded
     * @param firstFailure when it first failed
     * @param lastFailure when it last failed
     */
    public DlqEntry {
        attempts = List.copyOf(attempts);
    }

    /** @return the last attempt */
    public FailedAttempt lastAttempt() {
        return attempts.get(attempts.size() - 1);
    }

    /**
     * Starts an entry; give it at least one failed attempt.
     *
     * @param runId the run it failed in
     * @param itemId the item's id
     * @return a builder
     */
    public static Builder builder(String runId, String itemId) {
        return new Builder(
                WorkflowDefinitionException.requireNonNull(runId, "runId"),
                WorkflowDefinitionException.requireNonNull(itemId, "itemId"));
    }

    /**
     * @return a builder initialised with this entry
     */
    public Builder toBuilder() {
        Builder b = new Builder(runId, itemId);
        b.itemJson = itemJson;
        b.attempts.addAll(attempts);
        b.workspace = workspace;
        b.resolved = resolved;
        b.firstFailure = firstFailure;
        b.lastFailure = lastFailure;
        return b;
    }

    /**
     * Builds a {@link DlqEntry}. By default the item is {@code {}}, unresolved, without a workspace, and its first
     * and last failures are the times of its first and last attempts. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final String runId;
        private final String itemId;
        private String itemJson = "{}";
        private final List<FailedAttempt> attempts = new ArrayList<>();
        private @Nullable Path workspace;
        private boolean resolved;
        private @Nullable Instant firstFailure;
        private @Nullable Instant lastFailure;

        private Builder(String runId, String itemId) {
            this.runId = runId;
            this.itemId = itemId;
        }

        /**
         * @param itemJson the item as JSON text
         * @return this
         */
        public Builder itemJson(String itemJson) {
            this.itemJson = WorkflowDefinitionException.requireNonNull(itemJson, "itemJson");
            return this;
        }

        /**
         * @param attempt a failed attempt, appended after the others
         * @return this
         */
        public Builder attempt(FailedAttempt attempt) {
            attempts.add(WorkflowDefinitionException.requireNonNull(attempt, "attempt"));
            return this;
        }

        /**
         * @param attempts every failed attempt, oldest first; replaces those given before
         * @return this
         */
        public Builder attempts(List<FailedAttempt> attempts) {
            WorkflowDefinitionException.requireNonNull(attempts, "attempts");
            List<FailedAttempt> copy = new ArrayList<>(attempts.size());
            for (int i = 0; i < attempts.size(); i++) {
                copy.add(WorkflowDefinitionException.requireNonNull(attempts.get(i), "attempts[" + i + "]"));
            }
            this.attempts.clear();
            this.attempts.addAll(copy);
            return this;
        }

        /**
         * @param workspace the preserved workspace, or null
         * @return this
         */
        public Builder workspace(@Nullable Path workspace) {
            this.workspace = workspace;
            return this;
        }

        /**
         * @param resolved whether a later reprocessing succeeded
         * @return this
         */
        public Builder resolved(boolean resolved) {
            this.resolved = resolved;
            return this;
        }

        /**
         * @param firstFailure when it first failed
         * @return this
         */
        public Builder firstFailure(Instant firstFailure) {
            this.firstFailure = WorkflowDefinitionException.requireNonNull(firstFailure, "firstFailure");
            return this;
        }

        /**
         * @param lastFailure when it last failed
         * @return this
         */
        public Builder lastFailure(Instant lastFailure) {
            this.lastFailure = WorkflowDefinitionException.requireNonNull(lastFailure, "lastFailure");
            return this;
        }

        /**
         * @return the entry
         * @throws WorkflowDefinitionException if no failed attempt was given to take the first or last failure's time
         *     from
         */
        public DlqEntry build() {
            if (attempts.isEmpty() && (firstFailure == null || lastFailure == null)) {
                throw new WorkflowDefinitionException(
                        "DLQ entry of item '" + itemId + "' needs at least one failed " + "attempt");
            }
            return new DlqEntry(
                    runId,
                    itemId,
                    itemJson,
                    attempts,
                    workspace,
                    resolved,
                    firstFailure != null ? firstFailure : attempts.get(0).at(),
                    lastFailure != null
                            ? lastFailure
                            : attempts.get(attempts.size() - 1).at());
        }
    }
}
