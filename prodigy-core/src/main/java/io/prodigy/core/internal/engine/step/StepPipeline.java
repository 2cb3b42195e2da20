package io.prodigy.core.internal.engine.step;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ExpressionException;
import io.prodigy.api.InterpolationException;
import io.prodigy.api.ItemError;
import io.prodigy.api.Step;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.core.internal.engine.RunBudget;
import io.prodigy.core.internal.engine.RunServices;
import io.prodigy.core.internal.expr.Expression;
import io.prodigy.core.internal.interpolate.Interpolator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs steps with every control the model allows, in any phase, always in this order:
 * <ol>
 *   <li>{@code when}: a false condition skips the step (it succeeds, skipped);</li>
 *   <li>the action ({@link StepActions one handler per kind}), under the step's {@code timeout} and the scope's
 *       deadline, each attempt followed by the {@code commit_required} / {@code auto_commit} check, failed
 *       attempts retried by {@code retry} (throttled ones wait without counting);</li>
 *   <li>the capture of the output into variables ({@code capture:}, {@code shell.output}, {@code last.output}),
 *       right after the action, failed or not ({@code output_file} is written by the action itself);</li>
 *   <li>{@code on_exit_code}: the handlers of the exit code, whose success makes the step succeed and whose
 *       failure makes it fail;</li>
 *   <li>{@code on_failure}, when the step failed;</li>
 *   <li>{@code on_success}, when it succeeded;</li>
 *   <li>{@code validate}, when it succeeded;</li>
 *   <li>{@code outputs}, when it succeeded;</li>
 *   <li>the {@code step.*} git variables, in a version-controlled workspace, succeeded or not.</li>
 * </ol>
 * A failed step always has an error. Thread-safe: one instance serves the whole run.
 */
public final class StepPipeline {
    private final RunServices run;
    private final StepLogs stepLogs;
    private final StepActions actions;
    private final ActionAttempts attempts;
    private final List<StepControl> controls;
    private final Map<String, Expression> conditions = new ConcurrentHashMap<>();

    /**
     * @param run the run's services
     * @param budget the run's budget
     */
    public StepPipeline(RunServices run, RunBudget budget) {
        this.run = run;
        this.stepLogs = new StepLogs(run.stateDirectory(), run.masker());
        this.actions = StepActions.standard();
        this.attempts = new ActionAttempts(run, budget, actions, this);
        FailureHandlers failures = new FailureHandlers(this, attempts, run.clock(), run.stateDirectory());
        ValidationLoop validation = new ValidationLoop(this);
        this.controls = List.of(
                this::capture,
                this::onExitCode,
                failures::apply,
                this::onSuccess,
                validation::apply,
                StepOutputs::apply,
                GitVariables::apply);
    }

    /**
     * Runs a list of steps in order, stopping at the first failure.
     *
     * @param steps the steps
     * @param scope where they run
     * @return the outcome of the last step run, or of the first failing one
     * @throws InterruptedException if the run was interrupted
     */
    public StepOutcome runAll(List<Step> steps, StepScope scope) throws InterruptedException {
        StepOutcome last = StepOutcome.skippedStep();
        for (int i = 0; i < steps.size(); i++) {
            last = execute(steps.get(i), i, scope);
            if (!last.success()) {
                return last;
            }
        }
        return last;
    }

    /**
     * Runs one step, emitting its start and end events and appending its output to the step logs.
     *
     * @param step the step
     * @param index its index in its list (for messages and events)
     * @param scope where it runs
     * @return what it did; a bad template or condition is a CONFIGURATION failure
     * @throws InterruptedException if the run was interrupted
     */
    public StepOutcome execute(Step step, int index, StepScope scope) throws InterruptedException {
        Instant start = run.clock().instant();
        String label = step.label();
        if (step.when() != null && !conditionHolds(step, scope, index)) {
            return skip(step, index, scope);
        }
        String command = filledIn(step, scope);
        run.events()
                .emit(new RunEvent.StepStarted(
                        run.runId(), start, scope.itemId(), scope.phase(), index, label, command));
        StepOutcome outcome;
        try {
            outcome = controlled(step, index, scope);
        } catch (InterpolationException | ExpressionException e) {
            outcome = StepOutcome.failure(ErrorKind.CONFIGURATION, e.getMessage(), label, Duration.ZERO);
        }
        outcome = outcome.withDuration(Duration.between(start, run.clock().instant()));
        stepLogs.append(scope, index, command, outcome);
        run.events()
                .emit(new RunEvent.StepFinished(
                        run.runId(),
                        run.clock().instant(),
                        scope.itemId(),
                        scope.phase(),
                        index,
                        label,
                        false,
                        outcome.success(),
                        outcome.exitCode(),
                        outcome.duration(),
                        stepLogs.tail(outcome.stdout(), outcome.stderr(), RunEvent.StepFinished.MAX_OUTPUT_CHARS)));
        return outcome;
    }

