package io.prodigy.cli;

import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunOptions;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy exec "claude: /cmd"}: one command as a workflow. */
@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        description = "Runs one command as a one-step workflow (in a worktree in a git repository, merged back): "
                + "\"claude: /command args\" or \"shell: command\" (no prefix: claude).",
        footer = ExitCodes.HELP)
final class ExecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "COMMAND")
    String command;

    @Option(names = "--retry", paramLabel = "N", defaultValue = "1", description = "Attempts (default 1).")
    int retry;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time limit of each attempt.")
    Long timeout;

    @Option(
            names = {"-y", "--yes"},
            description = "Merge into your branch without asking.")
    boolean yes;

    @Override
    public Integer call() {
        if (retry < 1) {
            throw CliException.usage("--retry must be at least 1");
        }
        CliContext ctx = CliContext.create();
        Workflow wf = ctx.withDefaults(workflow(command, retry, timeout));
        Preflight.check(ctx, wf);
        String runId = RunCommand.newRunId();
        new RunInfo(1, runId, "exec", null, null, null, command, retry, timeout, null, null).write(ctx.home());
        RunOptions opts = RunOptions.builder().runId(runId).build();
        return RunExecution.execute(ctx, ctx.project(), yes, runId, wf, p -> p.run(wf, opts));
    }

    /** @param command {@code claude: ...}, {@code shell: ...} or a bare agent command @return its step */
    static Step.Builder step(String command) {
        String c = command.strip();
        if (c.startsWith("shell:")) {
            return Step.shell(c.substring(6).strip());
        }
        if (c.startsWith("claude:")) {
            return Step.agent(c.substring(7).strip());
        }
        return Step.agent(c);
    }

    static Workflow workflow(String command, Integer retry, Long timeoutSeconds) {
        Step.Builder s = step(command);
        if (retry != null && retry > 1) {
            s.retry(RetryPolicy.builder().maxAttempts(retry).build());
        }
        if (timeoutSeconds != null) {
            s.timeout(Duration.ofSeconds(timeoutSeconds));
        }
        return Workflow.sequential("exec", s.build());
    }
}
