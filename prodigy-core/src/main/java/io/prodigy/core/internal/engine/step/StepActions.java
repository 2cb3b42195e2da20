package io.prodigy.core.internal.engine.step;

import io.prodigy.api.StepAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The handler of each kind of {@link StepAction}: the one place that knows them all. Every permitted kind of the
 * sealed {@code StepAction} must have a handler; a kind without one fails here, when the engine starts, not when
 * a workflow first uses it.
 */
final class StepActions {
    private final Map<Class<?>, StepActionHandler<?>> handlers = new HashMap<>();

    /** @param handlers one handler per kind of action */
    StepActions(List<StepActionHandler<?>> handlers) {
        for (StepActionHandler<?> h : handlers) {
            if (this.handlers.put(h.kind(), h) != null) {
                throw new IllegalStateException("two handlers for " + h.kind().getSimpleName());
            }
        }
        for (Class<?> kind : StepAction.class.getPermittedSubclasses()) {
            if (!this.handlers.containsKey(kind)) {
                throw new IllegalStateException("no handler for the step action " + kind.getSimpleName());
            }
        }
    }

    /** @return the handlers of the shell, agent, write-file and foreach actions */
    static StepActions standard() {
        return new StepActions(
                List.of(new ShellAction(), new AgentAction(), new WriteFileAction(), new ForeachAction()));
    }

    /**
     * Runs one attempt of the context's step's action with its handler.
     *
     * @param context the step and where it runs
     * @return what the attempt did
     * @throws InterruptedException if the run was interrupted
     */
    StepOutcome run(ActionContext context) throws InterruptedException {
        return dispatch(context.step().action(), context);
    }

    /**
     * @param action an action
     * @return its command as people see it, or null when its kind shows the step's label instead
     */
    StepActionHandler.Command command(StepAction action) {
        return handlerOf(action).command(action);
    }

    private <A extends StepAction> StepOutcome dispatch(A action, ActionContext context) throws InterruptedException {
        return handlerOf(action).run(action, context);
    }

    private <A extends StepAction> StepActionHandler<A> handlerOf(A action) {
        @SuppressWarnings("unchecked")
        StepActionHandler<A> handler = (StepActionHandler<A>) handlers.get(action.getClass());
        if (handler == null) {
            throw new IllegalStateException("unknown step action " + action);
        }
        return handler;
    }
}
