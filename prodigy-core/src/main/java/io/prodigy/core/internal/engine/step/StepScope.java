package io.prodigy.core.internal.engine.step;

import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.interpolate.Variables;
import java.time.Instant;
import java.util.Map;

/**
 * Where a step runs: its variables, its workspace, its phase and item, and the deadline it must meet.
 *
 * @param vars the variables visible to the step (writes land here)
 * @param workspace the workspace the step runs in
 * @param phase the phase name for events
 * @param itemId the MapReduce item, or null
 * @param deadline the instant by which the step must end (an item's agent timeout), or null
 * @param env extra environment variables for processes (e.g. {@code PRODIGY_ITEM_ID})
 */
public record StepScope(
        Variables vars, Workspace workspace, String phase, String itemId, Instant deadline, Map<String, String> env) {

    /**
     * @param v other variables (a child scope's)
     * @return this scope with those variables
     */
    public StepScope withVars(Variables v) {
        return new StepScope(v, workspace, phase, itemId, deadline, env);
    }

    /**
     * @param d a deadline, or null
     * @return this scope with the earlier of its deadline and {@code d}
     */
    public StepScope withDeadline(Instant d) {
        Instant effective = deadline == null ? d : (d == null || deadline.isBefore(d) ? deadline : d);
        return new StepScope(vars, workspace, phase, itemId, effective, env);
    }

    /**
     * @param index a step's index in its list
     * @param label the step's label
     * @return the step named for people: {@code step 2 'make test' in setup (item 7)}
     */
    public String where(int index, String label) {
        StringBuilder sb = new StringBuilder("step ")
                .append(index + 1)
                .append(" '")
                .append(label)
                .append("' in ")
                .append(phase);
        if (itemId != null) {
            sb.append(" (item ").append(itemId).append(')');
        }
        return sb.toString();
    }
}
