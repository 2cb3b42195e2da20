package io.prodigy.cli;

import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.core.Prodigy;
import io.prodigy.git.MergeConfirmation;
import java.io.Console;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/** Runs, resumes or reprocesses one run with the progress display, and turns its outcome into an exit code. */
final class RunExecution {
    private RunExecution() {
    }

    /**
     * @param ctx the context
     * @param projectDir the directory the run works on
     * @param yes whether the final merge is confirmed without asking
     * @param runId the run's id (for the resume hint)
     * @param action what to do with the engine
     * @return the exit code
     */
    static int execute(CliContext ctx, Path projectDir, boolean yes, String runId,
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
            if (console == null) {
                ctx.err.println("Not merging " + what + ": no terminal to ask on; pass -y to merge without asking.");
                return false;
            }
            display.suspend();
            try {
                String answer = console.readLine("Merge %s? [y/N] ", what);
                return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
            } finally {
                display.resume();
            }
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
        ProgressDisplay.summary(result, ctx.out, display.color());
        if (Interrupts.shuttingDown() || result.status() == RunStatus.CANCELLED) {
            ctx.err.println("Interrupted: run " + result.runId() + " stopped and its state is saved. Resume it with:");
            ctx.err.println("  prodigy resume " + result.runId());
            ctx.err.flush();
            return ExitCodes.INTERRUPTED;
        }
        switch (result.status()) {
            case SUCCEEDED:
                return ExitCodes.OK;
            case COMPLETED_WITH_FAILURES:
                ctx.out.println("Some items failed; see them with: prodigy dlq list " + result.runId()
                        + " - retry them with: prodigy dlq retry " + result.runId());
                return ExitCodes.OK;
            case PAUSED:
                ctx.err.println("Paused: resume it with: prodigy resume " + result.runId());
                return ExitCodes.FAILED;
            default:
                ctx.err.println("Run " + result.runId() + " failed" + (result.failure() != null ? ": "
                        + result.failure() : "") + ". Inspect it with: prodigy status " + result.runId()
                        + "; continue it with: prodigy resume " + result.runId());
                return ExitCodes.FAILED;
        }
    }
}
