package io.prodigy.cli;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunOptions;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy batch GLOB --command ...}: one command per matching file, in parallel. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = "Runs a command for every file matching GLOB (relative to the project, e.g. 'src/**/*.java'), "
                + "N at once, as a MapReduce workflow; $${item} is the file's path. The command is "
                + "\"claude: /command $${item}\" or \"shell: ...\" (no prefix: claude).",
        footer = ExitCodes.HELP)
final class BatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "GLOB")
    String glob;

    @Option(
            names = {"-c", "--command"},
            required = true,
            paramLabel = "COMMAND",
            description = "The command run for each file.")
    String command;

    @Option(
            names = {"-n", "--parallel"},
            paramLabel = "N",
            defaultValue = "5",
            description = "Files at once " + "(default 5).")
    int parallel;

    @Option(names = "--retry", paramLabel = "N", defaultValue = "1", description = "Attempts per file.")
    int retry;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time limit per file.")
    Long timeout;

    @Option(
            names = {"-y", "--yes"},
            description = "Merge into your branch without asking.")
    boolean yes;

    @picocli.CommandLine.Mixin
    IsolationOption isolation = new IsolationOption();

    @Override
    public Integer call() {
        if (parallel < 1 || retry < 1) {
            throw CliException.usage("--parallel and --retry must be at least 1");
        }
        CliContext ctx = CliContext.create().isolation(isolation);
        List<String> files = match(ctx.project(), glob);
        if (files.isEmpty()) {
            throw CliException.usage("no file matches '" + glob + "' in " + ctx.project());
        }
        Workflow wf = ctx.withDefaults(workflow(files, command, parallel, retry, timeout));
        Preflight.check(ctx, wf);
        ctx.checkIsolation(wf, null, ctx.project());
        String runId = RunCommand.newRunId();
        new RunInfo(1, runId, "batch", null, null, null, command, retry, timeout, parallel, files).write(ctx.home());
        RunOptions opts = RunOptions.builder().runId(runId).build();
        return RunExecution.execute(ctx, ctx.project(), yes, runId, wf, p -> p.run(wf, opts));
    }

    static List<String> match(Path root, String glob) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile)
                    .map(root::relativize)
                    .filter(p -> !p.startsWith(".git") && !p.startsWith(".prodigy"))
                    .filter(p -> m.matches(p) || (!glob.contains("/") && m.matches(p.getFileName())))
                    .map(Path::toString)
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Workflow workflow(List<String> files, String command, Integer parallel, Integer retry, Long timeout) {
        Step.Builder s = ExecCommand.step(command);
        if (retry != null && retry > 1) {
            s.retry(RetryPolicy.builder().maxAttempts(retry).build());
        }
        MapPhase.Builder map = MapPhase.builder()
                .input(WorkInput.values(new ArrayList<Object>(files)))
                .maxParallel(parallel == null ? 5 : parallel)
                .agentTemplate(s.build());
        if (timeout != null) {
            map.agentTimeout(Duration.ofSeconds(timeout));
        }
        return Workflow.mapReduce("batch").map(map).build();
    }
}
