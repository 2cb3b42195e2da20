package io.prodigy.core.internal.engine.step;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.spi.TokenUsage;
import java.time.Duration;

/**
 * What a step (or one attempt of it) did.
 *
 * @param success whether it succeeded (true when skipped)
 * @param skipped whether {@code when} skipped it
 * @param exitCode the command's exit code, or null
 * @param stdout standard output (or an agent's output)
 * @param stderr standard error
 * @param duration how long it took
 * @param error why it failed, or null
 * @param costUsd agent cost, or null
 * @param tokens agent tokens
 * @param retryAfter when a throttled backend accepts work again, or null
 */
public record StepOutcome(
        boolean success,
        boolean skipped,
        Integer exitCode,
        String stdout,
        String stderr,
        Duration duration,
        ItemError error,
        Double costUsd,
        TokenUsage tokens,
        java.time.Instant retryAfter) {

    /** Applies defaults. */
    public StepOutcome {
        tokens = tokens == null ? TokenUsage.NONE : tokens;
    }

    /**
     * An outcome without tokens or retry-after time.
     *
     * @param success whether it succeeded
     * @param skipped whether it was skipped
     * @param exitCode the exit code, or null
     * @param stdout standard output
     * @param stderr standard error
     * @param duration how long it took
     * @param error why it failed, or null
     * @param costUsd agent cost, or null
     */
    public StepOutcome(
            boolean success,
            boolean skipped,
            Integer exitCode,
            String stdout,
            String stderr,
            Duration duration,
            ItemError error,
            Double costUsd) {
        this(success, skipped, exitCode, stdout, stderr, duration, error, costUsd, TokenUsage.NONE, null);
    }

    /** @return the outcome of a step {@code when} skipped */
    public static StepOutcome skippedStep() {
        return new StepOutcome(true, true, null, "", "", Duration.ZERO, null, null);
    }

    /**
     * @param kind the error kind
     * @param message what went wrong
     * @param label the failing step's label
     * @param duration how long it took
     * @return a failure without output
     */
    public static StepOutcome failure(ErrorKind kind, String message, String label, Duration duration) {
        return new StepOutcome(false, false, null, "", "", duration, new ItemError(kind, message, null, label), null);
    }

    /**
     * @param ok whether it succeeded
     * @param err why it failed (dropped when {@code ok})
     * @return this outcome, succeeded or failed
     */
    public StepOutcome withSuccess(boolean ok, ItemError err) {
        return new StepOutcome(
                ok, skipped, exitCode, stdout, stderr, duration, ok ? null : err, costUsd, tokens, retryAfter);
    }

    /** @param d how long it took @return this outcome with that duration */
    public StepOutcome withDuration(Duration d) {
        return new StepOutcome(success, skipped, exitCode, stdout, stderr, d, error, costUsd, tokens, retryAfter);
    }

    /**
     * @param cost agent cost, or null
     * @param used agent tokens
     * @return this outcome with that usage
     */
    public StepOutcome withUsage(Double cost, TokenUsage used) {
        return new StepOutcome(success, skipped, exitCode, stdout, stderr, duration, error, cost, used, retryAfter);
    }

    /** @return the text used to decide whether a failure is worth retrying */
    public String failureText() {
        StringBuilder sb = new StringBuilder();
        if (error != null) {
            sb.append(error.message()).append('\n');
        }
        sb.append(stderr == null ? "" : stderr).append('\n').append(stdout == null ? "" : stdout);
        return sb.toString();
    }
}
