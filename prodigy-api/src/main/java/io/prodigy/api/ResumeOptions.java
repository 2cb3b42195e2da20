package io.prodigy.api;

import org.jspecify.annotations.Nullable;

/**
 * How an interrupted or paused run is resumed.
 *
 * @param force resume even though the workflow changed since the run started (its hash differs)
 * @param includeDeadLettered run the items that went to the Dead Letter Queue again too
 * @param budgetUsd a new cost budget in US dollars (for a run paused by its budget), or null to keep the old one
 * @since 0.1
 */
public record ResumeOptions(
        boolean force,
        boolean includeDeadLettered,
        @Nullable Double budgetUsd) {
    /** Refuse a changed workflow; leave DLQ items alone; keep the budget. */
    public static final ResumeOptions DEFAULT = new ResumeOptions(false, false, null);

    /**
     * @param force resume a changed workflow
     * @param includeDeadLettered rerun DLQ items
     */
    public ResumeOptions(boolean force, boolean includeDeadLettered) {
        this(force, includeDeadLettered, null);
    }

    /**
     * @param usd the new budget
     * @return a copy with it
     */
    public ResumeOptions withBudgetUsd(Double usd) {
        return new ResumeOptions(force, includeDeadLettered, usd);
    }
}
