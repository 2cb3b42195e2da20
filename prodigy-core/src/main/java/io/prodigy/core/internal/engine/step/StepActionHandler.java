package io.prodigy.core.internal.engine.step;

import io.prodigy.api.StepAction;

/**
 * Runs one kind of {@link StepAction}: one attempt of it, without the controls around it (retries, captures,
 * handlers), which {@link StepPipeline} applies to every kind alike. A new kind of action is a new handler
 * registered in {@link StepActions}; the pipeline does not change.
 *
 * @param <A> the kind of action handled
 */
public interface StepActionHandler<A extends StepAction> {

    /** @return the kind of action this handler runs */
    Class<A> kind();

    /**
     * Runs one attempt of the action. A failure the step can report (a non-zero exit, a timeout, bad content) is
     * an outcome with an error, not an exception.
     *
     * @param action the action
     * @param context the step, where it runs, its time limit and the run's services
     * @return what the attempt did
     * @throws InterruptedException if the run was interrupted
     */
    StepOutcome run(A action, ActionContext context) throws InterruptedException;

    /**
     * What to show people when the step starts, before its variables are filled in.
     *
     * @param action the action
     * @return the command template and its prefix, or null to show the step's label
     */
    default Command command(A action) {
        return null;
    }

    /**
     * A command as people see it.
     *
     * @param prefix names the kind of action, such as {@code "shell: "}
     * @param template the command with its {@code ${...}} references
     */
    record Command(String prefix, String template) {}
}
