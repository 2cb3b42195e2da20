package io.prodigy.core.internal.engine.step;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.StepAction;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.core.internal.engine.RunServices;
import io.prodigy.core.internal.interpolate.Interpolator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a {@code claude:} step through the run's {@link io.prodigy.api.spi.AgentRunner}: the interpolated prompt in
 * the step's working directory and environment (plus {@code PRODIGY_AUTOMATION=true}), its activity forwarded as
 * events (secrets masked), its output in {@code ${claude.output}} and {@code output_file}. Cancelling the run
 * interrupts the calling thread.
 */
final class AgentAction implements StepActionHandler<StepAction.Agent> {

    @Override
    public Class<StepAction.Agent> kind() {
        return StepAction.Agent.class;
    }

    @Override
    public Command command(StepAction.Agent agent) {
        return new Command("claude: ", agent.command());
    }

    @Override
    public StepOutcome run(StepAction.Agent agent, ActionContext context) throws InterruptedException {
        String where = context.where();
        String command =
                Interpolator.interpolate(agent.command(), context.scope().vars(), Interpolator.Quoting.PROMPT, where);
        RunServices run = context.run();
        String label = context.label();
        if (run.agentRunner() == null) {
            return StepOutcome.failure(
                    ErrorKind.CONFIGURATION,
                    "no AgentRunner is configured, so " + where
                            + " cannot run; register one with Prodigy.builder().agentRunner(...)",
                    label,
                    Duration.ZERO);
        }
        StepScope scope = context.scope();
        Path cwd = context.workingDirectory();
        Map<String, String> env = new LinkedHashMap<>(context.environment(Map.of()));
        env.put("PRODIGY_AUTOMATION", "true");
        AgentRequest request = new AgentRequest(
                command,
                cwd,
                env,
                context.timeout(),
                run.runId(),
                scope.itemId(),
                label,
                run.stateDirectory(),
                activity -> run.events()
                        .emit(new RunEvent.AgentActivity(
                                run.runId(),
                                run.clock().instant(),
                                scope.itemId(),
                                label,
                                activity.type(),
                                run.masker().mask(activity.summary()),
                                activity.details())));
        Instant start = run.clock().instant();
        AgentResult result;
        Thread self = Thread.currentThread();
        run.agents().started(self);
        try {
            result = run.agentRunner().run(request);
        } catch (InterruptedException e) {
            if (run.cancellation().isCancelled()) {
                Thread.interrupted();
                return StepOutcome.failure(
                        ErrorKind.CANCELLED,
                        where + " was cancelled",
                        label,
                        Duration.between(start, run.clock().instant()));
            }
            throw e;
        } catch (AgentExecutionException e) {
            return StepOutcome.failure(
                    e.retryable() ? ErrorKind.CRASH : ErrorKind.CONFIGURATION,
                    where + ": " + e.getMessage(),
                    label,
                    Duration.between(start, run.clock().instant()));
        } catch (RuntimeException e) {
            return StepOutcome.failure(
                    ErrorKind.CRASH,
                    where + ": the agent runner failed: " + e,
                    label,
                    Duration.between(start, run.clock().instant()));
        } finally {
            run.agents().ended(self);
        }
        if (result == null) {
            return StepOutcome.failure(
                    ErrorKind.CRASH,
                    where + ": the agent runner returned no result",
                    label,
                    Duration.between(start, run.clock().instant()));
        }
        Duration d = result.duration() != null
                ? result.duration()
                : Duration.between(start, run.clock().instant());
        ItemError error = result.success()
                ? null
                : new ItemError(
                        result.errorKind(),
                        where + " failed: "
                                + (result.errorMessage() == null
                                        ? result.errorKind().name()
                                        : result.errorMessage()),
                        result.exitCode(),
                        label);
        if (result.output() != null) {
            scope.vars().putString("claude.output", result.output());
        }
        if (result.sessionId() != null) {
            scope.vars().putString("claude.session_id", result.sessionId());
        }
        if (context.step().outputFile() != null && result.output() != null) {
            Path out = context.outputFile();
            try {
                Path parent = out.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, result.output(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return StepOutcome.failure(
                        ErrorKind.CONFIGURATION, "cannot write output_file " + out + ": " + e.getMessage(), label, d);
            }
        }
        if (result.transcript() != null) {
            scope.vars().putString("claude.transcript", result.transcript().toString());
        }
        return new StepOutcome(
                result.success(),
                false,
                result.exitCode(),
                result.output(),
                "",
                d,
                error,
                result.costUsd(),
                result.tokens(),
                result.retryAfter());
    }
}
