package io.prodigy.cli;

import io.prodigy.api.spi.RunRecord;
import io.prodigy.cli.report.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy report [RUN_ID] --html FILE}: one self-contained page about a run. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Writes one self-contained HTML page about a run (default: the latest run of this project): "
                + "a timeline of every agent on its parallel slot coloured by outcome, retries and rate-limit "
                + "waits, per-item durations and costs, the DLQ grouped by error pattern, and the totals. The page "
                + "loads nothing from the network.",
        footer = ExitCodes.HELP)
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--html", required = true, paramLabel = "FILE", description = "Where to write the page.")
    Path html;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = CliContext.create();
        RunRecord r = ctx.run(runId, false);
        Path out = html.toAbsolutePath();
        RunReport.writeHtml(ctx.home(), r.runId(), out);
        ctx.out.println("Wrote the report of run " + r.runId() + " to " + out);
        return ExitCodes.OK;
    }
}
