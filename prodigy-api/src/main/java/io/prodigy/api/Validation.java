package io.prodigy.api;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A completeness check run after a step succeeds (the goal-seeking pattern). The validation commands
 * print, or write to {@code resultFile}, a JSON result
 * {@code {"completion_percentage": 87.5, "status": "incomplete", "missing": [...], "gaps": {...}}};
 * a command that prints no JSON counts as 100% when it succeeds and 0% when it fails. While the
 * completion is below {@code threshold}, the {@code onIncomplete} steps run and the check is repeated,
 * up to {@link OnIncomplete#maxAttempts()} times. The result is available as {@code ${validation.completion}},
 * {@code ${validation.status}}, {@code ${validation.missing}}, {@code ${validation.missing_count}},
 * {@code ${validation.implemented}} and {@code ${validation.gaps}}. Validation commands see
 * {@code PRODIGY_VALIDATION=true}.
 *
 * @param commands the validation steps (at least one)
 * @param resultFile a file (relative to the workspace) the validator writes its JSON result to, or null
 * @param threshold the completion percentage required, 0 to 100
 * @param timeout the limit for one validation run, or null
 * @param onIncomplete what to do below the threshold, or null to fail the step
 * @since 0.1
 */
public record Validation(
        List<Step> commands,
        @Nullable String resultFile,
        double threshold,
        @Nullable Duration timeout,
        @Nullable OnIncomplete onIncomplete) {

    /**
     * Validates and copies.
     *
     * @param commands the validation steps (at least one)
     * @param resultFile a file (relative to the workspace) the validator writes its JSON result to, or null
     * @param threshold the completion percentage required, 0 to 100
     * @param timeout the limit for one validation run, or null
     * @param onIncomplete what to do below the threshold, or null to fail the step
     */
    public Validation {
        commands = Checks.list(commands, "validate commands");
        if (commands.isEmpty()) {
            throw new WorkflowDefinitionException("validate needs at least one command");
        }
        resultFile = Checks.blankToNull(resultFile);
        if (threshold < 0 || threshold > 100 || Double.isNaN(threshold)) {
            throw new WorkflowDefinitionException("validate threshold must be between 0 and 100, was " + threshold);
        }
        Checks.positive(timeout, "validate timeout");
    }

    /**
     * @param commands the validation steps
     * @return a validation requiring 100% with no retry loop
     */
    public static Validation of(Step... commands) {
        return new Validation(Checks.elements("commands", commands), null, 100.0, null, null);
    }

    /**
     * @param commands the validation steps being built
     * @return a validation requiring 100% with no retry loop
     */
    public static Validation of(Step.Builder... commands) {
        return new Validation(Checks.built("commands", commands), null, 100.0, null, null);
    }

    /**
     * @param file the result file
     * @return a copy reading its result from that file
     */
    public Validation withResultFile(String file) {
        return new Validation(commands, file, threshold, timeout, onIncomplete);
    }

    /**
     * @param percent the required completion
     * @return a copy with that threshold
     */
    public Validation withThreshold(double percent) {
        return new Validation(commands, resultFile, percent, timeout, onIncomplete);
    }

    /**
     * @param handler what to do below the threshold, or null to fail the step
     * @return a copy with that handler
     */
    public Validation withOnIncomplete(@Nullable OnIncomplete handler) {
        return new Validation(commands, resultFile, threshold, timeout, handler);
    }

    /**
     * @param limit the limit for one validation run, or null for none
     * @return a copy with that limit
     */
    public Validation withTimeout(@Nullable Duration limit) {
        return new Validation(commands, resultFile, threshold, limit, onIncomplete);
    }

    /**
     * Steps run while a validation is below its threshold, then the validation runs again.
     *
     * @param commands the steps that try to complete the work
     * @param maxAttempts how many rounds at most (default 2 upstream)
     * @param failWorkflow whether the step fails when the threshold is still not reached (default true)
     * @since 0.1
     */
    public record OnIncomplete(List<Step> commands, int maxAttempts, boolean failWorkflow) {
        /**
         * Validates and copies.
         *
         * @param commands the steps that try to complete the work
         * @param maxAttempts how many rounds at most (default 2 upstream)
         * @param failWorkflow whether the step fails when the threshold is still not reached (default true)
         */
        public OnIncomplete {
            commands = Checks.list(commands, "on_incomplete commands");
            if (commands.isEmpty()) {
                throw new WorkflowDefinitionException("on_incomplete needs at least one command");
            }
            Checks.positive(maxAttempts, "on_incomplete max_attempts");
        }

        /**
         * @param commands the steps that try to complete the work
         * @return a handler of two rounds at most that fails the step when the threshold is still not reached
         *     (the Rust tool's defaults)
         */
        public static OnIncomplete of(Step... commands) {
            return new OnIncomplete(Checks.elements("commands", commands), 2, true);
        }

        /**
         * @param commands the steps being built that try to complete the work
         * @return a handler of two rounds at most that fails the step when the threshold is still not reached
         *     (the Rust tool's defaults)
         */
        public static OnIncomplete of(Step.Builder... commands) {
            return new OnIncomplete(Checks.built("commands", commands), 2, true);
        }

        /**
         * @param attempts how many rounds at most
         * @return a copy with that limit
         */
        public OnIncomplete withMaxAttempts(int attempts) {
            return new OnIncomplete(commands, attempts, failWorkflow);
        }

        /**
         * @param fail whether the step fails when the threshold is still not reached
         * @return a copy with that choice
         */
        public OnIncomplete withFailWorkflow(boolean fail) {
            return new OnIncomplete(commands, maxAttempts, fail);
        }
    }
}
