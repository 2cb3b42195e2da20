package io.prodigy.cli;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks made before a run dispatches anything (and, the static ones, by {@code validate}): the agent CLI is present
 * and runnable when the workflow has agent steps; every slash command the workflow calls has its file under
 * {@code .claude/commands} (a namespaced {@code /sub:x} is {@code sub/x.md}), committed when the run works in git
 * worktrees; every map input file exists and is committed; and where the working directory stands in its
 * repository. Errors stop the run with exit code 2 before any agent starts.
 */
final class Preflight {
    /** Slash commands Claude Code has built in; they need no file. */
    private static final Set<String> BUILT_IN = Set.of(
            "help",
            "review",
            "init",
            "compact",
            "clear",
            "cost",
            "pr-comments",
            "security-review",
            "memory",
            "context");

    private static final Pattern SLASH = Pattern.compile("^\\s*/([A-Za-z0-9][A-Za-z0-9_.:-]*)");
    private static final Pattern SCRIPT = Pattern.compile("(?:^|[;&|(]\\s*|\\s)(?:sh|bash)\\s+"
            + "([A-Za-z0-9_.][A-Za-z0-9_./-]*)|(?:^|[;&|(]\\s*|\\s)\\./([A-Za-z0-9_./-]+)");

    /**
     * One finding.
     *
     * @param error whether it stops the run
     * @param message what was found and what to do
     */
    record Finding(boolean error, String message) {
        @Override
        public String toString() {
            return (error ? "error: " : "note: ") + message;
        }
    }

    /** Where the project stands: its directory and, in git, the repository's top level. */
    private final Path project;

    private final Path topLevel;
    private final Path userHome;
    /** Whether the run works in git worktrees of the last commit (not with {@code --isolation directory}). */
    private final boolean worktrees;

    private Preflight(Path project, Path topLevel, Path userHome, boolean worktrees) {
        this.project = project;
        this.topLevel = topLevel;
        this.userHome = userHome;
        this.worktrees = worktrees && topLevel != null;
    }

    /**
     * @param project the project directory (the working directory or {@code -p})
     * @return the checks for it
     */
    static Preflight of(Path project) {
        return of(project, true);
    }

    /**
     * @param project the project directory (the working directory or {@code -p})
     * @param worktrees false when the run works in the directory itself ({@code --isolation directory}), where
     *     files need not be committed to be seen
     * @return the checks for it
     */
    static Preflight of(Path project, boolean worktrees) {
        String home = System.getProperty("user.home");
        return new Preflight(project, topLevel(project), home == null ? null : Path.of(home), worktrees);
    }

    /**
     * @param dir a directory
     * @return the top level of the git working tree it is in, or null when it is in none (or does not exist)
     */
    static Path topLevel(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        GitProcess r = git(dir, "rev-parse", "--show-toplevel");
        return r.ok() ? Path.of(r.out().strip()).toAbsolutePath().normalize() : null;
    }

    /**
     * Runs every check before a run and prints the findings on standard error.
     *
     * @param ctx the context
     * @param wf the workflow
     * @throws CliException (exit code 2) when a check failed: nothing has run
     */
    static void check(CliContext ctx, Workflow wf) {
        boolean worktrees = ctx.isolationChoice() != CliConfig.Isolation.DIRECTORY;
        List<Finding> findings =
                of(ctx.project(), worktrees).beforeRun(wf, ctx.config().claudeCommand());
        findings.forEach(f -> ctx.err.println(f));
        long errors = findings.stream().filter(Finding::error).count();
        if (errors > 0) {
            throw CliException.usage("the preflight check found " + errors + " problem(s); nothing ran");
        }
    }

    /**
     * The checks that depend only on the workflow and the files of the project.
     *
     * @param wf the workflow
     * @return the findings, errors first
     */
    List<Finding> staticChecks(Workflow wf) {
        List<Finding> out = new ArrayList<>();
        slashCommands(wf, out);
        inputFiles(wf, out);
        scripts(wf, out);
        out.sort((a, b) -> Boolean.compare(b.error(), a.error()));
        return out;
    }

