package io.prodigy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy init}: a workflow from a template, its slash commands, and a project configuration. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Writes a workflow from a template into the project, the Claude slash commands it uses "
                + "(.claude/commands/*.md), and a commented .prodigy/config.yml. Existing files are kept unless "
                + "--force.",
                "Templates: mapreduce-files (MapReduce over the repository's files), mapreduce-json (over a JSON "
                        + "report), test-and-fix (a test-and-fix loop), goal-seek (goal seeking with validation)."},
        footer = ExitCodes.HELP)
final class InitCommand implements Callable<Integer> {
    static final Map<String, List<String>> TEMPLATES = new LinkedHashMap<>();

    static {
        TEMPLATES.put("mapreduce-files", List.of("prodigy-improve-file"));
        TEMPLATES.put("mapreduce-json", List.of("prodigy-fix-finding"));
        TEMPLATES.put("test-and-fix", List.of("prodigy-fix-tests"));
        TEMPLATES.put("goal-seek", List.of("prodigy-work-on-goal", "prodigy-complete-goal"));
    }

    private static final Map<String, String> COMMANDS = Map.of(
            "prodigy-improve-file", "Improve the file $ARGUMENTS: fix mistakes and unclear wording, keep its meaning. "
                    + "Commit your change with git (one commit, message 'improve $ARGUMENTS').",
            "prodigy-fix-finding", "Fix this finding of the analyzer: $ARGUMENTS (a file, then the issue). Change "
                    + "as little as needed, run the tests, and commit with git.",
            "prodigy-fix-tests", "The tests fail with this output: $ARGUMENTS. Find the cause and fix the code (not "
                    + "the tests, unless they are wrong). Commit the fix with git.",
            "prodigy-work-on-goal", "Work towards the goal described in GOAL.md. Commit your work with git.",
            "prodigy-complete-goal", "The goal in GOAL.md is not complete yet; these gaps remain: $ARGUMENTS. Close "
                    + "them and commit with git.");

    @Option(names = {"-t", "--template"}, paramLabel = "NAME", defaultValue = "mapreduce-files",
            description = "The template (default mapreduce-files).")
    String template;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The workflow file; default NAME.yml.")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite existing files.") boolean force;

    @Option(names = "--list", description = "List the templates.") boolean list;

    @Override
    public Integer call() {
        if (list) {
            TEMPLATES.keySet().forEach(System.out::println);
            return ExitCodes.OK;
        }
        if (!TEMPLATES.containsKey(template)) {
            String closest = CliConfig.closest(template, TEMPLATES.keySet());
            throw CliException.usage("unknown template '" + template + "'"
                    + (closest != null ? "; did you mean '" + closest + "'?" : "") + " (templates: "
                    + String.join(", ", TEMPLATES.keySet()) + ")");
        }
        CliContext ctx = CliContext.create();
        Path project = ctx.project();
        Path wf = output != null ? project.resolve(output) : project.resolve(template + ".yml");
        write(ctx, wf, template(template));
        for (String cmd : TEMPLATES.get(template)) {
            write(ctx, project.resolve(".claude").resolve("commands").resolve(cmd + ".md"), COMMANDS.get(cmd) + "\n");
        }
        Path config = project.resolve(".prodigy").resolve("config.yml");
        if (!Files.exists(config)) {
            write(ctx, config, CONFIG);
        }
        ctx.out.println("Next: commit these files (agents work in git worktrees of your commits), then run:");
        ctx.out.println("  prodigy validate " + project.relativize(wf));
        ctx.out.println("  prodigy run " + project.relativize(wf) + " -y");
        return ExitCodes.OK;
    }

    private void write(CliContext ctx, Path file, String text) {
        try {
            if (Files.exists(file) && !force) {
                ctx.out.println("kept    " + ctx.project().relativize(file) + " (exists; --force overwrites)");
                return;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            ctx.out.println("wrote   " + ctx.project().relativize(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** @param name a template @return its text */
    static String template(String name) {
        try (InputStream in = InitCommand.class.getResourceAsStream("templates/" + name + ".yml")) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String CONFIG = """
            # Prodigy settings for this project (they override $PRODIGY_HOME/config.yml; flags override both).
            # Every key is optional; unknown keys are errors.
            # max_parallel: 4            # items of a map phase at once (overrides the workflow's max_parallel)
            # retry:                     # default retry of steps that set none
            #   attempts: 3
            #   backoff: exponential     # fixed | linear | exponential | fibonacci
            #   initial_delay: 1s
            #   max_delay: 30s
            # timeouts:
            #   git: 10m
            #   agent_startup: 2m
            #   shutdown_grace: 20s
            # claude:
            #   command: claude
            #   model: sonnet
            # worktree:
            #   prefix: prodigy          # only "prodigy" is supported
            #   auto_cleanup: false      # remove failed items' worktrees
            #   mode: on_demand          # on_demand | pooled | reuse | dedicated (a workflow's worktree: block wins)
            #   on_conflict: dlq         # dlq | agent (as the Rust tool: /prodigy-merge-worktree) | merge_steps
            # merge:
            #   strategy: merge          # rebase is not supported yet
            # log_level: warn
            """;
}
