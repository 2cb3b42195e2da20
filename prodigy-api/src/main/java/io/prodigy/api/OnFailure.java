package io.prodigy.api;

import java.util.ArrayList;
import java.util.List;

/**
 * What happens when a step fails after its retries: every shape the Rust tool accepts maps onto this value.
 *
 * <ul>
 *   <li>{@code on_failure: true} is {@link #ignore()}: the failure is ignored and the step counts as succeeded.</li>
 *   <li>{@code on_failure: false} is {@link #fail()}: the same as no handler.</li>
 *   <li>A string, a list, a handler map or the detailed {@code commands} form is {@link #run(Step...)}: the
 *   handler steps run with {@code ${error.message}}, {@code ${error.exit_code}}, {@code ${error.step}} and
 *   {@code ${error.timestamp}} bound.</li>
 * </ul>
 *
 * <p>Semantics of a handler, for {@code maxAttempts} rounds: run the handlers (a failing handler fails the
 * step when {@code handlerFailureFatal}, otherwise the round goes on); if {@code retryOriginal}, run the
 * original step again and stop on success. When the rounds are spent, or after the single round without
 * {@code retryOriginal}, the step fails if {@code failWorkflow}, and otherwise counts as recovered (the
 * Rust tool's behaviour: a handled failure does not stop the workflow).
 *
 * @param handlers the steps run on failure (empty for {@link #ignore()} and {@link #fail()})
 * @param ignoreFailure whether the failure is simply ignored
 * @param retryOriginal whether the original step is run again after the handlers
 * @param maxAttempts how many handler rounds at most (at least 1)
 * @param failWorkflow whether the step still fails when the handlers could not make it succeed
 * @param handlerFailureFatal whether a failing handler fails the step at once
 * @since 0.1
 */
public record OnFailure(
        List<Step> handlers,
        boolean ignoreFailure,
        boolean retryOriginal,
        int maxAttempts,
        boolean failWorkflow,
        boolean handlerFailureFatal) {

    /**
     * Validates and copies.
     *
     * @param handlers the steps run on failure (empty for {@link #ignore()} and {@link #fail()})
     * @param ignoreFailure whether the failure is simply ignored
     * @param retryOriginal whether the original step is run again after the handlers
     * @param maxAttempts how many handler rounds at most (at least 1)
     * @param failWorkflow whether the step still fails when the handlers could not make it succeed
     * @param handlerFailureFatal whether a failing handler fails the step at once
     */
    public OnFailure {
        handlers = Checks.list(handlers, "on_failure handlers");
        Checks.positive(maxAttempts, "on_failure max_attempts");
        if (ignoreFailure && !handlers.isEmpty()) {
            throw new WorkflowDefinitionException("on_failure cannot both ignore the failure and run handlers");
        }
    }

    /** @return a policy that ignores the failure ({@code on_failure: true}) */
    public static OnFailure ignore() {
        return new OnFailure(List.of(), true, false, 1, false, false);
    }

    /** @return a policy that fails the step ({@code on_failure: false}) */
    public static OnFailure fail() {
        return new OnFailure(List.of(), false, false, 1, true, false);
    }

    /**
     * @param handlers steps to run on failure
     * @return a builder; by default one round, no retry of the original, not failing the workflow
     */
    public static Builder run(Step... handlers) {
        return new Builder(Checks.elements("handlers", handlers));
    }

    /**
     * @param handlers steps to run on failure
     * @return a builder; by default one round, no retry of the original, not failing the workflow
     */
    public static Builder run(List<Step> handlers) {
        return new Builder(Checks.elements(handlers, "handlers"));
    }

    /**
     * @param handlers steps being built, to run on failure
     * @return a builder; by default one round, no retry of the original, not failing the workflow
     */
    public static Builder run(Step.Builder... handlers) {
        return new Builder(Checks.built("handlers", handlers));
    }

    /**
     * Builds an {@link OnFailure} that runs handler steps.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final List<Step> handlers;
        private boolean retryOriginal;
        private int maxAttempts = 1;
        private boolean failWorkflow;
        private boolean handlerFailureFatal = true;

        private Builder(List<Step> handlers) {
            this.handlers = new ArrayList<>(handlers);
        }

        /**
         * @param retry whether the original step runs again after the handlers
         * @return this
         */
        public Builder retryOriginal(boolean retry) {
            this.retryOriginal = retry;
            return this;
        }

        /**
         * @param attempts how many handler rounds at most
         * @return this
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param fail whether the step still fails when the handlers could not fix it
         * @return this
         */
        public Builder failWorkflow(boolean fail) {
            this.failWorkflow = fail;
            return this;
        }

        /**
         * @param fatal whether a failing handler fails the step at once (default true)
         * @return this
         */
        public Builder handlerFailureFatal(boolean fatal) {
            this.handlerFailureFatal = fatal;
            return this;
        }

        /** @return the policy */
        public OnFailure build() {
            if (handlers.isEmpty()) {
                throw new WorkflowDefinitionException("on_failure needs at least one handler step");
            }
            return new OnFailure(handlers, false, retryOriginal, maxAttempts, failWorkflow, handlerFailureFatal);
        }
    }
}
