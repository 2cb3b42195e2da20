package io.prodigy.cli;

import io.prodigy.temporal.TemporalDevServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy temporal}: Temporal helpers. */
@Command(
        name = "temporal",
        mixinStandardHelpOptions = true,
        description = "Helpers for running map phases on Temporal (see docs/temporal.md).",
        subcommands = TemporalCommand.DevServer.class,
        footer = ExitCodes.HELP)
final class TemporalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliException.usage("prodigy temporal needs a subcommand: dev-server");
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
}
