package io.prodigy.cli;

import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.Problem;
import io.prodigy.yaml.WorkflowLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prodigy validate FILE...}: checks workflow files. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks workflow files and prints every problem as file:line:column: error|warning: message, "
                + "then checks the files each workflow needs in this project: the slash commands it calls "
                + "(.claude/commands/NAME.md, committed) and its map input file (present and committed). "
                + "Exit code 0 when all are valid, 2 when one has an error (with --strict, also a warning).",
        footer = ExitCodes.HELP)
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Workflow files.")
    List<Path> files;

    @Option(
            names = "--strict",
            description = "Every warning is an error: keys not acted on, variables that may "
                    + "be undefined (unknown keys always are errors).")
    boolean strict;

    @Override
    public Integer call() {
        CliContext ctx = CliContext.create();
        WorkflowLoader loader = WorkflowLoader.builder()
                .strict(strict)
                .baseDirectory(ctx.project())
                .build();
        boolean ok = true;
        for (Path f : files) {
            LoadResult r = loader.load(f);
            for (Problem p : r.problems()) {
                (p.isError() ? ctx.err : ctx.out).println(p);
            }
            boolean worktrees = ctx.isolationChoice() != CliConfig.Isolation.DIRECTORY;
            List<Preflight.Finding> findings = r.workflow()
                    .map(wf -> Preflight.of(ctx.project(), worktrees).staticChecks(wf))
                    .orElse(List.of());
            findings.forEach(p -> (p.error() ? ctx.err : ctx.out).println(f + ": " + p));
            long preflightErrors =
                    findings.stream().filter(Preflight.Finding::error).count();
            if (preflightErrors > 0 && !r.hasErrors()) {
                ok = false;
                ctx.err.println(f + ": invalid (" + preflightErrors + " error(s): files the workflow needs)");
            } else if (r.hasErrors()) {
                ok = false;
                ctx.err.println(f + ": invalid (" + r.errors().size() + " error(s))");
            } else {
                ctx.out.println(f + ": valid "
                        + r.kind()
                                .map(k -> k.name().toLowerCase(java.util.Locale.ROOT))
                                .orElse("") + " workflow '"
                        + r.workflow().orElseThrow().name() + "'"
                        + (r.warnings().isEmpty() ? "" : " (" + r.warnings().size() + " warning(s))"));
            }
        }
        return ok ? ExitCodes.OK : ExitCodes.USAGE;
    }
}
