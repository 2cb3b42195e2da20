package io.prodigy.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What one top-level step of a plain stage (or of a setup or reduce phase) did.
 *
 * @param stage the stage name
 * @param phase {@code steps}, {@code setup} or {@code reduce}
 * @param index the step's 0-based index in its phase
 * @param label the step's label
 * @param skipped whether its {@code when} condition was false
 * @param success whether it succeeded (true when skipped)
 * @param exitCode the exit code of its command, or null
 * @param duration how long it took, retries and handlers included
 * @param error why it failed, or null
 * @since 0.1
 */
public record StepRecord(
        String stage,
        String phase,
        int index,
        String label,
        boolean skipped,
        boolean success,
        @Nullable Integer exitCode,
        Duration duration,
        @Nullable ItemError error) {}
