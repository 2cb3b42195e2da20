package io.prodigy.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a run: its status, per-item results of every MapReduce stage, the top-level steps of plain
 * stages and phases, the final variables, and totals.
 *
 * @param runId the run's id
 * @param workflowName the workflow's name
 * @param status how it ended
 * @param startedAt when it started
 * @param duration how long it took
 * @param items the results of every MapReduce item, in dispatch order per stage
 * @param steps the records of top-level steps outside the map phase
 * @param variables the final variables rendered as text (secrets masked); a value that is an array or object of more
 *                  than 10,000 elements (the {@code map.results} of a huge run) is left out: {@code items} holds it
 * @param summary aggregate figures
 * @param failure why the run failed, or null
 * @since 0.1
 */
public record RunResult(
        String runId,
        String workflowName,
        RunStatus status,
        Instant startedAt,
        Duration duration,
        List<ItemResult> items,
        List<StepRecord> steps,
        Map<String, String> variables,
        RunSummary summary,
        @Nullable String failure) {
    /**
     * Copies.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param status how it ended
     * @param startedAt when it started
     * @param duration how long it took
     * @param items the results of every MapReduce item, in dispatch order per stage
     * @param steps the records of top-level steps outside the map phase
     * @param variables the final variables rendered as text (secrets masked); a value that is an array or object of
     *        more than 10,000 elements (the {@code map.results} of a huge run) is left out: {@code items} holds it
     * @param summary aggregate figures
     * @param failure why the run failed, or null
     */
    public RunResult {
        items = Checks.list(items, "items");
        steps = Checks.list(steps, "steps");
        variables = Checks.map(variables, "variables");
    }

    /** @return whether the run succeeded without any failed item */
    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }

    /**
     * @param itemId an item id
     * @return that item's result, or null
     */
    public @Nullable ItemResult item(String itemId) {
        for (ItemResult r : items) {
            if (r.itemId().equals(itemId)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Starts a run result with no items, no steps, no variables and empty figures.
     *
     * @param runId the run's id
     * @param workflowName the workflow's name
     * @param status how it ended
     * @param startedAt when it started
     * @return a builder
     */
    public static Builder builder(String runId, String workflowName, RunStatus status, Instant startedAt) {
        Builder b = new Builder();
        b.runId = WorkflowDefinitionException.requireNonNull(runId, "runId");
        b.workflowName = WorkflowDefinitionException.requireNonNull(workflowName, "workflowName");
        b.status = WorkflowDefinitionException.requireNonNull(status, "status");
        b.startedAt = WorkflowDefinitionException.requireNonNull(startedAt, "startedAt");
        return b;
    }

    /**
     * @return a builder initialised with this run result
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.runId = runId;
        b.workflowName = workflowName;
        b.status = status;
        b.startedAt = startedAt;
        b.duration = duration;
        b.items = items;
        b.steps = steps;
        b.variables = variables;
        b.summary = summary;
        b.failure = failure;
        return b;
    }

    /**
     * Builds {@link RunResult}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String runId;
        private String workflowName;
        private RunStatus status;
        private Instant startedAt;
        private Duration duration = Duration.ZERO;
        private List<ItemResult> items = List.of();
        private List<StepRecord> steps = List.of();
        private Map<String, String> variables = Map.of();
        private RunSummary summary = RunSummary.EMPTY;
        private @Nullable String failure;

        private Builder() {}

        /**
         * @param status how it ended
         * @return this
         */
        public Builder status(RunStatus status) {
            this.status = WorkflowDefinitionException.requireNonNull(status, "status");
            return this;
        }

        /**
         * @param duration how long it took (default zero)
         * @return this
         */
        public Builder duration(Duration duration) {
            this.duration = WorkflowDefinitionException.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * @param items the results of every MapReduce item
         * @return this
         */
        public Builder items(List<ItemResult> items) {
            this.items = WorkflowDefinitionException.requireNonNull(items, "items");
            return this;
        }

        /**
         * @param steps the records of top-level steps outside the map phase
         * @return this
         */
        public Builder steps(List<StepRecord> steps) {
            this.steps = WorkflowDefinitionException.requireNonNull(steps, "steps");
            return this;
        }

        /**
         * @param variables the final variables rendered as text
         * @return this
         */
        public Builder variables(Map<String, String> variables) {
            this.variables = WorkflowDefinitionException.requireNonNull(variables, "variables");
            return this;
        }

        /**
         * @param summary aggregate figures (default {@link RunSummary#EMPTY})
         * @return this
         */
        public Builder summary(RunSummary summary) {
            this.summary = WorkflowDefinitionException.requireNonNull(summary, "summary");
            return this;
        }

        /**
         * @param failure why the run failed, or null
         * @return this
         */
        public Builder failure(@Nullable String failure) {
            this.failure = failure;
            return this;
        }

        /**
         * @return the run result
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public RunResult build() {
            return new RunResult(
                    runId, workflowName, status, startedAt, duration, items, steps, variables, summary, failure);
        }
    }
}
