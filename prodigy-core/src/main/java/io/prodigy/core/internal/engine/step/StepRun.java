package io.prodigy.core.internal.engine.step;

import io.prodigy.api.Step;

/**
 * One step being run: the step, its place, where it runs, and the workspace's commit before it ran.
 *
 * @param step the step
 * @param index its index in its list
 * @param scope where it runs
 * @param headBefore the workspace's commit before the step, or null outside version control
 */
record StepRun(Step step, int index, StepScope scope, String headBefore) {

    /** @return the step named for messages */
    String where() {
        return scope.where(index, step.label());
    }

    /** @return the step's label */
    String label() {
        return step.label();
    }
}
