package io.prodigy.cli;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.git.CleanupReport;
import io.prodigy.git.ManagedWorktree;
import io.prodigy.git.Worktrees;
import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy clean}: storage garbage collection, for this project unless {@code --all-projects}. */
@Command(
        name = "clean",
        mixinStandardHelpOptions = true,
        description = {
            "Deletes the state of this project's finished runs (SUCCEEDED, or COMPLETED_WITH_FAILURES with "
                    + "nothing left in the DLQ) older than --older-than, and its orphaned worktrees that hold no work. "
                    + "Lists what it will delete and asks first (-y: without asking; --dry-run: only list).",
            "Kept unless --force: unfinished runs, runs with DLQ entries, successful runs whose work was not "
                    + "merged (prodigy merge RUN_ID), and worktrees holding work. --all-projects: every project "
                    + "in PRODIGY_HOME."
        },
        footer = ExitCodes.HELP)
final class CleanCommand implements Callable<Integer> {
    @Option(
            names = "--older-than",
            paramLabel = "DURATION",
            defaultValue = "0s",
            description = "Only runs that ended at least this long ago (e.g. 7d); default all.")
    String olderThan;

    @Option(names = "--dry-run", description = "Print what would be deleted.")
    boolean dryRun;

    @Option(
            names = {"-f", "--force"},
            description =
                    "Also delete any run not running, with its DLQ, unmerged " + "work, and worktrees holding work.")
    boolean force;

    @Option(
            names = {"-y", "--yes"},
            description = "Delete without asking.")
    boolean yes;

    @Option(names = "--all-projects", description = "Every project's runs and worktrees, not only this one's.")
    boolean allProjects;

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
        Path repo = Preflight.topLevel(ctx.project());
        Set<String> unmergedRuns = new HashSet<>();
        if (Files.isDirectory(ctx.home().resolve("worktrees"))) {
            for (ManagedWorktree w : Worktrees.of(ctx.home()).list()) {
                if (w.kind() == ManagedWorktree.Kind.RUN && w.unmergedCommits() > 0) {
                    unmergedRuns.add(w.runId());
                }
            }
        }
        List<RunRecord> doomed = new ArrayList<>();
        int kept = 0;
        for (RunRecord r : ctx.runs()) {
            if (!allProjects && !ctx.project().equals(r.projectDirectory())) {
                continue;
            }
            boolean done = r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.COMPLETED_WITH_FAILURES;
            Path dir = ctx.home().resolve("runs").resolve(r.runId());
            boolean running = r.status() == RunStatus.RUNNING && Files.exists(dir.resolve("lock"));
            int dlq = DlqCommand.withDlq(ctx, d -> d.list(r.runId(), false).size());
            boolean unmerged = unmergedRuns.contains(r.runId())
                    || PendingMerge.read(ctx.home(), r.runId()).isPresent();
            boolean eligible = force ? !running : done && dlq == 0 && !unmerged;
            if (!eligible || (r.updatedAt() != null && r.updatedAt().isAfter(cutoff))) {
                if (unmerged && done && !force) {
                    ctx.out.println("keeping " + r.runId() + ": its work is not merged (prodigy merge " + r.runId()
                            + "; --force deletes it)");
                }
                kept++;
                continue;
            }
            doomed.add(r);
        }
        String scope = allProjects ? "every project" : ctx.project().toString();
        if (doomed.isEmpty()) {
            ctx.out.println("No run of " + scope + " to delete (kept " + kept + ").");
        } else {
            ctx.out.println((dryRun ? "Would delete " : "Will delete ") + doomed.size() + " run(s) of " + scope + ":");
            for (RunRecord r : doomed) {
                ctx.out.println("  " + r.runId() + "  " + r.workflowName() + "  " + r.status() + "  "
                        + RunsCommand.time(r.updatedAt()) + (allProjects ? "  " + r.projectDirectory() : ""));
            }
        }
        if (dryRun) {
            ctx.out.println("Would delete " + doomed.size() + " run(s); kept " + kept);
            return ExitCodes.OK;
        }
        if (!doomed.isEmpty() && !yes && !confirm(ctx, doomed.size())) {
            ctx.out.println("Nothing deleted.");
            return ExitCodes.OK;
        }
        for (RunRecord r : doomed) {
            deleteTree(ctx.home().resolve("runs").resolve(r.runId()));
            try {
                Files.deleteIfExists(RunInfo.file(ctx.home(), r.runId()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PendingMerge.delete(ctx.home(), r.runId());
            ctx.out.println("deleted " + r.runId() + " (" + r.status() + ")");
        }
        int removedWorktrees = 0;
        if (Files.isDirectory(ctx.home().resolve("worktrees")) && (allProjects || repo != null)) {
            CleanupReport report = Worktrees.of(ctx.home()).clean(force, allProjects ? null : repo);
            removedWorktrees = report.removed().size();
            report.skipped()
                    .forEach(
                            s -> ctx.out.println("kept worktree " + s.worktree().path() + ": " + s.reason()));
        }
        ctx.out.println("Deleted " + doomed.size() + " run(s); kept " + kept + "; removed " + removedWorktrees
                + " worktree(s)");
        return ExitCodes.OK;
    }

    private static boolean confirm(CliContext ctx, int runs) {
        Console console = System.console();
        if (console == null) {
            throw CliException.usage("clean would delete " + runs + " run(s) (listed above); no terminal to ask on: "
                    + "pass -y to delete them, or --dry-run to only list");
        }
        String answer = console.readLine("Delete them? [y/N] ");
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
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
