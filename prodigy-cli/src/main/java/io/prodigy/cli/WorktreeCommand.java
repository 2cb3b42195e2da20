package io.prodigy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.git.CleanupReport;
import io.prodigy.git.ManagedWorktree;
import io.prodigy.git.Worktrees;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy worktree ls|clean}. */
@Command(
        name = "worktree",
        aliases = "worktrees",
        mixinStandardHelpOptions = true,
        description = "The git worktrees and branches Prodigy made under $PRODIGY_HOME/worktrees.",
        subcommands = {WorktreeCommand.Ls.class, WorktreeCommand.Clean.class},
        footer = ExitCodes.HELP)
final class WorktreeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    static ObjectNode toJson(ManagedWorktree w) {
        ObjectNode o = Json.object();
        o.put("kind", w.kind().name());
        o.put("run_id", w.runId());
        o.put("repository", w.repository() == null ? null : w.repository().toString());
        o.put("path", w.path() == null ? null : w.path().toString());
        o.put("branch", w.branch());
        o.put("dirty", w.dirty());
        o.put("unmerged_commits", w.unmergedCommits());
        o.put("live", w.live());
        o.put("kept", w.kept());
        o.put("orphan", w.orphan());
        return o;
    }

    /** {@code worktree ls}. */
    @Command(
            name = "ls",
            aliases = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the managed worktrees of this project's repository (--all-projects: of every "
                    + "repository): kind, run, project, branch, state.")
    static final class Ls implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--all-projects", description = "Every repository's worktrees, not only this one's.")
        boolean allProjects;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            java.nio.file.Path repo = allProjects ? null : Preflight.topLevel(ctx.project());
            List<ManagedWorktree> all = Worktrees.of(ctx.home()).list().stream()
                    .filter(w -> repo == null || repo.equals(w.repository()))
                    .toList();
            if (json) {
                ArrayNode arr = Json.array();
                all.forEach(w -> arr.add(toJson(w)));
                ctx.out.println(Json.write(arr));
                return ExitCodes.OK;
            }
            if (all.isEmpty()) {
                ctx.out.println("No worktrees under " + ctx.home().resolve("worktrees")
                        + (repo != null ? " for " + repo + " (--all-projects lists every repository's)" : ""));
                return ExitCodes.OK;
            }
            ctx.out.printf(
                    Locale.ROOT, "%-9s %-30s %-16s %-40s %s%n", "KIND", "RUN", "PROJECT", "BRANCH", "STATE / PATH");
            for (ManagedWorktree w : all) {
                String state = (w.live() ? "live" : "idle")
                        + (w.dirty() ? ", dirty" : "")
                        + (w.unmergedCommits() > 0 ? ", " + w.unmergedCommits() + " unmerged" : "")
                        + (w.kept() ? ", kept (failed item)" : "");
                ctx.out.printf(
                        Locale.ROOT,
                        "%-9s %-30s %-16s %-40s %s  %s%n",
                        w.kind(),
                        w.runId(),
                        RunsCommand.cut(RunsCommand.projectName(w.repository()), 16),
                        w.branch(),
                        state,
                        w.path() == null ? "(no worktree)" : w.path());
            }
            return ExitCodes.OK;
        }
    }

    /** {@code worktree clean}. */
    @Command(
            name = "clean",
            mixinStandardHelpOptions = true,
            description = "Removes this project's worktrees and branches no running run uses (--all-projects: every "
                    + "repository's); those holding work (uncommitted changes, commits on no other branch) only "
                    + "with --force, after a confirmation (-y: without asking).")
    static final class Clean implements Callable<Integer> {
        @Option(
                names = {"-f", "--force"},
                description = "Also remove orphans that hold work.")
        boolean force;

        @Option(
                names = {"-y", "--yes"},
                description = "With --force: remove work without asking.")
        boolean yes;

        @Option(names = "--all-projects", description = "Every repository's worktrees, not only this one's.")
        boolean allProjects;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            CliContext ctx = CliContext.create();
            java.nio.file.Path repo = allProjects ? null : Preflight.topLevel(ctx.project());
            Worktrees worktrees = Worktrees.of(ctx.home());
            if (force && !yes) {
                List<ManagedWorktree> work = worktrees.orphans().stream()
                        .filter(w -> w.holdsWork() && (repo == null || repo.equals(w.repository())))
                        .toList();
                if (!work.isEmpty()) {
                    int confirmed = Confirmation.ask(
                            ctx,
                            "Remove " + work.size() + " worktree(s) holding work ("
                                    + String.join(
                                            ", ",
                                            work.stream()
                                                    .map(w -> w.path() != null
                                                            ? w.path().toString()
                                                            : w.branch())
                                                    .toList())
                                    + ")");
                    if (confirmed != ExitCodes.OK) {
                        return confirmed;
                    }
                }
            }
            CleanupReport report = worktrees.clean(force, repo);
            if (json) {
                ObjectNode o = Json.object();
                ArrayNode removed = o.putArray("removed");
                report.removed().forEach(w -> removed.add(toJson(w)));
                ArrayNode skipped = o.putArray("skipped");
                report.skipped().forEach(s -> skipped.add(toJson(s.worktree()).put("reason", s.reason())));
                ctx.out.println(Json.write(o));
                return ExitCodes.OK;
            }
            for (ManagedWorktree w : report.removed()) {
                ctx.out.println("removed " + w.kind() + " " + (w.path() != null ? w.path() : w.branch()));
            }
            for (CleanupReport.Skipped s : report.skipped()) {
                ctx.out.println("kept "
                        + (s.worktree().path() != null
                                ? s.worktree().path()
                                : s.worktree().branch()) + ": " + s.reason() + " (--force removes it)");
            }
            ctx.out.println(
                    report.removed().size() + " removed, " + report.skipped().size() + " kept");
            return ExitCodes.OK;
        }
    }
}
