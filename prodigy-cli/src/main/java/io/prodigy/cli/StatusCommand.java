package io.prodigy.cli;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.RunRecord;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy status [RUN_ID]}: where a run stands. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows a run (default: the latest run of this project): status, times, items, cost, its "
                + "worktree, its DLQ, and what to do next.",
        footer = ExitCodes.HELP)
final class StatusCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--items", description = "List every item with its last outcome.")
    boolean items;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        RunRecord r = ctx.run(runId, false);
        RunStats s = RunStats.of(ctx.home(), r);
        int dlq = DlqCommand.withDlq(ctx, d -> d.list(r.runId(), false).size());
        if (json) {
            var o = RunsCommand.toJson(ctx, r);
            o.put("dlq", dlq);
            PendingMerge.read(ctx.home(), r.runId())
                    .ifPresent(m -> o.put("merge_pending", "prodigy merge " + r.runId()));
            var its = o.putObject("item_status");
            s.items().forEach((k, v) -> its.put(k, v.name()));
            ctx.out.println(Json.write(o));
            return ExitCodes.OK;
        }
        ctx.out.println("Run:       " + r.runId());
        ctx.out.println("Workflow:  " + r.workflowName());
        ctx.out.println("Status:    " + r.status());
        ctx.out.println("Project:   " + r.projectDirectory());
        if (r.workspace() != null) {
            ctx.out.println("Workspace: " + r.workspace());
        }
        ctx.out.println("Started:   " + RunsCommand.time(r.startedAt()));
        ctx.out.println("Ended:     " + RunsCommand.time(s.endedAt()));
        ctx.out.println(
                "Items:     " + s.succeeded() + " succeeded, " + s.failed() + " failed, " + s.total() + " total");
        ctx.out.println("Cost:      "
                + (s.costUsd() != null ? String.format(java.util.Locale.ROOT, "$%.4f", s.costUsd()) : "-"));
        if (s.tokens() != null) {
            ctx.out.println("Tokens:    " + s.tokens().inputTokens() + " in, "
                    + s.tokens().outputTokens() + " out, "
                    + s.tokens().cacheReadTokens() + " cache read, "
                    + s.tokens().cacheCreationTokens()
                    + " cache write");
        }
        ctx.out.println("DLQ:       " + dlq + " item(s)");
        PendingMerge.read(ctx.home(), r.runId())
                .ifPresent(m -> ctx.out.println("Not merged: " + m.commits()
                        + " commit(s) on branch " + m.sourceBranch() + " wait for " + m.targetBranch()
                        + "; merge them with: "
                        + "prodigy merge " + r.runId()));
        if (items) {
            for (Map.Entry<String, ItemStatus> e : s.items().entrySet()) {
                ctx.out.println("  " + e.getKey() + "  " + e.getValue());
            }
        }
        switch (r.status()) {
            case RUNNING:
                ctx.out.println("Next:      it is running (or was killed); watch it with prodigy events -f " + r.runId()
                        + ", or continue a killed run with prodigy resume " + r.runId());
                break;
            case FAILED:
            case CANCELLED:
            case PAUSED:
                ctx.out.println("Next:      prodigy resume " + r.runId());
                break;
            default:
                if (dlq > 0) {
                    ctx.out.println("Next:      prodigy dlq list " + r.runId() + "; prodigy dlq retry " + r.runId());
                }
        }
        return ExitCodes.OK;
    }
}