    /**
     * Every check made before a run: the static ones, the agent CLI, and where the directory stands.
     *
     * @param wf the workflow
     * @param claudeCommand the configured agent executable
     * @return the findings, errors first
     */
    List<Finding> beforeRun(Workflow wf, String claudeCommand) {
        List<Finding> out = new ArrayList<>(staticChecks(wf));
        List<String> agentSteps = agentCommands(wf);
        if (!agentSteps.isEmpty()) {
            String problem = agentCliProblem(claudeCommand);
            if (problem != null) {
                out.add(
                        0,
                        new Finding(
                                true,
                                problem + ". This workflow has " + agentSteps.size()
                                        + " claude: step(s) (the first: claude: "
                                        + ProgressDisplay.oneLine(agentSteps.get(0))
                                        + "). Install Claude Code (npm install -g @anthropic-ai/claude-code) or set claude.command in "
                                        + ".prodigy/config.yml; prodigy init --template shell-quickstart writes a workflow that runs "
                                        + "without it."));
            }
        }
        if (worktrees && !topLevel.equals(project)) {
            out.add(new Finding(
                    false,
                    "running in " + topLevel.relativize(project) + "/ of the repository "
                            + topLevel + ": the run works in a git worktree of the whole repository, in that same "
                            + "subdirectory; the workflow's paths and commands (map input, git ls-files, ...) are relative "
                            + "to it. Run from " + topLevel + " to work on the whole repository."));
        }
        return out;
    }

