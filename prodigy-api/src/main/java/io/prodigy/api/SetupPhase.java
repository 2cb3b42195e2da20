package io.prodigy.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The setup phase of a MapReduce stage: steps run once, in order, in the run's workspace before the map
 * phase. {@code captureOutputs} and every {@code capture:} of these steps flow into the map and reduce phases.
 *
 * @param steps the steps
 * @param timeout the limit for the whole phase, or null
 * @param captureOutputs variables taken from the commands' outputs
 * @since 0.1
 */
public record SetupPhase(List<Step> steps, @Nullable Duration timeout, Map<String, SetupCapture> captureOutputs) {

    /**
     * Validates and copies.
     *
     * @param steps the steps
     * @param timeout the limit for the whole phase, or null
     * @param captureOutputs variables taken from the commands' outputs
     */
    public SetupPhase {
        steps = Checks.list(steps, "setup");
        Checks.positive(timeout, "setup timeout");
        captureOutputs = Checks.map(captureOutputs, "capture_outputs");
        for (Map.Entry<String, SetupCapture> e : captureOutputs.entrySet()) {
            if (e.getValue().commandIndex() >= steps.size()) {
                throw new WorkflowDefinitionException("capture_outputs '" + e.getKey() + "' refers to setup command "
                        + e.getValue().commandIndex() + ", but setup has " + steps.size() + " command(s)");
            }
        }
    }

    /**
     * @param steps the steps
     * @return a setup phase with no timeout and no extra captures
     */
    public static SetupPhase of(List<Step> steps) {
        return new SetupPhase(Checks.elements(steps, "steps"), null, Map.of());
    }
}
