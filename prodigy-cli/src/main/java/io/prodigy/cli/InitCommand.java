package io.prodigy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy init}: a workflow from a template, every file it calls, and a project configuration. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a workflow from a template into the project with every file it calls: the Claude "
                    + "slash commands (.claude/commands/*.md), the scripts under .prodigy/, and a commented "
                    + ".prodigy/config.yml. Existing files are kept unless --force.",
            "Templates: shell-quickstart (a first run without Claude: MapReduce over the repository's Markdown "
                    + "files with shell steps), mapreduce-files (MapReduce over the repository's files), "
                    + "mapreduce-json (over a JSON report), test-and-fix (a test-and-fix loop), goal-seek (goal "
                    + "seeking with validation)."
        },
        footer = ExitCodes.HELP)
final class InitCommand implements Callable<Integer> {
    /**
     * A template: its workflow and the files it calls.
     *
     * @param name the template's name (its workflow is {@code templates/NAME.yml})
     * @param needsClaude whether it has agent steps
     * @param files the files it calls: project-relative path to the resource under {@code templates/files/} (or,
     *              for slash commands, their text)
     */
    record Template(String name, boolean needsClaude, Map<String, String> files) {}

    /** What the templates' scripts write in a worktree and git should not see as uncommitted work. */
    private static final String GITIGNORE =
            "# written by the workflows' scripts during a run\nvalidation.json\n" + "report.json";

    static final Map<String, Template> TEMPLATES = new LinkedHashMap<>();

    static {
        add(new Template("shell-quickstart", false, Map.of()));
        add(new Template(
                "mapreduce-files",
                true,
                Map.of(
                        command("prodigy-improve-file"),
                        "Improve the file $ARGUMENTS: fix mistakes and unclear wording, keep its meaning. Commit your change "
                                + "with git (one commit, message 'improve $ARGUMENTS').")));
        add(new Template(
                "mapreduce-json",
                true,
                ordered(
                        command("prodigy-fix-finding"),
                        "Fix this finding of the analyzer: $ARGUMENTS (the file:line, then "
                                + "the issue). Change as little as needed, run the tests, and commit with git.",
                        ".prodigy/find-todos.sh",
                        "@find-todos.sh",
                        ".prodigy/.gitignore",
                        GITIGNORE)));
        add(new Template(
                "test-and-fix",
                true,
                ordered(
                        command("prodigy-fix-tests"),
                        "The tests fail with this output: $ARGUMENTS. Find the cause and fix "
                                + "the code (not the tests, unless they are wrong). Commit the fix with git.",
                        ".prodigy/run-tests.sh",
                        "@run-tests.sh")));
        add(new Template(
                "goal-seek",
                true,
                ordered(
                        command("prodigy-work-on-goal"),
                        "Work towards the goal described in GOAL.md: meet its checklist's "
                                + "criteria and tick each one you meet (- [x]). Commit your work with git.",
                        command("prodigy-complete-goal"),
                        "The goal in GOAL.md is not complete yet; these criteria are not "
                                + "met: $ARGUMENTS. Meet them, tick them in GOAL.md (- [x]), and commit with git.",
                        ".prodigy/validate-goal.sh",
                        "@validate-goal.sh",
                        ".prodigy/.gitignore",
                        GITIGNORE,
                        "GOAL.md",
                        "@GOAL.md")));
    }

    private static void add(Template t) {
        TEMPLATES.put(t.name(), t);
    }

    private static String command(String name) {
        return ".claude/commands/" + name + ".md";
    }

    private static Map<String, String> ordered(String... pathAndText) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pathAndText.length; i += 2) {
            m.put(pathAndText[i], pathAndText[i + 1]);
        }
        return m;
    }

    @Option(
            names = {"-t", "--template"},
            paramLabel = "NAME",
            defaultValue = "shell-quickstart",
            description = "The template (default shell-quickstart; --list shows them all).")
    String template;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "The workflow file; default NAME.yml.")
    Path output;

    @Option(
            names = {"-f", "--force"},
            description = "Overwrite existing files.")
    boolean force;

    @Option(names = "--list", description = "List the templates.")
    boolean list;

    @Override
    public Integer call() {
        if (list) {
            TEMPLATES
                    .values()
                    .forEach(t -> System.out.println(t.name() + (t.needsClaude() ? "" : "  (no Claude " + "needed)")));
            return ExitCodes.OK;
        }
        Template t = TEMPLATES.get(template);
        if (t == null) {
            String closest = CliConfig.closest(template, TEMPLATES.keySet());
            throw CliException.usage("unknown template '" + template + "'"
                    + (closest != null ? "; did you mean '" + closest + "'?" : "") + " (templates: "
                    + String.join(", ", TEMPLATES.keySet()) + ")");
        }
        CliContext ctx = CliContext.create();
        Path project = ctx.project();
        Path wf = output != null ? project.resolve(output) : project.resolve(template + ".yml");
        write(ctx, wf, template(template), false);
        for (Map.Entry<String, String> f : t.files().entrySet()) {
            boolean script = f.getKey().endsWith(".sh");
            String text = f.getValue().startsWith("@")
                    ? resource("templates/files/" + f.getValue().substring(1))
                    : f.getValue() + "\n";
            write(ctx, project.resolve(f.getKey()), text, script);
        }
        Path config = project.resolve(".prodigy").resolve("config.yml");
        if (!Files.exists(config)) {
            write(ctx, config, CONFIG, false);
        }
        String rel = project.relativize(wf).toString();
        if (!CliContext.isGitRepository(project)) {
            ctx.out.println(
                    "Next: make this directory a git repository (agents work in git worktrees of your " + "commits):");
            ctx.out.println("  git init && git add -A && git commit -m 'prodigy " + template + "'");
        } else {
            ctx.out.println("Next: commit these files (agents work in git worktrees of your commits), then run:");
            ctx.out.println("  git add -A && git commit -m 'prodigy " + template + "'");
        }
        ctx.out.println("  prodigy validate " + rel);
        ctx.out.println("  prodigy run " + rel + " -y");
        if (t.needsClaude()) {
            ctx.out.println("This template runs Claude Code (claude on the PATH, or claude.command in "
                    + ".prodigy/config.yml); shell-quickstart needs none.");
        }
        return ExitCodes.OK;
    }

    private void write(CliContext ctx, Path file, String text, boolean executable) {
        try {
            if (Files.exists(file) && !force) {
                ctx.out.println("kept    " + ctx.project().relativize(file) + " (exists; --force overwrites)");
                return;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            if (executable) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the workflows run scripts with sh, which needs no mode
                }
            }
            ctx.out.println("wrote   " + ctx.project().relativize(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** @param name a template @return its text */
    static String template(String name) {
        return resource("templates/" + name + ".yml");
    }

    private static String resource(String path) {
        try (InputStream in = InitCommand.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
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
            #   mode: reuse              # reuse (default) | pooled | on_demand | dedicated (a workflow's worktree: wins)
            #   cold_directories: [build] # ignored directories not kept warm between items (see warm_directories)
            #   on_conflict: dlq         # dlq | agent (as the Rust tool: /prodigy-merge-worktree) | merge_steps
            # merge:
            #   strategy: merge          # rebase is not supported yet
            # log_level: warn
            """;
}