    private void slashCommands(Workflow wf, List<Finding> out) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String cmd : agentCommands(wf)) {
            Matcher m = SLASH.matcher(cmd);
            if (m.find()) {
                seen.putIfAbsent(m.group(1), cmd);
            }
        }
        Path base = topLevel != null ? topLevel : project;
        for (String name : seen.keySet()) {
            if (BUILT_IN.contains(name)) {
                continue;
            }
            String rel = ".claude/commands/" + name.replace(':', '/') + ".md";
            Path projectFile = base.resolve(rel);
            Path userFile = userHome == null ? null : userHome.resolve(rel);
            if (Files.isRegularFile(projectFile)) {
                if (worktrees && !tracked(topLevel, rel)) {
                    out.add(new Finding(
                            true,
                            "the slash command /" + name + " (" + rel + ") is not committed: "
                                    + "agents run in git worktrees of your last commit, where it does not exist. Commit "
                                    + "it: git add " + rel + " && git commit -m 'add /" + name + "'"));
                }
            } else if (userFile == null || !Files.isRegularFile(userFile)) {
                out.add(new Finding(
                        true,
                        "the workflow calls the slash command /" + name + ", but " + rel
                                + " does not exist (nor in ~/.claude/commands). Write it (the prompt the agent gets; "
                                + "$ARGUMENTS is what follows the command), or run prodigy init --template NAME, which "
                                + "writes the commands of its workflow."));
            }
        }
    }

    private void inputFiles(Workflow wf, List<Finding> out) {
        for (Stage s : wf.stages()) {
            if (!(s instanceof Stage.MapReduce mr)) {
                continue;
            }
            String path = inputPath(mr.map().input());
            if (path == null) {
                continue;
            }
            boolean hasSetup = mr.setup() != null && !mr.setup().steps().isEmpty();
            Path file = project.resolve(path).normalize();
            if (!Files.exists(file)) {
                if (!hasSetup) {
                    out.add(new Finding(
                            true,
                            "the map input file " + path + " does not exist (looked for " + file
                                    + "; an input that is not a file runs as a command)"));
                }
                continue;
            }
            if (!worktrees || !file.startsWith(topLevel)) {
                continue;
            }
            String rel = topLevel.relativize(file).toString();
            if (!tracked(topLevel, rel)) {
                if (!hasSetup) {
                    out.add(new Finding(
                            true,
                            "the map input file " + path + " exists but is not committed: the "
                                    + "run works in a git worktree of your last commit, where it does not exist. Commit it: "
                                    + "git add " + rel + " && git commit -m 'add " + rel + "'"));
                }
            } else if (!git(topLevel, "status", "--porcelain", "--", rel).out().isBlank()) {
                out.add(new Finding(
                        false,
                        "the map input file " + path + " has uncommitted changes; the run "
                                + "reads the committed version (commit the changes to use them)"));
            }
        }
    }

    /**
     * @param input a map input
     * @return the file it names: a JSON file's path, or an input that is a file or a command by what exists and
     *     that looks like a path (one word with a dot or slash, not a command on the PATH); null otherwise
     */
    private static String inputPath(WorkInput input) {
        if (input instanceof WorkInput.JsonFile f) {
            return f.path().contains("$") ? null : f.path();
        }
        if (input instanceof WorkInput.Detect d) {
            String text = d.input().strip();
            boolean oneWord = !text.isEmpty()
                    && text.chars().noneMatch(c -> Character.isWhitespace(c) || "$|&;<>()'\"`*?".indexOf(c) >= 0);
            boolean pathLike = text.contains(".") || text.contains("/");
            return oneWord && pathLike && findExecutable(text) == null ? text : null;
        }
        return null;
    }

    /**
     * @param wf a workflow
     * @return the command of every agent step, in every phase and handler
     */
    static List<String> agentCommands(Workflow wf) {
        return allSteps(wf).stream()
                .filter(st -> st.action() instanceof StepAction.Agent)
                .map(st -> ((StepAction.Agent) st.action()).command())
                .toList();
    }

    /**
     * @param wf a workflow
     * @return every step of it: every phase, handler, validation and foreach body
     */
    static List<Step> allSteps(Workflow wf) {
        List<Step> out = new ArrayList<>();
        for (Stage s : wf.stages()) {
            if (s instanceof Stage.Steps st) {
                collect(st.steps(), out);
            } else if (s instanceof Stage.MapReduce mr) {
                if (mr.setup() != null) {
                    collect(mr.setup().steps(), out);
                }
                MapPhase map = mr.map();
                collect(map.agentTemplate(), out);
                collect(mr.reduce(), out);
            }
        }
        collect(wf.merge(), out);
        return out;
    }

    private static void collect(List<Step> steps, List<Step> out) {
        if (steps == null) {
            return;
        }
        for (Step step : steps) {
            out.add(step);
            if (step.action() instanceof StepAction.Foreach fe) {
                collect(fe.steps(), out);
            }
            if (step.onFailure() != null) {
                collect(step.onFailure().handlers(), out);
            }
            collect(step.onSuccess(), out);
            step.onExitCode().values().forEach(l -> collect(l, out));
            Validation v = step.validate();
            if (v != null) {
                collect(v.commands(), out);
                if (v.onIncomplete() != null) {
                    collect(v.onIncomplete().commands(), out);
                }
            }
        }
    }

    /** Notes the scripts that shell steps run ({@code sh x.sh}, {@code bash x}, {@code ./x}) and that are missing. */
    private void scripts(Workflow wf, List<Finding> out) {
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (Step st : allSteps(wf)) {
            if (st.action() instanceof StepAction.Shell sh) {
                Matcher m = SCRIPT.matcher(sh.command());
                while (m.find()) {
                    seen.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        for (String script : seen) {
            if (script.contains("$") || Path.of(script).isAbsolute()) {
                continue;
            }
            Path file = project.resolve(script).normalize();
            if (!Files.exists(file)) {
                out.add(
                        new Finding(
                                false,
                                "a shell step runs " + script + ", which does not exist in " + project
                                        + " (fine if an earlier step writes it; otherwise the step fails with \"No such file\")"));
            } else if (worktrees
                    && file.startsWith(topLevel)
                    && !tracked(topLevel, topLevel.relativize(file).toString())) {
                out.add(new Finding(
                        false,
                        "a shell step runs " + script + ", which is not committed: the run works "
                                + "in a git worktree of your last commit, where it does not exist"));
            }
        }
    }

    /** @return why the agent CLI cannot run, or null when {@code COMMAND --version} works */
    private String agentCliProblem(String command) {
        Path exe = findExecutable(command);
        if (exe == null) {
            return "the agent CLI '" + command + "' is not "
                    + (command.contains(File.separator) ? "an executable file" : "on the PATH");
        }
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            byte[] text = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return "the agent CLI " + exe + " did not answer '--version' within 30 s";
            }
            if (p.exitValue() != 0) {
                return "the agent CLI " + exe + " does not run ('" + exe.getFileName() + " --version' exited with "
                        + p.exitValue() + ": " + ProgressDisplay.oneLine(new String(text, StandardCharsets.UTF_8))
                        + ")";
            }
            return null;
        } catch (IOException e) {
            return "the agent CLI " + exe + " cannot be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking the agent CLI " + exe;
        }
    }

    /** @return the executable a command name or path stands for, or null */
    static Path findExecutable(String command) {
        if (command.contains(File.separator)) {
            Path p = Path.of(command);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p.toAbsolutePath() : null;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean tracked(Path repo, String rel) {
        return git(repo, "ls-files", "--error-unmatch", "--", rel).ok();
    }

    private static GitProcess git(Path dir, String... args) {
        return GitProcess.run(dir, args);
    }
}
