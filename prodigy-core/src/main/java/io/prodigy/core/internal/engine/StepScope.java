package io.prodigy.core.internal.engine;

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
public record StepScope(Variables vars, Workspace workspace, String phase, String itemId, Instant deadline,
                        Map<String, String> env) {

    StepScope withVars(Variables v) {
        return new StepScope(v, workspace, phase, itemId, deadline, env);
    }

    StepScope withDeadline(Instant d) {
        Instant effective = deadline == null ? d : (d == null || deadline.isBefore(d) ? deadline : d);
        return new StepScope(vars, workspace, phase, itemId, effective, env);
    }

    String where(int index, String label) {
        StringBuilder sb = new StringBuilder("step ").append(index + 1).append(" '").append(label).append("' in ")
                .append(phase);
        if (itemId != null) {
            sb.append(" (item ").append(itemId).append(')');
        }
        return sb.toString();
    }
}
