package io.prodigy.yaml.internal;

import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code goal_seek} step: its command ({@code claude} or {@code shell}) is the step's action, and its goal,
 * validator, threshold and attempts become the step's {@code validate} with {@code on_incomplete}.
 */
final class GoalSeekReader {
    private static final Set<String> GOAL_SEEK_KEYS = Set.of(
            "goal",
            "claude",
            "shell",
            "validate",
            "threshold",
            "max_attempts",
            "timeout_seconds",
            "fail_on_incomplete");

    private final Diagnostics d;

    /** @param d where problems go */
    GoalSeekReader(Diagnostics d) {
        this.d = d;
    }

    /** @return the command working towards the goal, or null when it is invalid (reported) */
    StepAction action(Fields step) {
        Node spec = step.node("goal_seek");
        if (!(spec instanceof MapNode)) {
            step.error(
                    "goal_seek",
                    "expected {goal, claude or shell, validate, threshold, max_attempts}, found " + spec.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) spec, step.pathOf("goal_seek"), d, GOAL_SEEK_KEYS, "goal_seek");
        boolean claude = f.has("claude");
        boolean shell = f.has("shell");
        if (claude == shell) {
            f.errorHere(
                    "goal_seek needs exactly one of 'claude' or 'shell': the command that works towards the " + "goal");
            return null;
        }
        String cmd = f.requiredText(claude ? "claude" : "shell");
        if (cmd == null) {
            return null;
        }
        return claude ? ActionReader.agent(cmd) : new StepAction.Shell(TemplateAliases.normalize(cmd));
    }

    /** goal_seek's goal, validator, threshold and attempts become the step's validate with on_incomplete. */
    void controls(Step.Builder b, Fields step, StepAction action) {
        Fields f =
                Fields.of((MapNode) step.node("goal_seek"), step.pathOf("goal_seek"), d, GOAL_SEEK_KEYS, "goal_seek");
        String goal = f.text("goal");
        if (goal != null && !step.has("name")) {
            b.name(goal);
        }
        String validator = f.requiredText("validate");
        Double threshold = f.number("threshold");
        Integer attempts = f.integer("max_attempts", 1, null);
        Boolean failOnIncomplete = f.bool("fail_on_incomplete");
        f.notActedOn(
                "timeout_seconds",
                "it limits the whole goal-seeking loop, and the model has no such limit "
                        + "(set 'timeout' on the step to limit each attempt)");
        f.finish();
        if (validator == null) {
            return;
        }
        if (threshold != null && (threshold < 0 || threshold > 100)) {
            f.error("threshold", "threshold must be between 0 and 100, found " + threshold);
            return;
        }
        Step check = Step.shell(GoalSeek.scoreCommand(TemplateAliases.normalize(validator)))
                .build();
        Validation.OnIncomplete again = new Validation.OnIncomplete(
                List.of(Step.of(action).build()),
                attempts == null ? 3 : attempts,
                failOnIncomplete != null && failOnIncomplete);
        b.validate(new Validation(List.of(check), null, threshold == null ? 100.0 : threshold, null, again));
    }
}
