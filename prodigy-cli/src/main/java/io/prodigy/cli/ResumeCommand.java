package io.prodigy.cli;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.store.RunMetadata;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy resume [RUN_ID]}: continues an interrupted, failed or killed run. */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = {
            "Continues a run that was interrupted, killed, failed or paused, where it stopped: finished "
                    + "steps and merged items are not run again; items in flight run again from a clean worktree.",
            "Without RUN_ID: the latest unfinished run of this project. The workflow file is loaded again "
                    + "with the run's parameters; a changed file is refused unless --force."
        },
        footer = ExitCodes.HELP)
class ResumeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_ID", description = "The run (see prodigy runs).")
    String runId;

    @Option(
            names = {"-y", "--yes"},
            description = "Merge the run's work into your branch without asking.")
    boolean yes;

    @Option(
            names = {"-f", "--force"},
            description = "Resume even though the workflow file changed.")
    boolean force;

    @Option(names = "--include-dlq", description = "Also run the items in the Dead Letter Queue again.")
    boolean includeDlq;

    @Option(
            names = "--budget",
            paramLabel = "USD",
            description = "A new cost budget in US dollars, for a run paused by its budget.")
    Double budget;

    @picocli.CommandLine.Mixin
    IsolationOption isolation = new IsolationOption();

    @picocli.CommandLine.Mixin
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create().isolation(isolation);
        RunRecord record = ctx.run(runId, true);
        Workflow wf = ctx.rebuild(record);
        ctx.workflow(wf);
        Path dir = record.projectDirectory() != null ? record.projectDirectory() : ctx.project();
        ctx.err.println("Resuming run " + record.runId() + " (" + record.workflowName() + ", " + record.status()
                + ") in " + dir);
        ctx.continuing(record).checkIsolation(wf, maxParallelOf(record), dir);
        if (budget != null && budget <= 0) {
            throw CliException.usage("--budget must be more than 0, not " + budget);
        }
        ResumeOptions options = new ResumeOptions(force, includeDlq, budget);
        try (io.prodigy.temporal.TemporalMapExecutor remote =
                executorOptions.create(ctx.config(), ctx.workflowSource(record))) {
            ctx.useMapExecutor(remote);
            return RunExecution.execute(
                    ctx, dir, yes, record.runId(), wf, prodigy -> prodigy.resume(record.runId(), wf, options));
        }
    }

    /** @param record a run @return the {@code max_parallel} it was started with, or null for the workflow's */
    static Integer maxParallelOf(RunRecord record) {
        return RunMetadata.maxParallel(record);
    }

    /** The Rust tool's name for resuming a MapReduce job. */
    @Command(
            name = "resume-job",
            mixinStandardHelpOptions = true,
            description = "The same as resume (the Rust tool's name for resuming a MapReduce job).",
            footer = ExitCodes.HELP)
    static final class ResumeJob extends ResumeCommand {}
}
