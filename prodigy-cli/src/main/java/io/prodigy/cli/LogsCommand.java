package io.prodigy.cli;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.RunLogs;
import io.prodigy.core.store.EventLogReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy logs [RUN_ID] [ITEM]}: what the steps printed, and the agents' transcripts. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Lists a run's step logs and agent transcripts (default: the latest run of this project), or "
                    + "prints those of one item (its id or its label, as in prodigy status and dlq list) or phase "
                    + "(setup, reduce, steps).",
            "A step log keeps what each step printed (the end of its stdout and stderr, secrets masked) under "
                    + "PRODIGY_HOME/runs/RUN_ID/logs/."
        },
        footer = ExitCodes.HELP)
final class LogsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ITEM")
    String item;

    @Option(names = "--json", description = "List the log and transcript files as JSON.")
    boolean json;

    @Option(names = "--transcripts", description = "With ITEM: also print the agent transcripts (raw JSON lines).")
    boolean transcripts;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        RunRecord r = ctx.run(runId, false);
        RunLogs logs = RunLogs.of(ctx.home(), r.runId());
        Path dir = ctx.home().resolve("runs").resolve(r.runId()).resolve("transcripts");
        List<Path> files;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            files = List.of();
        }
        if (item != null) {
            String asked = item;
            item = byLabel(ctx, r.runId(), item, logs, files);
            if (!item.equals(asked)) {
                ctx.out.println("(" + asked + " is item " + item + ")");
            }
            List<Path> mine = files.stream()
                    .filter(f -> f.getFileName().toString().startsWith(item + "."))
                    .toList();
            Optional<String> log = logs.read(item);
            if (mine.isEmpty() && log.isEmpty()) {
                throw CliException.usage("no output of '" + item + "' in run " + r.runId() + " (steps that printed "
                        + "nothing and succeeded keep none); list what there is with prodigy logs " + r.runId());
            }
            log.ifPresent(ctx.out::print);
            if (!mine.isEmpty() && !transcripts) {
                ctx.out.println("Agent transcripts (print them with --transcripts):");
                mine.forEach(f -> ctx.out.println("  " + f));
            }
            for (Path f : transcripts ? mine : List.<Path>of()) {
                ctx.out.println("==> " + f + " <==");
                try {
                    ctx.out.println(Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return ExitCodes.OK;
        }
        List<Path> all = new ArrayList<>(logs.files());
        all.addAll(files);
        if (json) {
            var arr = Json.array();
            all.forEach(f -> arr.add(f.toString()));
            ctx.out.println(Json.write(arr));
            return ExitCodes.OK;
        }
        if (all.isEmpty()) {
            ctx.out.println("Run " + r.runId() + " has no step logs and no agent transcripts (in "
                    + logs.directory().getParent() + ")");
        }
        for (Path f : all) {
            try {
                ctx.out.printf(java.util.Locale.ROOT, "%10d  %s%n", Files.size(f), f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!all.isEmpty()) {
            ctx.out.println("Print one item's or phase's output with: prodigy logs " + r.runId() + " ITEM");
        }
        return ExitCodes.OK;
    }

    /** @return the item whose label is {@code name} when {@code name} is no item id or phase with output */
    private static String byLabel(CliContext ctx, String runId, String name, RunLogs logs, List<Path> transcripts) {
        if (logs.file(name).isPresent()
                || transcripts.stream().anyMatch(f -> f.getFileName().toString().startsWith(name + "."))) {
            return name;
        }
        try {
            for (RunEvent e : EventLogReader.open(ctx.home()).read(runId)) {
                if (e instanceof RunEvent.ItemStarted s && name.equals(s.label())) {
                    return s.itemId();
                }
            }
        } catch (io.prodigy.api.StoreException e) {
            return name;
        }
        return name;
    }
}
