package io.prodigy.cli;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.temporal.TemporalDevServer;
import io.prodigy.temporal.TemporalRefs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy temporal}: Temporal helpers. */
@Command(
        name = "temporal",
        mixinStandardHelpOptions = true,
        description = "Helpers for running map phases on Temporal (see docs/temporal.md).",
        subcommands = {TemporalCommand.DevServer.class, TemporalCommand.Refs.class},
        footer = ExitCodes.HELP)
final class TemporalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliException.usage("prodigy temporal needs a subcommand: dev-server, refs");
    }

    /** {@code prodigy temporal dev-server}. */
    @Command(
            name = "dev-server",
            mixinStandardHelpOptions = true,
            description = {
                "Starts Temporal's in-memory test server on 127.0.0.1 (this machine only) and prints its "
                        + "address, for trying prodigy run --executor temporal with prodigy workers on one machine. "
                        + "Everything it holds is lost when it stops; use a real Temporal server otherwise."
            },
            footer = ExitCodes.HELP)
    static final class DevServer implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "P", description = "The port on 127.0.0.1 (default 7233; 0: any).")
        int port = 7233;

        @Override
        public Integer call() throws Exception {
            CliContext ctx = CliContext.create();
            if (port < 0 || port > 65535) {
                throw CliException.usage("--port must be between 0 and 65535, not " + port);
            }
            CountDownLatch stop = new CountDownLatch(1);
            try (TemporalDevServer server = TemporalDevServer.start(port)) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "temporal-dev-server-stop"));
                ctx.out.println("Temporal dev server listening on " + server.target());
                ctx.out.println("  prodigy worker --target " + server.target());
                ctx.out.println("  prodigy run WORKFLOW --executor temporal --target " + server.target());
                ctx.out.flush();
                stop.await();
            } catch (java.io.IOException e) {
                throw CliException.usage("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            }
            return ExitCodes.OK;
        }
    }
    /** {@code prodigy temporal refs}. */
    @Command(
            name = "refs",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the refs that runs on Temporal keep on the shared git remote (refs/prodigy/<run>/... and "
                        + "refs/prodigy-base/<run>), by run, with the run's status when this project knows it. A run "
                        + "deletes its own refs as its items settle; a coordinator that died and was never resumed "
                        + "leaves them.",
                "--delete removes the refs of this project's ended runs (SUCCEEDED, COMPLETED_WITH_FAILURES: no "
                        + "attempt of theirs is resumed again), or of the runs named with --run whatever their "
                        + "state; it lists them and asks first (-y: without asking)."
            },
            footer = ExitCodes.HELP)
    static final class Refs implements Callable<Integer> {
        @Option(
                names = "--remote",
                paramLabel = "URL",
                description = "The shared remote (default temporal.remote of config.yml, else this repository).")
        String remote;

        @Option(names = "--delete", description = "Delete the refs of ended runs (or of the --run runs).")
        boolean delete;

        @Option(
                names = "--run",
                paramLabel = "RUN_ID",
                description = "Only this run (repeatable); with --delete, its refs go whatever its state.")
        List<String> runs = new ArrayList<>();

        @Option(
                names = {"-y", "--yes"},
                description = "Delete without asking.")
        boolean yes;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            Path repo = Preflight.topLevel(ctx.project());
            if (repo == null) {
                throw CliException.usage(ctx.project() + " is not in a git repository");
            }
            String url = remote != null ? remote : ctx.config().executor().remote();
            if (url == null) {
                url = repo.toString();
            }
            Map<String, RunRecord> known = new HashMap<>();
            for (RunRecord r : ctx.runs()) {
                known.put(TemporalRefs.runKey(r.runId()), r);
            }
            Set<String> named = new HashSet<>();
            runs.forEach(r -> named.add(TemporalRefs.runKey(r)));
            TemporalRefs refs = TemporalRefs.of(repo, url);
            List<String> doomed = new ArrayList<>();
            int listed = 0;
            for (TemporalRefs.RunRefs run : refs.list()) {
                if (!named.isEmpty() && !named.contains(run.runId())) {
                    continue;
                }
                listed++;
                RunRecord record = known.get(run.runId());
                String status =
                        record == null ? "unknown here" : record.status().toString();
                boolean ended = record != null
                        && (record.status() == RunStatus.SUCCEEDED
                                || record.status() == RunStatus.COMPLETED_WITH_FAILURES);
                boolean goes = delete && (named.contains(run.runId()) || ended);
                ctx.out.println(run.runKey() + "  " + run.refs().size() + " ref(s)  " + status
                        + (delete && !goes
                                ? "  (kept: it may still be resumed; --run " + run.runId() + " deletes it)"
                                : ""));
                if (goes) {
                    doomed.addAll(run.refs());
                }
            }
            if (listed == 0) {
                ctx.out.println(
                        "No Prodigy refs on " + url + (named.isEmpty() ? "" : " for " + String.join(", ", runs)));
                return ExitCodes.OK;
            }
            if (!delete) {
                return ExitCodes.OK;
            }
            if (doomed.isEmpty()) {
                ctx.out.println("Nothing to delete.");
                return ExitCodes.OK;
            }
            if (!yes) {
                int answer = Confirmation.ask(ctx, "Delete " + doomed.size() + " ref(s) from " + url);
                if (answer != ExitCodes.OK) {
                    return answer;
                }
            }
            if (!refs.delete(doomed)) {
                ctx.err.println("Could not delete every ref from " + url + " (see the log).");
                return ExitCodes.FAILED;
            }
            ctx.out.println("Deleted " + doomed.size() + " ref(s) from " + url);
            return ExitCodes.OK;
        }
    }
}
