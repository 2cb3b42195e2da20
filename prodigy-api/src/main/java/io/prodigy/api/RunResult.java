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
public record RunResult(String runId, String workflowName, RunStatus status, Instant startedAt, Duration duration,
                        List<ItemResult> items, List<StepRecord> steps, Map<String, String> variables,
                        RunSummary summary, @Nullable String failure) {
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
     * @param variables the final variables rendered as text (secrets masked); a value that is an array or object of more
     *        than 10,000 elements (the {@code map.results} of a huge run) is left out: {@code items} holds it
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
}
