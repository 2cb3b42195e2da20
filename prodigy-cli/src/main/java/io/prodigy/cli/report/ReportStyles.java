package io.prodigy.cli.report;

import io.prodigy.api.ItemStatus;
import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.cli.report.ReportModel.Outcome;
import io.prodigy.cli.report.ReportModel.Phase;
import io.prodigy.cli.report.ReportModel.StepSpan;
import io.prodigy.cli.report.ReportModel.WaitKind;

/**
 * How the report names things for people and which CSS class draws them: attempt outcomes ({@code b-*}), waits
 * ({@code w-*}), item and run statuses ({@code st-*}), phase and step bars. The classes are defined in
 * {@link ReportCss}.
 */
final class ReportStyles {
    private ReportStyles() {}

    /** @return the class suffix of an attempt's bar and legend swatch ({@code b-<suffix>}) */
    static String css(Outcome o) {
        return switch (o) {
            case SUCCESS -> "ok";
            case RETRIED -> "retried";
            case FAILED -> "failed";
            case DEAD_LETTERED -> "dlq";
            case CANCELLED -> "cancelled";
            case RUNNING -> "running";
        };
    }

    /** @return how the legend and tooltips name an outcome */
    static String label(Outcome o) {
        return switch (o) {
            case SUCCESS -> "succeeded";
            case RETRIED -> "failed, retried";
            case FAILED -> "failed";
            case DEAD_LETTERED -> "failed, dead-lettered";
            case CANCELLED -> "cancelled";
            case RUNNING -> "running";
        };
    }

    /** @return the class suffix of a wait's segment and legend swatch ({@code w-<suffix>}) */
    static String css(WaitKind w) {
        return switch (w) {
            case BACKOFF -> "backoff";
            case STEP_RETRY -> "stepwait";
            case THROTTLE -> "throttle";
        };
    }

    /** @return how the legend and tooltips name a wait */
    static String label(WaitKind w) {
        return switch (w) {
            case BACKOFF -> "backoff before retry";
            case STEP_RETRY -> "step retry wait";
            case THROTTLE -> "rate-limit wait";
        };
    }

    /** @return an item's status as the table shows it (underscores still in) */
    static String statusText(Item it) {
        if (it.status == null) {
            return it.started() ? "RUNNING" : "PENDING";
        }
        if (it.status == ItemStatus.FAILED && it.deadLettered) {
            return it.dlqResolved ? "DEAD_LETTERED (resolved)" : "DEAD_LETTERED";
        }
        return it.status.name();
    }

    /** @return the class suffix of an item's status pill ({@code st-*}) and duration bar ({@code b-*}) */
    static String statusCss(Item it) {
        if (it.status == null) {
            return it.started() ? "running" : "pending";
        }
        return switch (it.status) {
            case SUCCEEDED -> "ok";
            case FAILED -> it.deadLettered ? "dlq" : "failed";
            case CANCELLED -> "cancelled";
            default -> "pending";
        };
    }

    /** @return the class suffix of the run's status pill ({@code st-*}) for a run status's name */
    static String runStatusCss(String status) {
        return switch (status) {
            case "SUCCEEDED" -> "ok";
            case "COMPLETED_WITH_FAILURES" -> "warn";
            case "FAILED" -> "failed";
            case "RUNNING" -> "running";
            default -> "other";
        };
    }

    /** @return the class suffix of a phase row's bar ({@code b-*}) */
    static String phaseCss(Phase p) {
        return p.end == null ? "running" : Boolean.FALSE.equals(p.success) ? "failed" : "phase";
    }

    /** @return the class suffix of a step's bar inside its phase row ({@code b-*}) */
    static String stepCss(StepSpan s) {
        return s.end == null ? "running" : s.skipped ? "cancelled" : Boolean.FALSE.equals(s.success) ? "failed" : "ok";
    }
}
