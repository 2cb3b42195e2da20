package io.prodigy.cli;

import io.prodigy.api.RunOptions;
import io.prodigy.api.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy run FILE}: runs a workflow file. */
@Command(name = "run", aliases = "cook", mixinStandardHelpOptions = true,
        description = {"Runs a workflow file (YAML or JSON, the Rust tool's format). In a git repository the run "
                + "works in its own worktree and branch, each map item in another, and the result is merged back "
                + "into your branch at the end (asked first, unless -y).",
                "Agent (claude:) steps run Claude Code (the command and model come from the configuration)."},
        footer = ExitCodes.HELP)
final class RunCommand implements Callable<Integer> {
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments: $ARG (the first), $ARG_1, $1, ...")
    List<String> args = new ArrayList<>();

    @Option(names = {"-y", "--yes"}, description = "Merge the run's work into your branch without asking.")
    boolean yes;

    @Option(names = "--dry-run", description = "Print the plan (stages, steps, how many items) and run nothing.")
    boolean dryRun;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A workflow parameter (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--param-file", paramLabel = "FILE", description = "Parameters from a YAML or JSON file.")
    Path paramFile;

    @Option(names = "--profile", paramLabel = "NAME", description = "The workflow's environment profile to use.")
    String profile;

    @Option(names = {"-n", "--max-parallel"}, paramLabel = "N",
            description = "Items of a map phase at once (overrides the workflow and the configuration).")
    Integer maxParallel;

    @Option(names = "--strict", description = "Unknown keys in the workflow file are errors.")
    boolean strict;

    @picocli.CommandLine.Mixin
    IsolationOption isolation = new IsolationOption();

    @picocli.CommandLine.Mixin
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create().isolation(isolation);
        if (!Files.isRegularFile(file)) {
            throw CliException.usage("workflow file not found: " + file);
        }
        Workflow wf = ctx.load(file, params, paramFile, strict);
        Integer parallel = maxParallel != null ? maxParallel : ctx.config().maxParallel();
        if (parallel != null && parallel < 1) {
            throw CliException.usage("--max-parallel must be at least 1, not " + parallel);
        }
        if (dryRun) {
            DryRun.print(ctx, wf, file, parallel, args);
            return ExitCodes.OK;
        }
        ctx.checkIsolation(wf, parallel, ctx.project());
        String runId = newRunId();
        RunInfo.forFile(runId, file, params, paramFile).write(ctx.home());
        RunOptions.Builder options = RunOptions.builder().runId(runId).args(args.toArray(String[]::new))
                .maxParallel(parallel).profile(profile);
        RunOptions opts = options.build();
        try (io.prodigy.temporal.TemporalMapExecutor remote = executorOptions.create(ctx.config(),
                ExecutorOptions.source(file, params, paramFile))) {
            ctx.useMapExecutor(remote);
            return RunExecution.execute(ctx, ctx.project(), yes, runId, prodigy -> prodigy.run(wf, opts));
        }
    }

    /** @return a new run id, in the engine's format */
    static String newRunId() {
        return "run-" + RUN_ID_TIME.format(java.time.Instant.now()) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }
}
