package io.prodigy.cli;

import io.prodigy.api.spi.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy logs [RUN_ID] [ITEM]}: agents' transcripts. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Lists a run's agent transcripts (default: the latest run of this project), or prints those "
                + "of one item (or step name: setup, reduce, ...).", footer = ExitCodes.HELP)
final class LogsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_ID") String runId;
    @Parameters(index = "1", arity = "0..1", paramLabel = "ITEM") String item;
    @Option(names = "--json", description = "List the transcript files as JSON.") boolean json;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        RunRecord r = ctx.run(runId, false);
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
            List<Path> mine = files.stream().filter(f -> f.getFileName().toString().startsWith(item + ".")).toList();
            if (mine.isEmpty()) {
                throw CliException.usage("no transcripts of '" + item + "' in run " + r.runId()
                        + "; list them with prodigy logs " + r.runId());
            }
            for (Path f : mine) {
                ctx.out.println("==> " + f + " <==");
                try {
                    ctx.out.println(Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return ExitCodes.OK;
        }
        if (json) {
            var arr = Json.array();
            files.forEach(f -> arr.add(f.toString()));
            ctx.out.println(Json.write(arr));
            return ExitCodes.OK;
        }
        if (files.isEmpty()) {
            ctx.out.println("Run " + r.runId() + " has no agent transcripts (in " + dir + ")");
        }
        for (Path f : files) {
            try {
                ctx.out.printf(java.util.Locale.ROOT, "%10d  %s%n", Files.size(f), f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ExitCodes.OK;
    }
}
