package io.prodigy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.spi.RunRecord;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy runs}: lists runs. */
@Command(
        name = "runs",
        aliases = "sessions",
        mixinStandardHelpOptions = true,
        description = "Lists this project's runs (--all-projects: every run under $PRODIGY_HOME), newest first: id, "
                + "workflow, project, status, start and end, items done/failed/total, cost.",
        footer = ExitCodes.HELP)
final class RunsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(
            names = "--project",
            description = "Only runs of this project (the current directory or -p); the " + "default.")
    boolean projectOnly;

    @Option(names = "--all-projects", description = "Runs of every project, not only this one's.")
    boolean allProjects;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        List<RunRecord> runs = ctx.runs().stream()
                .filter(r -> allProjects || ctx.project().equals(r.projectDirectory()))
                .toList();
        if (json) {
            ArrayNode arr = Json.array();
            for (RunRecord r : runs) {
                arr.add(toJson(ctx, r));
            }
            ctx.out.println(Json.write(arr));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            ctx.out.println(
                    allProjects
                            ? "No runs in " + ctx.home()
                            : "No runs of " + ctx.project() + " in " + ctx.home()
                                    + " (--all-projects lists every project's)");
            return ExitCodes.OK;
        }
        ctx.out.printf(
                Locale.ROOT,
                "%-30s %-20s %-16s %-23s %-19s %-19s %15s %9s%n",
                "RUN",
                "WORKFLOW",
                "PROJECT",
                "STATUS",
                "STARTED",
                "ENDED",
                "DONE/FAIL/TOTAL",
                "COST");
        for (RunRecord r : runs) {
            RunStats s = RunStats.of(ctx.home(), r);
            ctx.out.printf(
                    Locale.ROOT,
                    "%-30s %-20s %-16s %-23s %-19s %-19s %15s %9s%n",
                    r.runId(),
                    cut(r.workflowName(), 20),
                    cut(projectName(r.projectDirectory()), 16),
                    r.status(),
                    time(r.startedAt()),
                    time(s.endedAt()),
                    s.succeeded() + "/" + s.failed() + "/" + s.total(),
                    s.costUsd() != null ? String.format(Locale.ROOT, "$%.4f", s.costUsd()) : "-");
        }
        return ExitCodes.OK;
    }

    static ObjectNode toJson(CliContext ctx, RunRecord r) {
        RunStats s = RunStats.of(ctx.home(), r);
        ObjectNode o = Json.object();
        o.put("id", r.runId());
        o.put("workflow", r.workflowName());
        o.put("status", r.status().name());
        o.put(
                "project",
                r.projectDirectory() == null ? null : r.projectDirectory().toString());
        o.put("workspace", r.workspace() == null ? null : r.workspace().toString());
        o.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        o.put("ended_at", s.endedAt() == null ? null : s.endedAt().toString());
        o.put("updated_at", r.updatedAt() == null ? null : r.updatedAt().toString());
        ObjectNode items = o.putObject("items");
        items.put("done", s.succeeded());
        items.put("failed", s.failed());
        items.put("total", s.total());
        if (s.costUsd() != null) {
            o.put("cost_usd", s.costUsd());
        } else {
            o.putNull("cost_usd");
        }
        if (s.tokens() != null) {
            ObjectNode t = o.putObject("tokens");
            t.put("input", s.tokens().inputTokens());
            t.put("output", s.tokens().outputTokens());
            t.put("cache_read", s.tokens().cacheReadTokens());
            t.put("cache_creation", s.tokens().cacheCreationTokens());
            t.put(
                    "total",
                    s.tokens().inputTokens()
                            + s.tokens().outputTokens()
                            + s.tokens().cacheReadTokens()
                            + s.tokens().cacheCreationTokens());
        } else {
            o.putNull("tokens");
        }
        return o;
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    /** @param dir a project directory, or null @return its last name, as a column shows it */
    static String projectName(java.nio.file.Path dir) {
        return dir == null
                ? "-"
                : dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    }

    static String cut(String s, int n) {
        return s == null ? "-" : s.length() > n ? s.substring(0, n - 1) + "…" : s;
    }
}
