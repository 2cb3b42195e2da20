package io.prodigy.core.internal.engine.step;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.core.internal.engine.RunBudget;
import io.prodigy.core.internal.engine.RunServices;
import io.prodigy.core.internal.engine.Waits;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.retry.RetryState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step's action under its {@code retry} policy: each attempt checks cancellation and the workspace, runs the
 * action with its handler under the step's time limit, then applies {@code commit_required} /
 * {@code auto_commit}; failed attempts are retried, throttled ones wait without counting, and every attempt's
 * cost goes to the run's budget.
 */
final class ActionAttempts {
    private static final Logger LOG = LoggerFactory.getLogger(ActionAttempts.class);

    private final RunServices run;
    private final RunBudget budget;
    private final StepActions actions;
    private final StepPipeline pipeline;

    /**
     * @param run the run's services
     * @param budget the run's budget (costs, throttle waits)
     * @param actions the handlers of the actions
     * @param pipeline runs nested steps for the handlers
     */
    ActionAttempts(RunServices run, RunBudget budget, StepActions actions, StepPipeline pipeline) {
        this.run = run;
        this.budget = budget;
        this.actions = actions;
        this.pipeline = pipeline;
    }

    /** Most throttled attempts of one step that do not count against its retries. */
    static final int MAX_THROTTLED_WAITS = 30;

    /**
     * Runs the action, retrying failed attempts under the step's policy. Attempts the agent backend throttled
     * (429, 529, exhausted quota) wait and try again without counting against the policy, up to
     * {@link #MAX_THROTTLED_WAITS}; the run's governor lowers concurrency meanwhile.
     *
     * @param step the step
     * @param index its index in its list
     * @param scope where it runs
     * @return the last attempt's outcome, with the cost and tokens of every attempt
     * @throws InterruptedException if interrupted
     */
    StepOutcome run(Step step, int index, StepScope scope) throws InterruptedException {
        RetryPolicy policy = step.retry() != null
                ? step.retry()
                : run.workflow().defaultRetry() != null ? run.workflow().defaultRetry() : RetryPolicy.NONE;
        RetryState retry = new RetryState(policy, run.random());
        Double cost = null;
        TokenUsage tokens = TokenUsage.NONE;
        int throttledWaits = 0;
        while (true) {
            StepOutcome attempt = runAttempt(step, index, scope);
            if (attempt.costUsd() != null) {
                cost = cost == null ? attempt.costUsd() : cost + attempt.costUsd();
            }
            tokens = tokens.plus(attempt.tokens());
            budget.addUsage(attempt.costUsd(), attempt.tokens());
            if (attempt.success() || run.cancellation().isCancelled()) {
                return attempt.withUsage(cost, tokens);
            }
            ErrorKind kind = attempt.error() != null ? attempt.error().kind() : ErrorKind.UNKNOWN;
            if (isThrottle(kind) && throttledWaits < MAX_THROTTLED_WAITS) {
                throttledWaits++;
                Duration wait = budget.throttled(scope.itemId(), kind, attempt.retryAfter(), throttledWaits);
                LOG.info(
                        "{} was throttled ({}); waiting {} ms before trying again (not counted as a retry)",
                        scope.where(index, step.label()),
                        kind,
                        wait.toMillis());
                budget.waitOutThrottle(wait);
                continue;
            }
            Optional<Duration> delay = retry.nextDelay(kind, attempt.failureText());
            if (delay.isEmpty()) {
                return attempt.withUsage(cost, tokens);
            }
            run.events()
                    .emit(new RunEvent.RetryScheduled(
                            run.runId(),
                            run.clock().instant(),
                            scope.itemId(),
                            step.label(),
                            retry.attempt(),
                            delay.get(),
                            run.masker()
                                    .mask(
                                            attempt.error() == null
                                                    ? "failed"
                                                    : attempt.error().message())));
            LOG.info(
                    "Retrying {} (attempt {}) in {} ms: {}",
                    scope.where(index, step.label()),
                    retry.attempt(),
                    delay.get().toMillis(),
                    run.masker()
                            .mask(attempt.error() == null ? "" : attempt.error().message()));
            Waits.sleep(delay.get(), run.cancellation());
        }
    }

    static boolean isThrottle(ErrorKind kind) {
        return kind == ErrorKind.RATE_LIMITED || kind == ErrorKind.OVERLOADED || kind == ErrorKind.QUOTA_EXHAUSTED;
    }

    /** One attempt: the action, then the commit check. */
    private StepOutcome runAttempt(Step step, int index, StepScope scope) throws InterruptedException {
        if (run.cancellation().isCancelled()) {
            return StepOutcome.failure(ErrorKind.CANCELLED, "the run was cancelled", step.label(), Duration.ZERO);
        }
        Optional<VersionControl> vcs = scope.workspace().versionControl();
        boolean needsVcs = step.commitRequired() || step.autoCommit();
        if (needsVcs && vcs.isEmpty()) {
            return StepOutcome.failure(
                    ErrorKind.CONFIGURATION,
                    "commit_required/auto_commit need a version-controlled "
                            + "workspace, but " + scope.where(index, step.label()) + " runs in plain directory '"
                            + scope.workspace().name() + "'; use the git worktree isolation",
                    step.label(),
                    Duration.ZERO);
        }
        String before = needsVcs ? vcs.get().head() : null;
        StepOutcome outcome = runAction(step, index, scope);
        if (!outcome.success() || !needsVcs) {
            return outcome;
        }
        VersionControl vc = vcs.get();
        if (!vc.head().equals(before)) {
            return outcome;
        }
        if (step.autoCommit() && vc.isDirty()) {
            String message = step.commitMessage() != null
                    ? Interpolator.interpolate(
                            step.commitMessage(),
                            scope.vars(),
                            Interpolator.Quoting.NONE,
                            scope.where(index, step.label()))
                    : "prodigy: " + step.label() + (scope.itemId() != null ? " (" + scope.itemId() + ")" : "");
            vc.commitAll(message);
            return outcome;
        }
        if (step.commitRequired()) {
            return outcome.withSuccess(
                    false,
                    new ItemError(
                            ErrorKind.COMMIT_REQUIRED,
                            "No commits created by " + scope.where(index, step.label())
                                    + ": the step has commit_required: true but HEAD did not move",
                            outcome.exitCode(),
                            step.label()));
        }
        return outcome;
    }

    private StepOutcome runAction(Step step, int index, StepScope scope) throws InterruptedException {
        String where = scope.where(index, step.label());
        Duration timeout = effectiveTimeout(step.timeout(), scope.deadline());
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            return StepOutcome.failure(
                    ErrorKind.TIMEOUT,
                    "the item's agent timeout was reached before " + where,
                    step.label(),
                    Duration.ZERO);
        }
        return actions.run(new ActionContext(step, scope, where, timeout, run, pipeline));
    }

    private static Duration effectiveTimeout(Duration stepTimeout, Instant deadline) {
        if (deadline == null) {
            return stepTimeout;
        }
        Duration remaining = Duration.between(Instant.now(), deadline);
        return stepTimeout == null || remaining.compareTo(stepTimeout) < 0 ? remaining : stepTimeout;
    }
}
