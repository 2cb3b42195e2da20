package io.prodigy.api;

/**
 * How a run ended (or where it stands).
 *
 * @since 0.1
 */
public enum RunStatus {
    /** Still running. */
    RUNNING,
    /** Every step and item succeeded. */
    SUCCEEDED,
    /** The run finished, but some MapReduce items failed (they are in the DLQ or were skipped by policy). */
    COMPLETED_WITH_FAILURES,
    /** A step failed, or the error policy stopped a MapReduce phase. */
    FAILED,
    /** The run was cancelled; finished work is kept and it can be resumed. */
    CANCELLED,
    /** The run stopped dispatching because its cost budget was reached; resume it with a higher budget. */
    PAUSED;

    /** @return whether the run has ended */
    public boolean isTerminal() {
        return this != RUNNING;
    }
}
