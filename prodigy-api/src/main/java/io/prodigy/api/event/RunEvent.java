package io.prodigy.api.event;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened in a run. Every event carries the run's id and a timestamp; item and step events
 * carry the item's id ({@code null} outside the map phase).
 *
 * @since 0.1
 */
public sealed interface RunEvent
        permits RunEvent.RunStarted,
                RunEvent.RunFinished,
                RunEvent.PhaseStarted,
                RunEvent.PhaseFinished,
                RunEvent.ItemsResolved,
                RunEvent.ItemStarted,
                RunEvent.ItemFinished,
                RunEvent.StepStarted,
                RunEvent.StepFinished,
                RunEvent.RetryScheduled,
                RunEvent.ItemFailed,
                RunEvent.ItemDeadLettered,
                RunEvent.ItemIntegrated,
                RunEvent.AgentActivity,
                RunEvent.Throttled,
                RunEvent.ConcurrencyRaised,
                RunEvent.BudgetReached {

    /** @return the run's id */
    String runId();

    /** @return when it happened */
    Instant at();

    /**
     * @param runId run
     * @param at when
     * @param workflowName the workflow
     * @since 0.1
     */
    record RunStarted(String runId, Instant at, String workflowName) implements RunEvent {}

    /**
     * @param runId run
     * @param at when
     * @param status how it ended
     * @param duration how long it took
     * @since 0.1
     */
    record RunFinished(String runId, Instant at, RunStatus status, Duration duration) implements RunEvent {}

    /**
     * @param runId run
     * @param at when
     * @param stage the stage name
     * @param phase {@code steps}, {@code setup}, {@code map} or {@code reduce}
     * @since 0.1
     */
    record PhaseStarted(String runId, Instant at, String stage, String phase) implements RunEvent {}

    /**
     * @param runId run
     * @param at when
     * @param stage the stage name
     * @param phase the phase
     * @param success whether it succeeded
     * @param duration how long it took
     * @since 0.1
     */
    record PhaseFinished(String runId, Instant at, String stage, String phase, boolean success, Duration duration)
            implements RunEvent {}

    /**
     * The map phase's items are known (after filter, sort and limits).
     *
     * @param runId run
     * @param at when
     * @param stage the stage name
     * @param total the number of items, those settled before a resume included
     * @param maxParallel agents at once
     * @param succeededBefore items that succeeded in an earlier attempt of the run (a resume skips them)
     * @param failedBefore items that failed for good in an earlier attempt of the run
     * @since 0.1
     */
    record ItemsResolved(
            String runId, Instant at, String stage, int total, int maxParallel, int succeededBefore, int failedBefore)
            implements RunEvent {
        /**
         * Items of a first attempt.
         *
         * @param runId run
         * @param at when
         * @param stage the stage name
         * @param total the number of items
         * @param maxParallel agents at once
         */
        public ItemsResolved(String runId, Instant at, String stage, int total, int maxParallel) {
            this(runId, at, stage, total, maxParallel, 0, 0);
        }

        /** @return the items settled before this attempt */
        public int settledBefore() {
            return succeededBefore + failedBefore;
        }
    }

    /**
     * @param runId run
     * @param at when
     * @param itemId item
     * @param attempt attempt number from 1
     * @param workspace the workspace's name
     * @param label a short name of the item for people: its id when the map phase has an {@code id_field}, else
     *              its value, path or main field, shortened (the id when null is given)
     *
     * @since 0.1
     */
    record ItemStarted(String runId, Instant at, String itemId, int attempt, String workspace, String label)
            implements RunEvent {
        /**
         * Defaults the label to the item's id.
         *
         * @param runId run
         * @param at when
         * @param itemId item
         * @param attempt attempt number from 1
         * @param workspace the workspace's name
         * @param label a short name of the item for people: its id when the map phase has an {@code id_field}, else
         *        its value, path or main field, shortened (the id when null is given)
         */
        public ItemStarted {
            label = label == null ? itemId : label;
        }

        /**
         * An item start labelled by its id.
         *
         * @param runId run
         * @param at when
         * @param itemId item
         * @param attempt attempt number from 1
         * @param workspace the workspace's name
         */
        public ItemStarted(String runId, Instant at, String itemId, int attempt, String workspace) {
            this(runId, at, itemId, attempt, workspace, itemId);
        }
    }

    /**
     * @param runId run
     * @param at when
     * @param itemId item
     * @param status how it ended
     * @param attempts attempts made
     * @param duration time over all attempts
     * @param costUsd the item's agent cost, or null if unknown
     * @since 0.1
     */
    record ItemFinished(
            String runId,
            Instant at,
            String itemId,
            ItemStatus status,
            int attempts,
            Duration duration,
            @Nullable Double costUsd)
            implements RunEvent {}

    /**
     * @param runId run
     * @param at when
     * @param itemId item or null
     * @param phase the phase
     * @param index the step's index in its list
     * @param label the step's label (its command as written, with {@code ${...}} unfilled)
     * @param command the step's command with its variables filled in, on one line, secrets masked and shortened
     *                (the label when it cannot be filled in before the step runs)
     *
     * @since 0.1
     */
    record StepStarted(
            String runId, Instant at, @Nullable String itemId, String phase, int index, String label, String command)
            implements RunEvent {
        /**
         * Defaults the command to the label.
         *
         * @param runId run
         * @param at when
         * @param itemId item or null
         * @param phase the phase
         * @param index the step's index in its list
         * @param label the step's label (its command as written, with {@code ${...}} unfilled)
         * @param command the step's command with its variables filled in, on one line, secrets masked and shortened
         *        (the label when it cannot be filled in before the step runs)
         */
        public StepStarted {
            command = command == null ? label : command;
        }

        /**
         * A step start whose command is its label.
         *
         * @param runId run
         * @param at when
         * @param itemId item or null
         * @param phase the phase
         * @param index the step's index in its list
         * @param label the step's label
         */
        public StepStarted(String runId, Instant at, @Nullable String itemId, String phase, int index, String label) {
            this(runId, at, itemId, phase, index, label, label);
        }
    }

    /**
     * @param runId run
     * @param at when
     * @param itemId item or null
     * @param phase the phase
     * @param index the step's index
     * @param label the step's label
     * @param skipped whether it was skipped: by a false {@code when}, or as a once-per-worktree step that already ran
     *                in its reused worktree
     * @param success whether it succeeded
     * @param exitCode its exit code, or null
     * @param duration how long it took
     * @param output the end of what the step printed (stdout, then stderr), secrets masked, at most
     *               {@link #MAX_OUTPUT_CHARS} characters; empty when it printed nothing
     *
     * @since 0.1
     */
    record StepFinished(
            String runId,
            Instant at,
            @Nullable String itemId,
            String phase,
            int index,
            String label,
            boolean skipped,
            boolean success,
            @Nullable Integer exitCode,
            Duration duration,
            String output)
            implements RunEvent {
        /** The most characters of output an event carries (the run's step logs keep more). */
        public static final int MAX_OUTPUT_CHARS = 4096;

        /**
         * Defaults the output to empty.
         *
         * @param runId run
         * @param at when
         * @param itemId item or null
         * @param phase the phase
         * @param index the step's index
         * @param label the step's label
         * @param skipped whether it was skipped: by a false {@code when}, or as a once-per-worktree step that already
         *        ran in its reused worktree
         * @param success whether it succeeded
         * @param exitCode its exit code, or null
         * @param duration how long it took
         * @param output the end of what the step printed (stdout, then stderr), secrets masked, at most
         *        {@link #MAX_OUTPUT_CHARS} characters; empty when it printed nothing
         */
        public StepFinished {
            output = output == null ? "" : output;
        }

        /**
         * A step end without output.
         *
         * @param runId run
         * @param at when
         * @param itemId item or null
         * @param phase the phase
         * @param index the step's index
         * @param label the step's label
         * @param skipped whether {@code when} skipped it
         * @param success whether it succeeded
         * @param exitCode its exit code, or null
         * @param duration how long it took
         */
        public StepFinished(
                String runId,
                Instant at,
                @Nullable String itemId,
                String phase,
                int index,
                String label,
                boolean skipped,
                boolean success,
                @Nullable Integer exitCode,
                Duration duration) {
            this(runId, at, itemId, phase, index, label, skipped, success, exitCode, duration, "");
        }
    }

    /**
     * A failed attempt will be tried again after a delay.
     *
     * @param runId run
     * @param at when
     * @param itemId item or null
     * @param label the step's label, or null for a whole-item retry
     * @param nextAttempt the attempt about to be made
     * @param delay the wait before it
     * @param reason why the last attempt failed
     * @since 0.1
     */
    record RetryScheduled(
            String runId,
            Instant at,
            @Nullable String itemId,
            @Nullable String label,
            int nextAttempt,
            Duration delay,
            String reason)
            implements RunEvent {}

    /**
     * An item attempt failed.
     *
     * @param runId run
     * @param at when
     * @param itemId item
     * @param attempt the attempt
     * @param errorKind the class of failure
     * @param message what went wrong
     * @param willRetry whether the item will be tried again
     * @since 0.1
     */
    record ItemFailed(
            String runId,
            Instant at,
            String itemId,
            int attempt,
            ErrorKind errorKind,
            String message,
            boolean willRetry)
            implements RunEvent {}

    /**
     * @param runId run
     * @param at when
     * @param itemId item recorded in the DLQ
     * @since 0.1
     */
    record ItemDeadLettered(String runId, Instant at, String itemId) implements RunEvent {}

    /**
     * @param runId run
     * @param at when
     * @param itemId item whose work was integrated into the run's workspace
     * @param commits how many commits it brought
     * @since 0.1
     */
    record ItemIntegrated(String runId, Instant at, String itemId, int commits) implements RunEvent {}

    /**
     * Something a running agent did (a tool call, a message), as reported by its runner.
     *
     * @param runId run
     * @param at when
     * @param itemId item or null
     * @param step the step's label
     * @param type the activity type, e.g. {@code tool_use}
     * @param summary one line for humans
     * @param details extra fields
     * @since 0.1
     */
    record AgentActivity(
            String runId,
            Instant at,
            @Nullable String itemId,
            String step,
            String type,
            String summary,
            java.util.Map<String, String> details)
            implements RunEvent {
        /**
         * Copies.
         *
         * @param runId run
         * @param at when
         * @param itemId item or null
         * @param step the step's label
         * @param type the activity type, e.g. {@code tool_use}
         * @param summary one line for humans
         * @param details extra fields
         */
        public AgentActivity {
            details = java.util.Map.copyOf(details);
        }
    }

    /**
     * The agent backend throttled an agent (429, 529 or an exhausted quota): the engine lowered the number of
     * agents it runs at once and, for a quota, parked dispatch until the reset time. The throttled attempt is
     * tried again without counting against the step's retries.
     *
     * @param runId run
     * @param at when
     * @param itemId item or null
     * @param errorKind RATE_LIMITED, OVERLOADED or QUOTA_EXHAUSTED
     * @param concurrency agents allowed at once from now on
     * @param resumeAt when dispatch resumes (a quota reset), or null
     * @param retryIn how long the throttled attempt waits before trying again
     * @since 0.1
     */
    record Throttled(
            String runId,
            Instant at,
            @Nullable String itemId,
            io.prodigy.api.ErrorKind errorKind,
            int concurrency,
            @Nullable Instant resumeAt,
            Duration retryIn)
            implements RunEvent {}

    /**
     * After a throttle lowered it ({@link Throttled}), the number of agents the engine runs at once grew back by one:
     * it grows after as many consecutive successes as the current limit, up to {@code max_parallel}.
     *
     * @param runId run
     * @param at when
     * @param concurrency agents allowed at once from now on
     * @since 0.1
     */
    record ConcurrencyRaised(String runId, Instant at, int concurrency) implements RunEvent {}

    /**
     * The run's cost budget was reached; it stops dispatching and pauses.
     *
     * @param runId run
     * @param at when
     * @param spentUsd the cost so far
     * @param budgetUsd the budget
     * @since 0.1
     */
    record BudgetReached(String runId, Instant at, double spentUsd, double budgetUsd) implements RunEvent {}
}
