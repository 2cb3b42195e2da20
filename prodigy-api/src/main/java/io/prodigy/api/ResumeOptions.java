package io.prodigy.api;

/**
 * How an interrupted run is resumed.
 *
 * @param force resume even though the workflow changed since the run started (its hash differs)
 * @param includeDeadLettered run the items that went to the Dead Letter Queue again too
 */
public record ResumeOptions(boolean force, boolean includeDeadLettered) {
    /** Refuse a changed workflow; leave DLQ items alone. */
    public static final ResumeOptions DEFAULT = new ResumeOptions(false, false);
}
