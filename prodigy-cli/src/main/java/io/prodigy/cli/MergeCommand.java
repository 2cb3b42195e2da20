package io.prodigy.cli;

import io.prodigy.api.spi.RunRecord;
import io.prodigy.git.CleanupReport;
import io.prodigy.git.Worktrees;
import java.io.Console;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy merge [RUN_ID]}: merges a run whose final merge was declined. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Merges the work of a run whose final merge was declined (or could not be asked: no "
                    + "terminal and no -y) into the branch it was meant for: a fast-forward when that branch did not "
                    + "move, else a merge commit. A conflict is aborted and reported. Default: the latest such run of "
                    + "this project. Then removes the run's worktree and branch.",
            "prodigy status RUN_ID says when a run waits for this."
        },
        footer = ExitCodes.HELP)
final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Option(
            names = {"-y", "--yes"},
            description = "Merge without asking.")
    boolean yes;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        PendingMerge pending = pending(ctx);
        Path repo = Path.of(pending.repository());
        GitProcess source = git(repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + pending.sourceBranch());
        if (!source.ok()) {
            PendingMerge.delete(ctx.home(), pending.runId());
            throw new CliException(
                    ExitCodes.FAILED,
                    "the branch " + pending.sourceBranch() + " of run " + pending.runId()
                            + " is gone; there is nothing to merge");
        }
        String current =
                git(repo, "symbolic-ref", "--quiet", "--short", "HEAD").out().strip();
        if (!current.equals(pending.targetBranch())) {
            throw CliException.usage("run " + pending.runId() + " was to be merged into " + pending.targetBranch()
                    + ", but " + repo + " is on " + (current.isEmpty() ? "a detached HEAD" : current) + ". Switch "
                    + "first: git -C " + repo + " switch " + pending.targetBranch() + " (or merge by hand: git merge "
                    + pending.sourceBranch() + ")");
        }
        boolean fastForward = git(repo, "merge-base", "--is-ancestor", "HEAD", pending.sourceBranch())
                .ok();
        int commits = git(repo, "rev-list", "HEAD.." + pending.sourceBranch())
                .out()
                .strip()
                .lines()
                .mapToInt(l -> 1)
                .sum();
        if (commits == 0) {
            ctx.out.println(pending.targetBranch() + " already has every commit of run " + pending.runId() + ".");
        } else {
            String what = commits + " commit(s) of run " + pending.runId() + " from " + pending.sourceBranch()
                    + " into " + pending.targetBranch() + (fastForward ? " (fast-forward)" : " (merge commit)");
            if (!yes) {
                Console console = System.console();
                if (console == null) {
                    throw CliException.usage("would merge " + what + "; no terminal to ask on: pass -y");
                }
                String answer = console.readLine("Merge %s? [y/N] ", what);
                if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                    ctx.out.println("Not merged; the work stays on " + pending.sourceBranch() + ".");
                    return ExitCodes.OK;
                }
            }
            GitProcess merged = fastForward
                    ? git(repo, "merge", "--ff-only", "--quiet", pending.sourceBranch())
                    : git(
                            repo,
                            "merge",
                            "--no-ff",
                            "--no-edit",
                            "--quiet",
                            "-m",
                            "Merge run " + pending.runId() + " (" + pending.sourceBranch() + ")",
                            pending.sourceBranch());
            if (!merged.ok()) {
                git(repo, "merge", "--abort");
                throw new CliException(
                        ExitCodes.FAILED,
                        "merging " + what + " failed, and was undone: "
                                + ProgressDisplay.oneLine(merged.out()) + ". Merge by hand: git -C " + repo + " merge "
                                + pending.sourceBranch());
            }
            ctx.out.println("Merged " + what + ".");
        }
        PendingMerge.delete(ctx.home(), pending.runId());
        CleanupReport report = Worktrees.of(ctx.home()).clean(false, repo);
        report.skipped().stream()
                .filter(s -> pending.runId().equals(s.worktree().runId()))
                .forEach(s -> ctx.out.println("kept " + s.worktree().path() + ": " + s.reason()));
        return ExitCodes.OK;
    }

    private PendingMerge pending(CliContext ctx) {
        if (runId != null) {
            return PendingMerge.read(ctx.home(), runId)
                    .orElseThrow(() -> CliException.usage("run '" + runId
                            + "' has no merge waiting (it merged, or its merge was never declined); see prodigy status "
                            + runId));
        }
        for (RunRecord r : ctx.runs()) {
            if (ctx.project().equals(r.projectDirectory())) {
                Optional<PendingMerge> p = PendingMerge.read(ctx.home(), r.runId());
                if (p.isPresent()) {
                    return p.get();
                }
            }
        }
        throw CliException.usage("no run of " + ctx.project() + " has a merge waiting");
    }

    private static GitProcess git(Path dir, String... args) {
        return GitProcess.run(dir, args);
    }
}
