package io.prodigy.cli;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.store.EventLogReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy events [RUN_ID]}: a run's event log. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = "Prints a run's events (default: the latest run of this project); --follow waits for new ones "
                + "until the run finishes; --json prints the log's JSON lines as stored.",
        footer = ExitCodes.HELP)
final class EventsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Parameters(arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new events until the run finishes.")
    boolean follow;

    @Option(names = "--json", description = "Print the stored JSON lines.")
    boolean json;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type (e.g. ItemFinished).")
    String type;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        RunRecord run = ctx.run(runId, false);
        EventLogReader reader = EventLogReader.open(ctx.home());
        if (json) {
            tailJson(ctx, run.runId(), reader.file(run.runId()));
            return ExitCodes.OK;
        }
        if (follow) {
            int[] starts = {0};
            reader.follow(
                    run.runId(),
                    e -> {
                        if (e instanceof RunEvent.RunStarted) {
                            starts[0]++;
                        }
                        print(ctx, e);
                    },
                    () -> Thread.currentThread().isInterrupted(),
                    f -> !goesOn(ctx, run.runId(), starts[0]));
        } else {
            reader.forEach(run.runId(), e -> print(ctx, e));
        }
        ctx.out.flush();
        return ExitCodes.OK;
    }

    /**
     * @param ctx the context
     * @param runId the followed run
     * @param startsSeen how many attempts (run_started events) were delivered so far
     * @return whether the run goes on after the finish just delivered: a later attempt is in the log, or a resume
     *     of it is live
     */
    static boolean goesOn(CliContext ctx, String runId, int startsSeen) {
        Path file = ctx.home().resolve("runs").resolve(runId).resolve("events.jsonl");
        try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            if (lines.filter(l -> l.contains("\"type\":\"run_started\"")).count() > startsSeen) {
                return true;
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
        RunRecord record = ctx.runs().stream()
                .filter(r -> r.runId().equals(runId))
                .findFirst()
                .orElse(null);
        try {
            return record != null
                    && record.status() == io.prodigy.api.RunStatus.RUNNING
                    && io.prodigy.core.store.RunLock.holder(
                                    ctx.home().resolve("runs").resolve(runId))
                            .isPresent();
        } catch (io.prodigy.api.StoreException e) {
            return false;
        }
    }

    private void print(CliContext ctx, RunEvent e) {
        String name = e.getClass().getSimpleName();
        if (type != null && !type.equalsIgnoreCase(name) && !type.equalsIgnoreCase(snake(name))) {
            return;
        }
        ctx.out.println(format(e));
        ctx.out.flush();
    }

    /** @param e an event @return one line: time, type, fields */
    static String format(RunEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(TIME.format(e.at())).append("  ").append(e.getClass().getSimpleName());
        java.util.Set<Object> shown = new java.util.HashSet<>();
        for (RecordComponent c : e.getClass().getRecordComponents()) {
            if (c.getName().equals("runId") || c.getName().equals("at")) {
                continue;
            }
            try {
                Object v = c.getAccessor().invoke(e);
                boolean repeat = (c.getName().equals("label") || c.getName().equals("command")) && shown.contains(v);
                if (v != null && !shown.add(v) && repeat || "".equals(v)) {
                    continue;
                }
                if (v != null && !(v instanceof java.util.Map<?, ?> m && m.isEmpty())) {
                    sb.append(' ').append(c.getName()).append('=').append(ProgressDisplay.oneLine(String.valueOf(v)));
                }
            } catch (ReflectiveOperationException ex) {
                // a record accessor is always accessible
            }
        }
        return sb.toString();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private void tailJson(CliContext ctx, String runId, Path file) {
        long offset = 0;
        int starts = 0;
        boolean finished = false;
        StringBuilder partial = new StringBuilder();
        try {
            while (true) {
                if (Files.exists(file)) {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                        long len = raf.length();
                        if (len > offset) {
                            byte[] buf = new byte[(int) Math.min(len - offset, 1 << 20)];
                            raf.seek(offset);
                            raf.readFully(buf);
                            offset += buf.length;
                            partial.append(new String(buf, StandardCharsets.UTF_8));
                            int nl;
                            while ((nl = partial.indexOf("\n")) >= 0) {
                                String line = partial.substring(0, nl);
                                partial.delete(0, nl + 1);
                                if (line.isBlank()) {
                                    continue;
                                }
                                if (type == null
                                        || line.contains("\"type\":\"" + snake(type) + "\"")
                                        || line.contains("\"type\":\"" + type + "\"")) {
                                    ctx.out.println(line);
                                }
                                if (line.contains("\"type\":\"run_started\"")) {
                                    starts++;
                                    finished = false;
                                }
                                if (line.contains("\"type\":\"run_finished\"")) {
                                    finished = !goesOn(ctx, runId, starts);
                                }
                            }
                            ctx.out.flush();
                            continue;
                        }
                    }
                }
                if (!follow || finished) {
                    return;
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
