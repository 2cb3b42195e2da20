package io.prodigy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.DeadLetters;
import io.prodigy.core.ItemLabels;
import io.prodigy.core.Prodigy;
import io.prodigy.core.store.FileDlqStore;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy dlq ...}: the Dead Letter Queue of a run. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "The Dead Letter Queue: items that failed for good. Without RUN_ID a command works on the "
                + "latest run of this project.",
        subcommands = {
            DlqCommand.ListCmd.class,
            DlqCommand.Inspect.class,
            DlqCommand.Stats.class,
            DlqCommand.Export.class,
            DlqCommand.Purge.class,
            DlqCommand.Retry.class
        },
        footer = ExitCodes.HELP)
final class DlqCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    static <T> T withDlq(CliContext ctx, Function<DeadLetters, T> action) {
        try (FileDlqStore store = FileDlqStore.open(ctx.home())) {
            return action.apply(new DeadLetters(store));
        }
    }

    static ObjectNode toJson(DlqEntry e) {
        ObjectNode o = Json.object();
        o.put("run_id", e.runId());
        o.put("item_id", e.itemId());
        o.put("label", ItemLabels.of(e.itemId(), e.itemJson()));
        o.put("item", e.itemJson());
        o.put("resolved", e.resolved());
        o.put("workspace", e.workspace() == null ? null : e.workspace().toString());
        o.put(
                "first_failure",
                e.firstFailure() == null ? null : e.firstFailure().toString());
        o.put("last_failure", e.lastFailure() == null ? null : e.lastFailure().toString());
        FailedAttempt last = e.lastAttempt();
        o.put("error_kind", last == null ? null : last.errorKind().name());
        o.put("message", last == null ? null : last.message());
        ArrayNode attempts = o.putArray("attempts");
        for (FailedAttempt a : e.attempts()) {
            ObjectNode ao = attempts.addObject();
            ao.put("attempt", a.attempt());
            ao.put("at", a.at() == null ? null : a.at().toString());
            ao.put("error_kind", a.errorKind().name());
            ao.put("message", a.message());
            if (a.exitCode() != null) {
                ao.put("exit_code", a.exitCode());
            }
            ao.put("step", a.step());
            ao.put("log", a.logLocation());
        }
        return o;
    }

    /**
     * @param message an error message, possibly long and starting with where it happened
     * @param max the most characters
     * @return it on one line, without the engine's "step N 'label' in map (item X)" preamble, and, when still
     *     too long, its start and its end (where a command's error output is) around an ellipsis
     */
    static String usefulPart(String message, int max) {
        String m = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        m = m.replaceFirst("^step (\\d+) '.*?' in (\\w+)(?: \\(item [^)]*\\))? ", "step $1 ");
        if (m.length() <= max) {
            return m;
        }
        int head = max / 3;
        return m.substring(0, head) + " … " + m.substring(m.length() - (max - head - 3));
    }

    /** {@code dlq list}. */
    @Command(
            name = "list",
            aliases = "ls",
            mixinStandardHelpOptions = true,
            description = "Lists the failed items of a run (unresolved ones; --all for resolved too).")
    static final class ListCmd implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--all", description = "Include entries resolved by a later retry.")
        boolean all;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            RunRecord run = ctx.run(runId, false);
            List<DlqEntry> entries = withDlq(ctx, d -> d.list(run.runId(), all));
            if (json) {
                ArrayNode arr = Json.array();
                entries.forEach(e -> arr.add(toJson(e)));
                ctx.out.println(Json.write(arr));
                return ExitCodes.OK;
            }
            if (entries.isEmpty()) {
                ctx.out.println("The DLQ of run " + run.runId() + " is empty.");
                return ExitCodes.OK;
            }
            int idWidth = Math.max(
                    4,
                    entries.stream()
                            .mapToInt(e -> e.itemId().length() + (e.resolved() ? 11 : 0))
                            .max()
                            .orElse(4));
            idWidth = Math.min(idWidth, 30);
            int labelWidth = Math.min(
                    ItemLabels.MAX_LENGTH,
                    Math.max(
                            5,
                            entries.stream()
                                    .mapToInt(e -> ItemLabels.of(e.itemId(), e.itemJson())
                                            .length())
                                    .max()
                                    .orElse(5)));
            String format = "%-" + idWidth + "s  %-" + labelWidth + "s %8s  %-18s %s%n";
            ctx.out.printf(Locale.ROOT, format, "ITEM", "LABEL", "ATTEMPTS", "ERROR", "MESSAGE");
            for (DlqEntry e : entries) {
                FailedAttempt last = e.lastAttempt();
                ctx.out.printf(
                        Locale.ROOT,
                        format,
                        e.itemId() + (e.resolved() ? " (resolved)" : ""),
                        ItemLabels.of(e.itemId(), e.itemJson()),
                        e.attempts().size(),
                        last.errorKind(),
                        usefulPart(last.message(), 160));
            }
            ctx.out.println(entries.size() + " item(s). Details: prodigy dlq inspect " + run.runId()
                    + " ITEM; retry them: prodigy dlq retry " + run.runId());
            return ExitCodes.OK;
        }
    }

    /** {@code dlq inspect}. */
    @Command(
            name = "inspect",
            aliases = "show",
            mixinStandardHelpOptions = true,
            description = "Shows one failed item with every attempt: dlq inspect [RUN_ID] ITEM.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(arity = "1..2", paramLabel = "[RUN_ID] ITEM")
        List<String> args;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            RunRecord run = ctx.run(args.size() == 2 ? args.get(0) : null, false);
            String item = args.get(args.size() - 1);
            DlqEntry e = withDlq(ctx, d -> d.inspect(run.runId(), item))
                    .orElseThrow(
                            () -> CliException.usage("item '" + item + "' is not in the DLQ of run " + run.runId()));
            if (json) {
                ctx.out.println(Json.write(toJson(e)));
                return ExitCodes.OK;
            }
            ctx.out.println("Item " + e.itemId() + " of run " + e.runId() + (e.resolved() ? " (resolved)" : ""));
            ctx.out.println("  item: " + e.itemJson());
            if (e.workspace() != null) {
                ctx.out.println("  workspace: " + e.workspace());
            }
            for (FailedAttempt a : e.attempts()) {
                ctx.out.println("  attempt " + a.attempt() + " at " + a.at() + ": " + a.errorKind()
                        + (a.exitCode() != null ? " (exit " + a.exitCode() + ")" : "")
                        + (a.step() != null ? " in step " + a.step() : ""));
                ctx.out.println("    " + a.message().replace("\n", "\n    "));
                if (a.logLocation() != null) {
                    ctx.out.println("    log: " + a.logLocation());
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dlq stats}. */
    @Command(
            name = "stats",
            mixinStandardHelpOptions = true,
            description = "Groups a run's failed items by error pattern.")
    static final class Stats implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            RunRecord run = ctx.run(runId, false);
            List<DeadLetters.PatternStats> stats = withDlq(ctx, d -> d.stats(run.runId()));
            if (json) {
                ArrayNode arr = Json.array();
                for (DeadLetters.PatternStats s : stats) {
                    ObjectNode o = arr.addObject();
                    o.put("pattern", s.pattern());
                    o.put("error_kind", s.errorKind().name());
                    o.put("count", s.count());
                    ArrayNode ids = o.putArray("sample_item_ids");
                    s.sampleItemIds().forEach(ids::add);
                    o.put(
                            "last_seen",
                            s.lastSeen() == null ? null : s.lastSeen().toString());
                }
                ctx.out.println(Json.write(arr));
                return ExitCodes.OK;
            }
            if (stats.isEmpty()) {
                ctx.out.println("The DLQ of run " + run.runId() + " is empty.");
            }
            for (DeadLetters.PatternStats s : stats) {
                ctx.out.printf(
                        Locale.ROOT,
                        "%5d  %-20s %s  (e.g. %s)%n",
                        s.count(),
                        s.errorKind(),
                        RunsCommand.cut(s.pattern(), 80),
                        String.join(", ", s.sampleItemIds()));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dlq export}. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Writes a run's DLQ entries as JSON lines or CSV, to a file or stdout.")
    static final class Export implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "RUN_ID")
        String runId;

        @Option(
                names = "--format",
                paramLabel = "jsonl|csv",
                defaultValue = "jsonl",
                description = "jsonl (default) or csv.")
        DeadLetters.Format format;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "The file; default stdout.")
        Path output;

        @Option(names = "--json", description = "JSON lines (the same as --format jsonl).")
        boolean json;

        @Override
        public Integer call() {
            if (json && format != DeadLetters.Format.JSONL) {
                throw CliException.usage("--json and --format " + format.name().toLowerCase(java.util.Locale.ROOT)
                        + " contradict each other");
            }
            CliContext ctx = CliContext.create();
            RunRecord run = ctx.run(runId, false);
            int n;
            try {
                if (output != null) {
                    try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                        n = withDlq(ctx, d -> d.export(run.runId(), format, w));
                    }
                    ctx.err.println(n + " entr" + (n == 1 ? "y" : "ies") + " written to " + output);
                } else {
                    Writer w = new OutputStreamWriter(ctx.out, StandardCharsets.UTF_8);
                    n = withDlq(ctx, d -> d.export(run.runId(), format, w));
                    w.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dlq purge}. */
    @Command(
            name = "purge",
            aliases = "clear",
            mixinStandardHelpOptions = true,
            description = "Deletes a run's DLQ entries (--older-than to keep recent ones). Asks first on a "
                    + "terminal; -y deletes without asking (needed when there is no terminal).",
            footer = ExitCodes.HELP)
    static final class Purge implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "RUN_ID")
        String runId;

        @Option(
                names = "--older-than",
                paramLabel = "DURATION",
                description = "Only entries older than this " + "(e.g. 7d, 12h).")
        String olderThan;

        @Option(
                names = {"-y", "--yes"},
                description = "Delete without asking.")
        boolean yes;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            RunRecord run = ctx.run(runId, false);
            java.time.Duration age = null;
            if (olderThan != null) {
                try {
                    age = CliConfig.parseDuration(olderThan);
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--older-than: " + e.getMessage());
                }
            }
            int entries = withDlq(ctx, d -> d.list(run.runId(), true).size());
            if (entries == 0) {
                ctx.out.println("The DLQ of run " + run.runId() + " is empty; nothing to purge.");
                return ExitCodes.OK;
            }
            String what = (age == null
                            ? "all " + entries + " entr" + (entries == 1 ? "y" : "ies")
                            : "the entries older than " + olderThan + " (of " + entries + ")")
                    + " of the DLQ of run " + run.runId();
            int confirmed = yes ? ExitCodes.OK : Confirmation.ask(ctx, "Delete " + what);
            if (confirmed != ExitCodes.OK) {
                return confirmed;
            }
            java.time.Duration cutoffAge = age;
            int n = cutoffAge == null
                    ? withDlq(ctx, dl -> dl.purge(run.runId()))
                    : withDlq(
                            ctx,
                            dl -> dl.purgeOlderThan(
                                    run.runId(), java.time.Instant.now().minus(cutoffAge)));
            ctx.out.println("Purged " + n + " entr" + (n == 1 ? "y" : "ies") + " from the DLQ of run " + run.runId());
            return ExitCodes.OK;
        }
    }

    /** {@code dlq retry} (the Rust tool's {@code dlq reprocess}). */
    @Command(
            name = "retry",
            aliases = "reprocess",
            mixinStandardHelpOptions = true,
            description = "Runs a run's failed items again through its agent template, in its workspace; "
                    + "successes are merged into the run's work and resolved, reduce runs again over every item "
                    + "(unless --no-reduce), and the result is merged into your branch.",
            footer = ExitCodes.HELP)
    static final class Retry implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "RUN_ID")
        String runId;

        @Option(
                names = {"-n", "--max-parallel", "--parallel"},
                paramLabel = "N",
                description = "Items at once.")
        Integer maxParallel;

        @Option(names = "--dry-run", description = "List what would be retried, run nothing.")
        boolean dryRun;

        @Option(
                names = "--error-kind",
                paramLabel = "KIND",
                split = ",",
                description = "Only entries whose last error is of these kinds (e.g. TIMEOUT,AGENT_FAILED).")
        Set<ErrorKind> kinds;

        @Option(
                names = {"-y", "--yes"},
                description = "Merge into your branch without asking.")
        boolean yes;

        @Option(names = "--json", description = "With --dry-run: print JSON.")
        boolean json;

        @Option(
                names = "--no-reduce",
                description = "Do not run reduce again after the retried items are merged "
                        + "(by default it runs again, with the new ${map.*} values).")
        boolean noReduce;

        @picocli.CommandLine.Mixin
        IsolationOption isolation = new IsolationOption();

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create().isolation(isolation);
            RunRecord run = ctx.run(runId, false);
            ReprocessOptions options = new ReprocessOptions(
                    kinds == null ? Set.of() : EnumSet.copyOf(kinds), maxParallel, dryRun, !noReduce);
            if (dryRun) {
                try (Prodigy p = ctx.reader()) {
                    Workflow wf = ctx.rebuild(run);
                    List<String> ids =
                            p.reprocessDeadLetters(run.runId(), wf, options).itemIds();
                    if (json) {
                        ArrayNode arr = Json.array();
                        ids.forEach(arr::add);
                        ctx.out.println(Json.write(arr));
                    } else {
                        ctx.out.println(
                                ids.isEmpty()
                                        ? "Nothing to retry in run " + run.runId()
                                        : "Would retry " + ids.size() + " item(s) of run " + run.runId() + ": "
                                                + String.join(", ", ids));
                    }
                }
                return ExitCodes.OK;
            }
            Workflow wf = ctx.rebuild(run);
            ctx.workflow(wf);
            Path dir = run.projectDirectory() != null ? run.projectDirectory() : ctx.project();
            ctx.continuing(run)
                    .checkIsolation(wf, maxParallel != null ? maxParallel : ResumeCommand.maxParallelOf(run), dir);
            return RunExecution.execute(ctx, dir, yes, run.runId(), null, prodigy -> {
                Prodigy.ReprocessResult r = prodigy.reprocessDeadLetters(run.runId(), wf, options);
                if (r.itemIds().isEmpty()) {
                    ctx.out.println("Nothing to retry in run " + run.runId());
                    return null;
                }
                return r.result();
            });
        }
    }
}
