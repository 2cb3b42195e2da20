package io.prodigy.temporal;

import io.prodigy.api.spi.AgentActivity;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The details of a worker's heartbeat for one item attempt (what {@code temporal workflow describe} shows as the
 * pending activity's heartbeat details): small and free of secrets. Step labels are the workflow's text with
 * {@code ${...}} unfilled; activity summaries are masked by the worker's engine.
 *
 * @param itemId the item
 * @param worker the worker's identity
 * @param elapsedMillis time since the attempt started on this worker
 * @param step the label of the step running now (or last run), or null before the first
 * @param stepIndex its index in the agent template, -1 before the first
 * @param stepsDone how many steps ended
 * @param costUsd the agents' cost so far, or null while none reported a cost
 * @param activity the agent's last reported activity (one line), or null
 */
public record ItemHeartbeat(
        String itemId,
        String worker,
        long elapsedMillis,
        String step,
        int stepIndex,
        int stepsDone,
        Double costUsd,
        String activity) {

    /** The type of the {@link AgentActivity} the coordinator reports for a heartbeat. */
    public static final String ACTIVITY_TYPE = "worker_progress";

    /**
     * @param other an earlier heartbeat, or null
     * @return whether this one says something new to people (another step, cost or activity; not just time)
     */
    boolean differsFrom(ItemHeartbeat other) {
        return other == null
                || stepIndex != other.stepIndex
                || stepsDone != other.stepsDone
                || !java.util.Objects.equals(step, other.step)
                || !java.util.Objects.equals(costUsd, other.costUsd)
                || !java.util.Objects.equals(activity, other.activity)
                || !java.util.Objects.equals(worker, other.worker);
    }

    /** @return this heartbeat as the agent activity the coordinator reports to its listeners */
    AgentActivity toActivity() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("worker", String.valueOf(worker));
        details.put("elapsed_ms", Long.toString(elapsedMillis));
        details.put("steps_done", Integer.toString(stepsDone));
        if (step != null) {
            details.put("step", step);
            details.put("step_index", Integer.toString(stepIndex));
        }
        if (costUsd != null) {
            details.put("cost_usd", String.format(Locale.ROOT, "%.6f", costUsd));
        }
        String summary = "on " + worker + ": " + (step == null ? "starting" : "step " + (stepIndex + 1) + " " + step)
                + (costUsd == null ? "" : String.format(Locale.ROOT, ", $%.4f so far", costUsd))
                + (activity == null ? "" : " (" + activity + ")");
        return new AgentActivity(ACTIVITY_TYPE, summary, details);
    }
}
