package io.prodigy.cli;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.git.CleanupReport;
import io.prodigy.git.Worktrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy clean}: storage garbage collection. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = {"Deletes the state of finished runs (SUCCEEDED, or COMPLETED_WITH_FAILURES with nothing left "
                + "in the DLQ) older than --older-than, and orphaned worktrees that hold no work.",
                "Unfinished runs, runs with DLQ entries and worktrees holding work are kept unless --force."},
        footer = ExitCodes.HELP)
final class CleanCommand implements Callable<Integer> {
    @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "0s",
            description = "Only runs that ended at least this long ago (e.g. 7d); default all.")
    String olderThan;
    @Option(names = "--dry-run", description = "Print what would be deleted.") boolean dryRun;
    @Option(names = {"-f", "--force"}, description = "Also delete any run not running, with its DLQ, and "
            + "worktrees holding work.") boolean force;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        Duration age;
        try {
            age = CliConfig.parseDuration(olderThan);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--older-than: " + e.getMessage());
        }
        Instant cutoff = Instant.now().minus(age);
        int deleted = 0;
        int kept = 0;
        for (RunRecord r : ctx.runs()) {
            boolean done = r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.COMPLETED_WITH_FAILURES;
            Path dir = ctx.home().resolve("runs").resolve(r.runId());
            boolean running = r.status() == RunStatus.RUNNING && Files.exists(dir.resolve("lock"));
            int dlq = DlqCommand.withDlq(ctx, d -> d.list(r.runId(), false).size());
            boolean eligible = force ? !running : done && dlq == 0;
            if (!eligible || (r.updatedAt() != null && r.updatedAt().isAfter(cutoff))) {
                kept++;
                continue;
            }
            ctx.out.println((dryRun ? "would delete " : "deleted ") + r.runId() + " (" + r.status() + ")");
            if (!dryRun) {
                deleteTree(dir);
                try {
                    Files.deleteIfExists(RunInfo.file(ctx.home(), r.runId()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            deleted++;
        }
        int removedWorktrees = 0;
        if (!dryRun && Files.isDirectory(ctx.home().resolve("worktrees"))) {
            CleanupReport report = Worktrees.of(ctx.home()).clean(force);
            removedWorktrees = report.removed().size();
            report.skipped().forEach(s -> ctx.out.println("kept worktree " + s.worktree().path() + ": " + s.reason()));
        }
        ctx.out.println((dryRun ? "Would delete " : "Deleted ") + deleted + " run(s); kept " + kept
                + (dryRun ? "" : "; removed " + removedWorktrees + " worktree(s)"));
        return ExitCodes.OK;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
