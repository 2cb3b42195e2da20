package io.prodigy.core.internal.engine.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.Step;
import io.prodigy.api.Validation;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step's {@code validate}: runs the validation commands (with {@code PRODIGY_VALIDATION=true}), reads the
 * completion from their JSON output or result file into the {@code validation.*} variables, and while it is below
 * the threshold runs {@code on_incomplete} and validates again.
 */
final class ValidationLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ValidationLoop.class);

    private final StepPipeline pipeline;

    /** @param pipeline runs the validation commands and the on_incomplete handlers */
    ValidationLoop(StepPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * The goal-seeking loop, for a succeeded step with {@code validate}: validate, and while below the threshold
     * run {@code on_incomplete} and validate again, up to its attempts.
     *
     * @param run the step being run
     * @param outcome its outcome so far
     * @return the outcome, failed with VALIDATION_FAILED when the threshold was not reached and
     *     {@code fail_workflow} holds
     * @throws InterruptedException if interrupted
     */
    StepOutcome apply(StepRun run, StepOutcome outcome) throws InterruptedException {
        if (!outcome.success() || run.step().validate() == null) {
            return outcome;
        }
        Step step = run.step();
        StepScope scope = run.scope();
        Validation v = step.validate();
        String where = run.where();
        scope.vars().put("validation.attempt_number", IntNode.valueOf(0));
        scope.vars().put("validation.threshold", DoubleNode.valueOf(v.threshold()));
        ValidationRun check = runValidation(v, scope, where);
        double completion = check.completion();
        int rounds = 0;
        String handlerFailure = null;
        while (completion < v.threshold()
                && v.onIncomplete() != null
                && rounds < v.onIncomplete().maxAttempts()) {
            rounds++;
            scope.vars().put("validation.attempt_number", IntNode.valueOf(rounds));
            scope.vars().put("validation.attempt", IntNode.valueOf(rounds));
            scope.vars()
                    .put(
                            "validation.max_attempts",
                            IntNode.valueOf(v.onIncomplete().maxAttempts()));
            LOG.info(
                    "Validation of {} at {}% (threshold {}%), running on_incomplete (round {} of {})",
                    where, completion, v.threshold(), rounds, v.onIncomplete().maxAttempts());
            StepOutcome fix = pipeline.runAll(v.onIncomplete().commands(), scope);
            if (!fix.success()) {
                handlerFailure = fix.error() == null ? "?" : fix.error().message();
                LOG.warn("on_incomplete of {} failed (round {}): {}", where, rounds, handlerFailure);
            }
            check = runValidation(v, scope, where);
            completion = check.completion();
        }
        if (completion >= v.threshold()) {
            return outcome;
        }
        boolean fail = v.onIncomplete() == null || v.onIncomplete().failWorkflow();
        String msg = "validation of " + where + " reached " + completion + "%, below the threshold of "
                + v.threshold() + "%" + (rounds > 0 ? " after " + rounds + " on_incomplete round(s)" : "")
                + (check.failure() != null ? "; the validation command failed: " + check.failure() : "")
                + (handlerFailure != null ? "; on_incomplete failed: " + handlerFailure : "");
        if (!fail) {
            LOG.warn("{}; going on because fail_workflow is false", msg);
            return outcome;
        }
        return outcome.withSuccess(
                false, new ItemError(ErrorKind.VALIDATION_FAILED, msg, outcome.exitCode(), step.label()));
    }

    /**
     * One validation.
     *
     * @param completion the score
     * @param failure why the validation command failed (its error, with the end of its output), or null
     */
    private record ValidationRun(double completion, String failure) {}

    private ValidationRun runValidation(Validation v, StepScope scope, String where) throws InterruptedException {
        Map<String, String> env = new HashMap<>(scope.env());
        env.put("PRODIGY_VALIDATION", "true");
        StepScope validationScope = new StepScope(
                scope.vars(),
                scope.workspace(),
                scope.phase(),
                scope.itemId(),
                v.timeout() == null
                        ? scope.deadline()
                        : scope.withDeadline(Instant.now().plus(v.timeout())).deadline(),
                env);
        StepOutcome last = pipeline.runAll(v.commands(), validationScope);
        JsonNode result = null;
        String source = null;
        if (v.resultFile() != null) {
            String file = Interpolator.interpolate(v.resultFile(), scope.vars(), Interpolator.Quoting.NONE, where);
            Path p = ActionContext.resolveInside(scope.workspace().directory(), file, "validate result_file", where);
            source = p.toString();
            try {
                if (Files.exists(p)) {
                    result = Json.parse(Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                LOG.warn("validation result file {} of {} is not valid JSON: {}", p, where, e.getMessage());
            }
        } else if (last.stdout() != null && !last.stdout().isBlank()) {
            try {
                result = Json.parse(last.stdout().strip());
                source = "output";
            } catch (JsonProcessingException e) {
                result = null;
            }
        }
        double completion;
        Variables vars = scope.vars();
        if (result != null && result.isObject()) {
            JsonNode pct = result.path("completion_percentage");
            if (!pct.isNumber()) {
                pct = result.path("completion");
            }
            completion = pct.isNumber() ? pct.asDouble() : (last.success() ? 100.0 : 0.0);
            result.properties().forEach(field -> vars.put("validation." + field.getKey(), field.getValue()));
            vars.put("validation.result", result);
            JsonNode missing = result.path("missing");
            vars.put("validation.completion", DoubleNode.valueOf(completion));
            vars.putString(
                    "validation.status",
                    result.path("status").asText(completion >= v.threshold() ? "complete" : "incomplete"));
            vars.put("validation.missing", missing.isArray() ? missing : Json.NODES.arrayNode());
            vars.put("validation.missing_count", IntNode.valueOf(missing.isArray() ? missing.size() : 0));
            vars.put(
                    "validation.implemented",
                    result.path("implemented").isArray() ? result.path("implemented") : Json.NODES.arrayNode());
            vars.put("validation.gaps", result.path("gaps").isObject() ? result.path("gaps") : Json.NODES.objectNode());
            LOG.debug("validation of {} read from {}: {}%", where, source, completion);
        } else {
            completion = last.success() ? 100.0 : 0.0;
            vars.put("validation.completion", DoubleNode.valueOf(completion));
            vars.putString("validation.status", last.success() ? "complete" : "failed");
            vars.put("validation.missing", Json.NODES.arrayNode());
            vars.put("validation.missing_count", IntNode.valueOf(0));
            vars.put("validation.implemented", Json.NODES.arrayNode());
            vars.put("validation.gaps", Json.NODES.objectNode());
            vars.put("validation.result", Json.NODES.objectNode());
        }
        String failure = null;
        if (!last.success()) {
            failure = last.error() != null ? last.error().message() : "exit code " + last.exitCode();
            LOG.info("the validation command of {} failed: {}", where, failure);
        }
        return new ValidationRun(completion, failure);
    }
}
