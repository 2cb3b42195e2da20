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
@Command(
        name = "run",
        aliases = "cook",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a workflow file (YAML or JSON, the Rust tool's format). In a git repository the run "
                    + "works in its own worktree and branch, each map item in another, and the result is merged back "
                    + "into your branch at the end (asked first, unless -y).",
            "Agent (claude:) steps run Claude Code (the command and model come from the configuration)."
        },
        footer = ExitCodes.HELP)
final class RunCommand implements Callable<Integer> {
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments: $ARG (the first), $ARG_1, $1, ...")
    List<String> args = new ArrayList<>();

    @Option(
            names = {"-y", "--yes"},
            description = "Merge the run's work into your branch without asking.")
    boolean yes;

    @Option(names = "--dry-run", description = "Print the plan (stages, steps, how many items) and run nothing.")
    boolean dryRun;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A workflow parameter (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--param-file", paramLabel = "FILE", description = "Parameters from a YAML or JSON file.")
    Path paramFile;

    @Option(names = "--profile", paramLabel = "NAME", description = "The workflow's environment profile to use.")
    String profile;

    @Option(
            names = {"-n", "--max-iterations"},
            paramLabel = "N",
            defaultValue = "1",
            description = "Run the workflow's steps up to N times (as the Rust tool's -n): iteration 2 and later "
                    + "run only while the one before made commits; ${ITERATION} holds the number. A MapReduce "
                    + "workflow runs once. Default: 1.")
    int maxIterations = 1;

    @Option(
            names = "--map",
            paramLabel = "PATTERN",
            arity = "1..*",
            description = "Run the workflow once per file matching the glob (repeatable), with $ARG set to the "
                    + "file name up to its first '-' (65-cook-refactor.md gives 65), as the Rust tool does.")
    List<String> mapPatterns = new ArrayList<>();

    @Option(
            names = "--args",
            paramLabel = "VALUE",
            arity = "1..*",
            description = "Run the workflow once per VALUE with $ARG (and $1) set to it, after the --map inputs; "
                    + "for a MapReduce workflow the values are its positional arguments ($1, ${ARG_1}, ...).")
    List<String> argValues = new ArrayList<>();

    @Option(names = "--fail-fast", description = "With --map or --args: stop at the first input whose run fails.")
    boolean failFast;

    @Option(
            names = "--resume",
            paramLabel = "RUN_ID",
            description = "Resume that run instead of starting a new one (the same as prodigy resume RUN_ID).")
    String resume;

    @Option(
            names = {"-j", "--max-parallel"},
            paramLabel = "N",
            description = "Items of a map phase at once (overrides the workflow and the configuration).")
    Integer maxParallel;

    @Option(
            names = "--strict",
            description = "Every warning about the workflow file is an error (unknown keys " + "always are).")
    boolean strict;

    @Option(names = "--force", description = "Start even though a run of this workflow is live in this repository.")
    boolean force;

    @picocli.CommandLine.Mixin
    IsolationOption isolation = new IsolationOption();

    @picocli.CommandLine.Mixin
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        if (resume != null) {
            ResumeCommand r = new ResumeCommand();
            r.runId = resume;
            r.yes = yes;
            r.isolation = isolation;
            return r.call();
        }
        CliContext ctx = CliContext.create().isolation(isolation);
        if (!Files.isRegularFile(file)) {
            throw CliException.usage("workflow file not found: " + file);
        }
        if (maxIterations < 1) {
            throw CliException.usage("-n/--max-iterations must be at least 1, not " + maxIterations);
        }
        Workflow wf = ctx.load(file, params, paramFile, strict);
        Integer parallel = maxParallel != null ? maxParallel : ctx.config().maxParallel();
        if (parallel != null && parallel < 1) {
            throw CliException.usage("--max-parallel must be at least 1, not " + parallel);
        }
        Preflight.check(ctx, wf);
        if (wf.isMapReduce()) {
            if (!mapPatterns.isEmpty()) {
                throw CliException.usage("--map runs a workflow once per file; '" + wf.name() + "' is a MapReduce "
                        + "workflow, which reads its items from map.input (put the pattern there, e.g. input: "
                        + "\"find . -name '*.rs'\")");
            }
            List<String> positional = new ArrayList<>(args);
            positional.addAll(argValues);
            return runOnce(ctx, wf, parallel, positional, Map.of());
        }
        List<String> inputs = new ArrayList<>();
        for (String pattern : mapPatterns) {
            List<String> found = MapInputs.of(ctx.project(), pattern);
            if (found.isEmpty()) {
                ctx.err.println("warning: no files match --map " + pattern);
            }
            inputs.addAll(found);
        }
        inputs.addAll(argValues);
        if (mapPatterns.isEmpty() && argValues.isEmpty()) {
            return runOnce(ctx, wf, parallel, args, Map.of());
        }
        if (inputs.isEmpty()) {
            throw CliException.usage(
                    "no inputs: no file matches the --map patterns " + mapPatterns + " and no --args were given");
        }
        int failed = 0;
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            ctx.err.println("Input " + (i + 1) + "/" + inputs.size() + ": " + input);
            List<String> positional = new ArrayList<>();
            positional.add(input);
            positional.addAll(args);
            int code = runOnce(
                    ctx,
                    wf,
                    parallel,
                    positional,
                    Map.of("INDEX", String.valueOf(i + 1), "TOTAL", String.valueOf(inputs.size())));
            if (code == ExitCodes.INTERRUPTED) {
                return code;
            }
            if (code != ExitCodes.OK) {
                failed++;
                if (failFast) {
                    ctx.err.println("Stopping at input " + input + " (--fail-fast); " + (inputs.size() - i - 1)
                            + " input(s) not run");
                    return code;
                }
            }
        }
        ctx.out.println((inputs.size() - failed) + " of " + inputs.size() + " input(s) succeeded");
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int runOnce(
            CliContext ctx, Workflow wf, Integer parallel, List<String> positional, Map<String, String> variables) {
        if (dryRun) {
            DryRun.print(ctx, wf, file, parallel, positional);
            return ExitCodes.OK;
        }
        ctx.checkIsolation(wf, parallel, ctx.project());
        LiveRuns.refuseSecond(ctx, wf.name(), force);
        String runId = newRunId();
        ctx.workflow(wf);
        RunInfo.forFile(runId, file, params, paramFile).write(ctx.home());
        RunOptions.Builder options = RunOptions.builder()
                .runId(runId)
                .args(positional.toArray(String[]::new))
                .maxParallel(parallel)
                .profile(profile)
                .maxIterations(maxIterations);
        variables.forEach(options::variable);
        RunOptions opts = options.build();
        try (io.prodigy.temporal.TemporalMapExecutor remote =
                executorOptions.create(ctx.config(), ExecutorOptions.source(file, params, paramFile))) {
            ctx.useMapExecutor(remote);
            return RunExecution.execute(ctx, ctx.project(), yes, runId, wf, prodigy -> prodigy.run(wf, opts));
        }
    }

    /** @return a new run id, in the engine's format */
    static String newRunId() {
        return "run-" + RUN_ID_TIME.format(java.time.Instant.now()) + "-"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(0, 6);
    }
}
