package io.prodigy.core.internal.engine.step;

/**
 * One control applied after a step's action, in the order {@link StepPipeline} lists them. A control looks at the
 * outcome so far and returns it, changed or not; it decides itself whether it applies (most apply only to a
 * succeeded or only to a failed step).
 */
@FunctionalInterface
interface StepControl {
    /**
     * @param run the step being run
     * @param outcome its outcome so far
     * @return its outcome after this control
     * @throws InterruptedException if the run was interrupted while a control ran nested steps
     */
    StepOutcome apply(StepRun run, StepOutcome outcome) throws InterruptedException;
}
