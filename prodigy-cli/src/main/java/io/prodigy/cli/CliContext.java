package io.prodigy.cli;

import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.claude.ClaudeCodeRunner;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.ParallelWork;
import io.prodigy.core.Prodigy;
import io.prodigy.core.ProdigyHome;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.git.MergeConfirmation;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.Problem;
import io.prodigy.yaml.WorkflowLoadException;
import io.prodigy.yaml.WorkflowLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What every command needs: the state directory, the project, the settings, and how to build the engine. */
final class CliContext {
    private final Path home;
    private final Path project;
    private final CliConfig config;
    private CliConfig.Isolation isolationFlag;
    /** The workflow about to run (its worktree: block and map phase decide the isolation), or null. */
    private Workflow workflow;

    final PrintStream out = System.out;
    final PrintStream err = System.err;

    private CliContext(Path home, Path project, CliConfig config) {
        this.home = home;
        this.project = project;
        this.config = config;
    }

    /** @return the context of this invocation (reads the configuration files) */
    static CliContext create() {
        Path home = ProdigyHome.resolve();
        Path p = Globals.path() != null ? Globals.path() : Path.of("");
        Path project;
        try {
            project = p.toAbsolutePath().normalize().toRealPath();
        } catch (IOException e) {
            throw CliException.usage("the project directory " + p.toAbsolutePath() + " does not exist");
        }
        CliConfig config = CliConfig.load(home, project);
        String level = Globals.verbosity() >= 3 ? "trace" : Globals.verbosity() == 2 ? "debug" : config.logLevel();
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        // lines for people: "warning: message"; the logger's name only with -vv
        System.setProperty("org.slf4j.simpleLogger.warnLevelString", "warning:");
        System.setProperty("org.slf4j.simpleLogger.showLogName", Boolean.toString(Globals.verbosity() >= 2));
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "false");
        return new CliContext(home, project, config);
    }

    Path home() {
        return home;
    }

    private io.prodigy.api.spi.MapExecutor mapExecutor = io.prodigy.api.spi.MapExecutor.LOCAL;

    /** @param executor where the runs of this command run map items (null: here) */
    void useMapExecutor(io.prodigy.api.spi.MapExecutor executor) {
        this.mapExecutor = executor == null ? io.prodigy.api.spi.MapExecutor.LOCAL : executor;
    }

    Path project() {
        return project;
    }

    CliConfig config() {
        return config;
    }

    /** @param dir a directory @return whether it is inside a git working tree */
    static boolean isGitRepository(Path dir) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--is-inside-work-tree")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.equals("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @param projectDir the directory the run works on
     * @param listener the progress display
     * @param confirmation asked before the final merge
     * @return an engine: git worktrees in a git repository (plain directory otherwise), Claude Code for agents
     */
    Prodigy prodigy(Path projectDir, RunListener listener, MergeConfirmation confirmation) {
        Prodigy.Builder b = Prodigy.builder()
                .home(home)
                .workingDirectory(projectDir)
                .handleSignals(true)
                .shutdownGrace(config.shutdownGrace())
                .agentRunner(agentRunner())
                .isolation(isolation(projectDir, confirmation))
                .mapExecutor(mapExecutor);
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    /** @return an engine for reading state (no runs) */
    Prodigy reader() {
        return Prodigy.builder()
                .home(home)
                .workingDirectory(project)
                .eventLog(false)
                .build();
    }

    /**
     * @param option the command's {@code --isolation}/{@code --no-git} flags
     * @return this, with the isolation they ask for (over the configuration's)
     */
    CliContext isolation(IsolationOption option) {
        this.isolationFlag = option == null ? null : option.choice();
        return this;
    }

    /**
     * For {@code resume} and {@code dlq retry}: a run that worked in the project directory itself (plain-directory
     * isolation, chosen when it started) goes on the same way, without the flag again.
     *
     * @param record the run being continued
     * @return this
     */
    CliContext continuing(RunRecord record) {
        if (isolationFlag == null
                && record.workspace() != null
                && record.projectDirectory() != null
                && record.workspace()
                        .normalize()
                        .equals(record.projectDirectory().normalize())) {
            isolationFlag = CliConfig.Isolation.DIRECTORY;
        }
        return this;
    }

    /** @return the isolation in force: the command's flag, else the configuration's {@code isolation} */
    CliConfig.Isolation isolationChoice() {
        return isolationFlag != null ? isolationFlag : config.isolation();
    }

    /**
     * Refuses to let parallel items share one directory without being asked: outside a git repository, a workflow
     * that runs items in parallel needs {@code --isolation directory} (or {@code isolation: directory}).
     *
     * @param wf the workflow about to run
     * @param maxParallel the run's {@code max_parallel} override, or null
     * @param projectDir the directory it works on
     * @throws CliException (exit code 2) with what to do, when it would share the directory silently
     */
    void checkIsolation(Workflow wf, Integer maxParallel, Path projectDir) {
        if (isolationChoice() == CliConfig.Isolation.DIRECTORY || isGitRepository(projectDir)) {
            return;
        }
        ParallelWork.find(wf, maxParallel).ifPresent(where -> {
            throw CliException.usage(projectDir + " is not in a git repository, and " + where + " (workflow '"
                    + wf.name() + "'): without git they would all work in this one directory at the same time. "
                    + "Either make it a repository, so that each item works in its own worktree and the results "
                    + "are merged:\n  git init && git add -A && git commit -m 'initial commit'\nor share the "
                    + "directory on purpose: pass --isolation directory (or --no-git), or set 'isolation: "
                    + "directory' in .prodigy/config.yml");
        });
    }

    /**
     * Names the workflow the next engine runs, so that its {@code worktree:} block (worktree mode, merge conflicts)
     * is applied over the configuration's.
     *
     * @param wf the workflow
     */
    void workflow(Workflow wf) {
        this.workflow = wf;
    }

    IsolationStrategy isolation(Path projectDir, MergeConfirmation confirmation) {
        if (isolationChoice() == CliConfig.Isolation.DIRECTORY || !isGitRepository(projectDir)) {
            return DirectoryIsolation.shared();
        }
        WorktreeIsolation.Builder b = WorktreeIsolation.builder()
                .prodigyHome(home)
                .gitTimeout(config.gitTimeout())
                .keepFailedWorktrees(!config.autoCleanup())
                .mergeConfirmation(confirmation);
        IsolationSettings.apply(b, config.worktree(), workflow);
        return b.build();
    }

    AgentRunner agentRunner() {
        ClaudeCodeRunner.Builder b = ClaudeCodeRunner.builder()
                .executable(config.claudeCommand())
                .startupTimeout(config.agentStartupTimeout());
        if (config.claudeModel() != null) {
            b.model(config.claudeModel());
        }
        if (config.claudeMaxApiRetries() != null) {
            b.maxApiRetries(config.claudeMaxApiRetries());
        }
        return b.build();
    }

    /**
     * Loads a workflow file, printing its warnings.
     *
     * @param file the file
     * @param params {@code --param} values
     * @param paramFile {@code --param-file}, or null
     * @param strict whether unknown keys are errors
     * @return the workflow, with the configured default retry when it sets none
     * @throws WorkflowLoadException with every problem (exit code 2)
     */
    Workflow load(Path file, Map<String, String> params, Path paramFile, boolean strict) {
        WorkflowLoader.Builder lb =
                WorkflowLoader.builder().strict(strict).parameters(params).baseDirectory(project);
        if (paramFile != null) {
            if (!Files.isRegularFile(paramFile)) {
                throw CliException.usage("the parameter file " + paramFile + " does not exist");
            }
            lb.parameterFile(paramFile);
        }
        LoadResult r = lb.build().load(file);
        for (Problem p : r.warnings()) {
            err.println(p);
        }
        if (r.hasErrors()) {
            throw new WorkflowLoadException(r.source(), r.errors());
        }
        return withDefaults(r.orThrow());
    }

    /** @param wf a workflow @return it with the configured default retry, when it has none */
    Workflow withDefaults(Workflow wf) {
        RetryPolicy retry = config.retry();
        if (retry != null && wf.defaultRetry() == null) {
            return wf.toBuilder().defaultRetry(retry).build();
        }
        return wf;
    }

    /**
     * Rebuilds the workflow of a run started by the command line.
     *
     * @param record the run
     * @return the workflow, loaded as it was when the run started
     */
    Workflow rebuild(RunRecord record) {
        RunInfo info = RunInfo.read(home, record.runId())
                .orElseThrow(() -> CliException.usage("run '"
                        + record.runId() + "' was not started by the prodigy command (no "
                        + RunInfo.file(home, record.runId())
                        + "); continue it from Java with Prodigy.resume and its workflow"));
        switch (info.kind()) {
            case "exec":
                return withDefaults(ExecCommand.workflow(info.command(), info.retry(), info.timeoutSeconds()));
            case "batch":
                return withDefaults(BatchCommand.workflow(
                        info.files(), info.command(), info.parallel(), info.retry(), info.timeoutSeconds()));
            default:
                Path f = Path.of(info.workflowFile());
                if (!Files.isRegularFile(f)) {
                    throw CliException.usage("the workflow file of run '" + record.runId() + "' is gone: " + f);
                }
                return load(
                        f,
                        info.params() == null ? Map.of() : info.params(),
                        info.paramFile() == null ? null : Path.of(info.paramFile()),
                        false);
        }
    }

    /**
     * @param record a run started by the prodigy command
     * @return its workflow's source for remote workers, or null for runs not started from a workflow file
     */
    String workflowSource(RunRecord record) {
        RunInfo info = RunInfo.read(home, record.runId()).orElse(null);
        if (info == null || info.workflowFile() == null || !Files.isRegularFile(Path.of(info.workflowFile()))) {
            return null;
        }
        return ExecutorOptions.source(
                Path.of(info.workflowFile()),
                info.params(),
                info.paramFile() == null ? null : Path.of(info.paramFile()));
    }

    /** @return every run in this state directory, newest first */
    List<RunRecord> runs() {
        if (!Files.isDirectory(home.resolve("runs"))) {
            return List.of();
        }
        try (FileCheckpointStore store = FileCheckpointStore.open(home)) {
            return store.runs();
        }
    }

    /**
     * @param runId a run id, or null for the latest run of this project
     * @param unfinishedOnly with no id, whether only runs that have not completed count
     * @return the run
     * @throws CliException (exit code 2) when there is none
     */
    RunRecord run(String runId, boolean unfinishedOnly) {
        List<RunRecord> all = runs();
        if (runId != null) {
            return all.stream()
                    .filter(r -> r.runId().equals(runId))
                    .findFirst()
                    .orElseThrow(() ->
                            CliException.usage("no run '" + runId + "' in " + home + "; list them with prodigy runs"));
        }
        Optional<RunRecord> found = all.stream()
                .filter(r -> project.equals(r.projectDirectory()))
                .filter(r -> !unfinishedOnly
                        || (r.status() != RunStatus.SUCCEEDED && r.status() != RunStatus.COMPLETED_WITH_FAILURES))
                .findFirst();
        return found.orElseThrow(() -> CliException.usage("no " + (unfinishedOnly ? "unfinished " : "") + "run of "
                + project + " in " + home + "; list them with prodigy runs"));
    }
}
