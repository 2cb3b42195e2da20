package io.prodigy.api;

/**
 * What happens to a MapReduce item that failed for good ({@code on_item_failure}).
 *
 * @since 0.1
 */
public enum ItemFailureAction {
    /** Record it in the Dead Letter Queue and go on (the default). */
    DLQ,
    /** Run the whole item again under {@link ErrorPolicy#itemRetry()}, then send it to the DLQ. */
    RETRY,
    /** Count it as failed and go on, without a DLQ entry. */
    SKIP,
    /** Stop dispatching further items; the run fails after the items in flight finish. */
    STOP
}
