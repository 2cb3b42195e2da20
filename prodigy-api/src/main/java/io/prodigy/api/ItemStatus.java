package io.prodigy.api;

/**
 * The outcome of one MapReduce work item.
 *
 * @since 0.1
 */
public enum ItemStatus {
    /** Its template succeeded and its result was integrated. */
    SUCCEEDED,
    /** It failed for good; {@link ItemResult#deadLettered()} says whether it went to the DLQ. */
    FAILED,
    /** It was running when the run was cancelled. */
    CANCELLED,
    /** It never started: the run was cancelled or the error policy stopped the phase first. */
    NOT_RUN
}
