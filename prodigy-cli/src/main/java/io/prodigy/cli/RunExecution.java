package io.prodigy.cli;

import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.RunSummary;
import io.prodigy.api.Stage;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunLogs;
import io.prodigy.git.MergeConfirmation;
import java.io.Console;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/** Runs, resumes or reprocesses one run with the progress display, and turns its outcome into an exit code. */
final class RunExecution {
    private RunExecution() {}

    /**
     * @param ctx the context
     * @param projectDir the directory the run works on
     * @param yes whether the final merge is confirmed without asking
     * @param runId the run's id (for the resume hint)
     * @param wf the workflow (for {@code allow_empty}), or null when unknown
     * @param action what to do with the engine
     * @return the exit code: also 1 when every item failed, or when a map phase selected no items and the workflow
     *     does not allow that
     */
    static int execute(
            CliContext ctx,
            Path projectDir,
            boolean yes,
            String runId,
            Workflow wf,
            Function<Prodigy, RunResult> action) {
        ProgressDisplay display = ProgressDisplay.forTerminal(ctx.err);
        java.io.PrintStream originalErr = System.err;
        display.captureStandardError();
        MergeConfirmation confirmation = plan -> {
            if (yes) {
                return true;
            }
            Console console = Terminal.console();
            String what = plan.commits().size() + " commit(s) of run " + plan.runId() + " from branch "
                    + plan.sourceBranch() + " into " + plan.targetBranch()
                    + (plan.fastForward() ? " (fast-forward)" : " (merge commit)");
            boolean merge;
            if (console == null) {
                ctx.err.println("Not merging " + what + ": no terminal to ask on; pass -y to merge without asking.");
                merge = false;
            } else {
                display.suspend();
                try {
                    String answer = console.readLine("Merge %s? [y/N] ", what);
                    merge = answer != null
                            && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
                } finally {
                    display.resume();
                }
            }
            if (!merge) {
                PendingMerge.of(plan).write(ctx.home());
                ctx.err.println("The run's work stays on branch " + plan.sourceBranch() + "; merge it later with: "
                        + "prodigy merge " + plan.runId());
            }
            return merge;
        };
        Interrupts.install(ctx.config().shutdownGrace());
        RunResult result;
        try (Prodigy prodigy = ctx.prodigy(projectDir, display, confirmation)) {
            try {
                result = action.apply(prodigy);
            } finally {
                display.close();
            }
        } finally {
            System.setErr(originalErr);
        }
        if (result == null) {
            return ExitCodes.OK;
        }
        new FinalSummary(display.phaseOutput(), RunLogs.of(ctx.home(), result.runId()), display.color())
                .print(result, ctx.out);
        if (Interrupts.shuttingDown() || result.status() == RunStatus.CANCELLED) {
            ctx.err.println("Interrupted: run " + result.runId() + " stopped and its state is saved. Resume it with:");
            ctx.err.println("  prodigy resume " + result.runId());
            ctx.err.flush();
            return ExitCodes.INTERRUPTED;
        }
        RunSummary s = result.summary();
        switch (result.status()) {
            case SUCCEEDED:
            case COMPLETED_WITH_FAILURES:
                if (s.total() > 0 && s.succeeded() == 0 && s.failed() > 0) {
                    ctx.err.println("Every item failed (" + s.failed() + " of " + s.total() + "); see them with: "
                            + "prodigy dlq list " + result.runId() + " - their output: prodigy logs "
                            + result.runId() + " ITEM");
                    return ExitCodes.FAILED;
                }
                if (s.total() == 0 && wf != null && selectsItems(wf) && !allowsEmpty(wf)) {
                    ctx.err.println("The map phase selected 0 items, so nothing was done (check its input, filter "
                            + "and the directory you ran in). When no items is a normal outcome, set "
                            + "allow_empty: true under map:.");
                    return ExitCodes.FAILED;
                }
                if (result.status() == RunStatus.COMPLETED_WITH_FAILURES) {
                    ctx.out.println("Some items failed; see them with: prodigy dlq list " + result.runId()
                            + " - retry them with: prodigy dlq retry " + result.runId());
                }
                return ExitCodes.OK;
            case PAUSED:
                ctx.err.println("Paused: resume it with: prodigy resume " + result.runId());
                return ExitCodes.FAILED;
            default:
                ctx.err.println(
                        "Run " + result.runId() + " failed" + (result.failure() != null ? ": " + result.failure() : "")
                                + ". Inspect it with: prodigy status " + result.runId()
                                + " (output: prodigy logs " + result.runId() + "); continue it with: prodigy resume "
                                + result.runId());
                return ExitCodes.FAILED;
        }
    }

    private static boolean selectsItems(Workflow wf) {
        return wf.stages().stream().anyMatch(st -> st instanceof Stage.MapReduce);
    }

    private static boolean allowsEmpty(Workflow wf) {
        return wf.stages().stream()
                .filter(st -> st instanceof Stage.MapReduce)
                .allMatch(st -> ((Stage.MapReduce) st).map().allowEmpty());
    }
}