    /**
     * Skips a step without running anything, as a false {@code when} does: emits its finish event, marked skipped.
     *
     * @param step the step
     * @param index its index in its list
     * @param scope where it would run
     * @return a skipped outcome (which counts as a success)
     */
    public StepOutcome skip(Step step, int index, StepScope scope) {
        run.events()
                .emit(new RunEvent.StepFinished(
                        run.runId(),
                        run.clock().instant(),
                        scope.itemId(),
                        scope.phase(),
                        index,
                        step.label(),
                        true,
                        true,
                        null,
                        Duration.ZERO));
        return StepOutcome.skippedStep();
    }

    /**
     * Runs a command that is already interpolated as a shell step would, without the step's controls (for the
     * command that lists a map phase's items).
     *
     * @param command the command
     * @param step the step it stands for (its working directory, environment, output file)
     * @param scope where it runs
     * @param timeout its time limit, or null
     * @param where names it for messages
     * @return what it did
     * @throws InterruptedException if interrupted
     */
    public StepOutcome runShell(String command, Step step, StepScope scope, Duration timeout, String where)
            throws InterruptedException {
        return ShellAction.runCommand(command, new ActionContext(step, scope, where, timeout, run, this), Map.of());
    }

    /** The action with its retries, then every control in order. */
    private StepOutcome controlled(Step step, int index, StepScope scope) throws InterruptedException {
        String headBefore =
                scope.workspace().versionControl().map(VersionControl::head).orElse(null);
        StepRun stepRun = new StepRun(step, index, scope, headBefore);
        StepOutcome outcome = attempts.run(step, index, scope);
        for (StepControl control : controls) {
            outcome = control.apply(stepRun, outcome);
        }
        if (!outcome.success() && outcome.error() == null) {
            outcome = outcome.withSuccess(
                    false,
                    new ItemError(ErrorKind.UNKNOWN, step.label() + " failed", outcome.exitCode(), step.label()));
        }
        return outcome;
    }

    private StepOutcome capture(StepRun stepRun, StepOutcome outcome) {
        OutputCapture.store(stepRun.step(), outcome, stepRun.scope().vars());
        return outcome;
    }

    private StepOutcome onExitCode(StepRun stepRun, StepOutcome outcome) throws InterruptedException {
        Map<Integer, List<Step>> handlers = stepRun.step().onExitCode();
        if (outcome.exitCode() == null || !handlers.containsKey(outcome.exitCode())) {
            return outcome;
        }
        StepOutcome handled = runAll(handlers.get(outcome.exitCode()), stepRun.scope());
        if (!handled.success()) {
            return outcome.withSuccess(false, handled.error());
        }
        return outcome.success() ? outcome : outcome.withSuccess(true, null);
    }

    private StepOutcome onSuccess(StepRun stepRun, StepOutcome outcome) throws InterruptedException {
        if (!outcome.success() || stepRun.step().onSuccess().isEmpty()) {
            return outcome;
        }
        StepOutcome after = runAll(stepRun.step().onSuccess(), stepRun.scope());
        return after.success() ? outcome : outcome.withSuccess(false, after.error());
    }

    /** @return the step's command with its variables filled in, for people (its label when that fails) */
    private String filledIn(Step step, StepScope scope) {
        StepActionHandler.Command shown = actions.command(step.action());
        String template = shown == null ? null : shown.template();
        if (template == null || step.name() != null || template.indexOf('$') < 0) {
            return step.label();
        }
        try {
            String text = Interpolator.interpolate(template, scope.vars(), Interpolator.Quoting.NONE, "display");
            text = run.masker().mask(text.replaceAll("\\s+", " ").strip());
            return shown.prefix() + (text.length() > 200 ? text.substring(0, 199) + "…" : text);
        } catch (RuntimeException e) {
            return step.label();
        }
    }

    private boolean conditionHolds(Step step, StepScope scope, int index) {
        Expression expr;
        try {
            expr = conditions.computeIfAbsent(step.when(), Expression::parse);
        } catch (ExpressionException e) {
            throw new ExpressionException(
                    e.expression(), e.column(), e.reason() + " (when: of " + scope.where(index, step.label()) + ")");
        }
        return expr.test(scope.vars()::resolve);
    }
}
