package io.prodigy.temporal;

/**
 * What a worker returns for one item attempt (and records, for a success, in the tag at the item's ref): small
 * values only.
 *
 * @param itemId the item's id
 * @param status {@code SUCCEEDED}, {@code FAILED} or {@code THROTTLED} (the agent backend throttled it; the workflow
 *               waits and runs it again, not counted as an attempt)
 * @param errorKind the {@link io.prodigy.api.ErrorKind} name of a failure, or null
 * @param errorMessage the failure's message, or null
 * @param exitCode the failing command's exit code, or null
 * @param step the failing step's label, or null
 * @param output the last step's output (truncated)
 * @param costUsd the agents' cost, or null
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param baseCommit the commit the item's work started from, or null
 * @param commit the item's tip commit on the remote, or null
 * @param retryAfterMillis for {@code THROTTLED}: how long to wait, 0 if unknown
 * @param dispatch how many times the activity was started for this attempt (2+ after a dead worker)
 * @param worker the worker's identity
 * @param recorded whether the worker found the result already pushed and did not run the agent again
 */
public record ItemRecord(
        String itemId,
        String status,
        String errorKind,
        String errorMessage,
        Integer exitCode,
        String step,
        String output,
        Double costUsd,
        long inputTokens,
        long outputTokens,
        String baseCommit,
        String commit,
        long retryAfterMillis,
        int dispatch,
        String worker,
        boolean recorded) {
    /** Succeeded. */
    public static final String SUCCEEDED = "SUCCEEDED";
    /** Failed. */
    public static final String FAILED = "FAILED";
    /** Throttled by the agent backend. */
    public static final String THROTTLED = "THROTTLED";

    /** @param n the dispatch count @param recordedHere whether it was found recorded @return a copy */
    public ItemRecord withDispatch(int n, boolean recordedHere) {
        return new ItemRecord(
                itemId,
                status,
                errorKind,
                errorMessage,
                exitCode,
                step,
                output,
                costUsd,
                inputTokens,
                outputTokens,
                baseCommit,
                commit,
                retryAfterMillis,
                n,
                worker,
                recordedHere);
    }
}
