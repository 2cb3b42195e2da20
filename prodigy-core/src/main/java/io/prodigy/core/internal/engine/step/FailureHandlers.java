package io.prodigy.core.internal.engine.step;

import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.OnFailure;
import io.prodigy.api.Step;
import io.prodigy.core.internal.interpolate.Variables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A step's {@code on_failure}: the policy for a step whose action (and {@code on_exit_code}) left it failed. */
final class FailureHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(FailureHandlers.class);
    /** The most characters of a failure's output kept inline in {@code ${shell.output}}; more goes to a file. */
    private static final int INLINE_OUTPUT_LIMIT = 10_000;

    private final StepPipeline pipeline;
    private final ActionAttempts attempts;
    private final Clock clock;
    private final Path stateDirectory;

    /**
     * @param pipeline runs the handlers
     * @param attempts runs the step's action again ({@code retry_original})
     * @param clock the run's clock ({@code error.timestamp})
     * @param stateDirectory the run's directory, where a long failure output is written
     */
    FailureHandlers(StepPipeline pipeline, ActionAttempts attempts, Clock clock, Path stateDirectory) {
        this.pipeline = pipeline;
        this.attempts = attempts;
        this.clock = clock;
        this.stateDirectory = stateDirectory;
    }

    /**
     * For a failed step with {@code on_failure}: ignores the failure, or runs the handlers (with the
     * {@code error.*} and {@code shell.*} variables of the failure) and, when asked, the step's action again, up
     * to the policy's attempts; a failure the policy does not make fatal lets the workflow go on.
     *
     * @param run the step being run
     * @param failed its outcome so far
     * @return the outcome after the handlers
     * @throws InterruptedException if interrupted
     */
    StepOutcome apply(StepRun run, StepOutcome failed) throws InterruptedException {
        if (failed.success() || run.step().onFailure() == null) {
            return failed;
        }
        Step step = run.step();
        int index = run.index();
        StepScope scope = run.scope();
        OnFailure policy = step.onFailure();
        if (policy.ignoreFailure()) {
            LOG.info("Ignoring the failure of {} (on_failure: true)", scope.where(index, step.label()));
            return failed.withSuccess(true, null);
        }
        if (policy.handlers().isEmpty()) {
            return failed;
        }
        StepOutcome current = failed;
        for (int round = 1; round <= policy.maxAttempts(); round++) {
            setErrorVariables(scope.vars(), current, step, round);
            StepOutcome handler = pipeline.runAll(policy.handlers(), scope);
            if (!handler.success() && policy.handlerFailureFatal()) {
                String msg = "on_failure handler of " + scope.where(index, step.label()) + " failed: "
                        + (handler.error() == null ? "?" : handler.error().message()) + " (original failure: "
                        + (current.error() == null ? "?" : current.error().message()) + ")";
                return current.withSuccess(
                        false,
                        new ItemError(
                                handler.error() == null
                                        ? ErrorKind.UNKNOWN
                                        : handler.error().kind(),
                                msg,
                                current.exitCode(),
                                step.label()));
            }
            if (!policy.retryOriginal()) {
                break;
            }
            current = attempts.run(step, index, scope);
            OutputCapture.store(step, current, scope.vars());
            if (current.success()) {
                return current;
            }
        }
        if (policy.failWorkflow()) {
            return current;
        }
        LOG.info("{} failed; its on_failure handler ran and the workflow goes on", scope.where(index, step.label()));
        return current.withSuccess(true, null);
    }

    private void setErrorVariables(Variables vars, StepOutcome failed, Step step, int attempt) {
        ItemError e = failed.error();
        String stderr = failed.stderr() == null ? "" : failed.stderr();
        vars.putString("error.message", !stderr.isBlank() ? stderr : e == null ? "" : e.message());
        vars.put(
                "error.exit_code",
                failed.exitCode() == null ? IntNode.valueOf(-1) : IntNode.valueOf(failed.exitCode()));
        vars.putString("error.step", step.label());
        vars.putString("error.timestamp", clock.instant().toString());
        vars.putString(
                "error.kind", e == null ? ErrorKind.UNKNOWN.name() : e.kind().name());
        String combined = "STDOUT:\n" + (failed.stdout() == null ? "" : failed.stdout()) + "\nSTDERR:\n" + stderr;
        vars.putString("shell.output", combined.length() > INLINE_OUTPUT_LIMIT ? spill(combined) : combined);
        vars.putString("shell.stderr", stderr);
        vars.put("shell.attempt", IntNode.valueOf(attempt));
        vars.put(
                "shell.exit_code",
                failed.exitCode() == null ? IntNode.valueOf(-1) : IntNode.valueOf(failed.exitCode()));
    }

    private String spill(String text) {
        try {
            Files.createDirectories(stateDirectory);
            Path f = Files.createTempFile(stateDirectory, "output-", ".txt");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            return f.toString();
        } catch (IOException e) {
            return text.substring(text.length() - INLINE_OUTPUT_LIMIT);
        }
    }
}
