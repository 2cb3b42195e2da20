package io.prodigy.core;

import io.prodigy.api.ProdigyException;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.MapExecutor;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.engine.EngineSettings;
import io.prodigy.core.internal.engine.RunLauncher;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.core.store.FileDlqStore;
import io.prodigy.core.store.JsonlEventLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The entry point: runs {@link Workflow}s. Build one, configure it once, and share it, like an HTTP client.
 * Immutable and thread-safe; several runs may go on at once.
 *
 * <pre>{@code
 * Prodigy prodigy = Prodigy.builder()
 *     .workingDirectory(Path.of("my-project"))
 *     .agentRunner(request -> AgentResult.success("done " + request.command()))
 *     .listener(event -> System.out.println(event))
 *     .build();
 * RunResult result = prodigy.run(workflow);
 * System.out.println(result.summary().succeeded() + " of " + result.summary().total() + " items succeeded");
 * }</pre>
 *
 * <p>Failures of steps and items are reported in the {@link RunResult}, never thrown. Invalid input (a bad
 * expression, a missing input file) ends the run with status {@code FAILED} and an actionable message.
 */
public final class Prodigy implements AutoCloseable {
    private final CheckpointStore checkpoints;
    private final DlqStore dlq;
    private final Path workingDirectory;
    private final Path home;
    /** The default stores and the event log this instance made, closed by {@link #close()}. */
    private final List<AutoCloseable> owned = new ArrayList<>();

    private final RunLauncher launcher;

    private Prodigy(Builder b) {
        this.workingDirectory = (b.workingDirectory != null ? b.workingDirectory : Path.of(""))
                .toAbsolutePath()
                .normalize();
        this.home = ProdigyHome.resolve(b.home);
        this.checkpoints = b.checkpoints != null ? b.checkpoints : own(FileCheckpointStore.open(home));
        this.dlq = b.dlq != null ? b.dlq : own(FileDlqStore.open(home));
        List<RunListener> listeners = new ArrayList<>(b.listeners);
        if (b.eventLog) {
            listeners.add(0, own(new JsonlEventLog(home)));
        }
        this.launcher = new RunLauncher(EngineSettings.builder()
                .agentRunner(b.agentRunner)
                .isolation(b.isolation != null ? b.isolation : DirectoryIsolation.shared(), b.isolation != null)
                .stores(checkpoints, dlq)
                .listeners(listeners)
                .directories(workingDirectory, home)
                .executors(b.executor, b.mapExecutor)
                .timing(
                        b.clock != null ? b.clock : Clock.systemUTC(),
                        b.throttleDelay != null ? b.throttleDelay : Duration.ofSeconds(1))
                .shutdown(b.handleSignals, b.shutdownGrace, this::close)
                .build());
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    /**
     * Syncs and closes the default stores this instance created (the host's own stores are left alone). Call it
     * when the host shuts down; runs still going on are not stopped.
     */
    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Prodigy.class).warn("closing {} failed: {}", c, e.toString());
            }
        }
    }

    /** @return a builder with the embedded defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a workflow to its end and returns the result.
     *
     * @param workflow the workflow
     * @return the result
     */
    public RunResult run(Workflow workflow) {
        return run(workflow, RunOptions.DEFAULT);
    }

    /**
     * Runs a workflow with arguments and overrides, blocking until it ends.
     *
     * @param workflow the workflow
     * @param options arguments and overrides
     * @return the result
     * @throws WorkflowDefinitionException if an argument is null, or if the workflow runs items in parallel (a map
     *     phase with {@code max_parallel} above 1, a parallel {@code foreach}) and the builder was given no
     *     isolation strategy: they would silently share one directory; choose one (the message says which)
     */
    public RunResult run(Workflow workflow, RunOptions options) {
        return launcher.run(workflow, options);
    }

    /**
     * Starts a workflow on a new thread.
     *
     * @param workflow the workflow
     * @param options arguments and overrides
     * @return a handle to watch, cancel or await the run
     * @throws WorkflowDefinitionException as {@link #run(Workflow, RunOptions)}
     */
    public RunHandle start(Workflow workflow, RunOptions options) {
        RunLauncher.Started run = launcher.start(workflow, options);
        return new RunHandle(run.runId(), run.progress(), run.cancel(), run.result());
    }

    /** @param workflow the workflow @return a handle; see {@link #start(Workflow, RunOptions)} */
    public RunHandle start(Workflow workflow) {
        return start(workflow, RunOptions.DEFAULT);
    }

    /**
     * Resumes an interrupted run (crashed, killed, cancelled or failed) where it stopped: finished steps and
     * phases are skipped and their variables restored; map items already integrated (by the journal, or by the
     * isolation strategy's own record such as git ancestry) are not run again; items in flight at the
     * interruption run again from a clean workspace; items in the DLQ stay there unless asked.
     *
     * @param runId the run to resume
     * @param workflow the same workflow the run was started with
     * @param options whether to accept a changed workflow and whether to rerun DLQ items
     * @return the result of the whole run, earlier work included
     * @throws ProdigyException if the run is unknown, already completed, or its workflow changed (without force)
     */
    public RunResult resume(String runId, Workflow workflow, ResumeOptions options) {
        WorkflowDefinitionException.requireNonNull(runId, "runId");
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        WorkflowDefinitionException.requireNonNull(options, "options");
        return launcher.resume(runId, workflow, options);
    }

    /**
     * Runs the failed items of a finished (or interrupted) run again through the run's agent template, in the
     * run's workspace, so that successes are integrated into the run's work like any other item, and marks
     * their DLQ entries resolved. Items that fail again get another attempt recorded in their entry. The DLQ is
     * streamed, so a queue of 100,000 entries is not loaded into memory.
     *
     * @param runId the run whose DLQ is reprocessed
     * @param workflow the workflow the run was started with
     * @param options which entries, how many at once, or a dry run
     * @return the items that were (or, in a dry run, would be) run again, and for a real run the new result
     */
    public ReprocessResult reprocessDeadLetters(String runId, Workflow workflow, ReprocessOptions options) {
        WorkflowDefinitionException.requireNonNull(runId, "runId");
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        WorkflowDefinitionException.requireNonNull(options, "options");
        RunLauncher.Reprocessed done = launcher.reprocessDeadLetters(runId, workflow, options);
        return new ReprocessResult(done.itemIds(), done.result());
    }

    /**
     * The outcome of {@link #reprocessDeadLetters}.
     *
     * @param itemIds the items selected for reprocessing
     * @param result the run's result after reprocessing, or null for a dry run or when nothing was selected
     */
    public record ReprocessResult(List<String> itemIds, RunResult result) {}

    /**
     * @return the most recent run of this project directory that has not completed (the one a bare
     *         {@code resume} continues), if any
     */
    public Optional<RunRecord> latestUnfinishedRun() {
        return launcher.latestUnfinishedRun();
    }

    /** @return the Dead Letter Queue store */
    public DlqStore dlq() {
        return dlq;
    }

    /** @return the checkpoint store holding run records and journals */
    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    /** @return the project directory runs work on */
    public Path workingDirectory() {
        return workingDirectory;
    }

    /** @return the state directory ({@code PRODIGY_HOME}) */
    public Path home() {
        return home;
    }

    /**
     * Runs one attempt of a map item that a coordinator dispatched to this process, as a worker of a remote
     * {@link MapExecutor} does: the agent template of stage {@code attempt.stageIndex()} of {@code workflow}, in
     * {@code workspace}, with this instance's agent runner, the attempt's variables and environment, and the
     * workflow's secrets as this process knows them. Nothing is journaled here: the coordinator owns the run.
     * Interrupting the calling thread stops the running agent.
     *
     * @param workflow the coordinator's workflow (its fingerprint must match {@code attempt.workflowHash()})
     * @param attempt the attempt
     * @param workspace the item's workspace (the caller makes, integrates and releases it)
     * @return the outcome; a failing agent is an outcome with an error
     * @throws io.prodigy.api.WorkflowDefinitionException if the workflow differs from the coordinator's, or the stage
     *     is not a MapReduce stage
     * @throws InterruptedException if interrupted
     */
    public MapAttemptOutcome runMapAttempt(Workflow workflow, MapAttempt attempt, Workspace workspace)
            throws InterruptedException {
        return runMapAttempt(workflow, attempt, workspace, null);
    }

    /**
     * Runs one attempt of a map item as {@link #runMapAttempt(Workflow, MapAttempt, Workspace)} does, and also
     * sends the attempt's events (its steps starting and ending, the agents' activity and cost) to {@code progress},
     * after this instance's own listeners: a worker reports them to its coordinator.
     *
     * @param workflow the coordinator's workflow (its fingerprint must match {@code attempt.workflowHash()})
     * @param attempt the attempt
     * @param workspace the item's workspace (the caller makes, integrates and releases it)
     * @param progress an extra listener for this attempt's events, or null; it is called on the attempt's threads
     *                 and must not block
     * @return the outcome; a failing agent is an outcome with an error
     * @throws io.prodigy.api.WorkflowDefinitionException if the workflow differs from the coordinator's, or the stage
     *     is not a MapReduce stage
     * @throws InterruptedException if interrupted
     */
    public MapAttemptOutcome runMapAttempt(
            Workflow workflow, MapAttempt attempt, Workspace workspace, RunListener progress)
            throws InterruptedException {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(workspace, "workspace");
        return launcher.runMapAttempt(workflow, attempt, workspace, progress);
    }

    /** Builds a {@link Prodigy}. Every setting is optional. */
    public static final class Builder {
        private AgentRunner agentRunner;
        private IsolationStrategy isolation;
        private CheckpointStore checkpoints;
        private DlqStore dlq;
        private final List<RunListener> listeners = new ArrayList<>();
        private Path workingDirectory;
        private Path home;
        private ExecutorService executor;
        private MapExecutor mapExecutor = MapExecutor.LOCAL;
        private Clock clock;
        private Duration throttleDelay;
        private boolean handleSignals;
        private boolean eventLog = true;
        private Duration shutdownGrace = Duration.ofSeconds(20);

        private Builder() {}

        /**
         * Makes SIGINT/SIGTERM (any JVM shutdown) stop running runs cleanly: dispatch stops, running agents' process
         * trees are terminated, and each run records itself as CANCELLED (resumable) before the JVM exits, within
         * the grace period. Off by default: an embedded library does not install shutdown hooks unless asked.
         *
         * @param handle whether to install the hook (once, on the first run)
         * @return this
         */
        public Builder handleSignals(boolean handle) {
            this.handleSignals = handle;
            return this;
        }

        /** @param grace how long the shutdown hook waits for runs to record their state (default 20 s) @return this */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = WorkflowDefinitionException.requireNonNull(grace, "grace");
            return this;
        }

        /**
         * @param delay the first wait after an agent backend answers "rate limited" or "overloaded" without saying
         *              when to come back; it doubles on each further throttle of the same step, up to 60 s.
         *              Default 1 s.
         * @return this
         */
        public Builder throttleDelay(Duration delay) {
            this.throttleDelay = WorkflowDefinitionException.requireNonNull(delay, "delay");
            return this;
        }

        /** @param runner runs agent ({@code claude:}) steps; without one, agent steps fail @return this */
        public Builder agentRunner(AgentRunner runner) {
            this.agentRunner = WorkflowDefinitionException.requireNonNull(runner, "runner");
            return this;
        }

        /**
         * @param strategy gives runs and items their workspaces. Without one, runs work in the project directory
         *                 ({@link DirectoryIsolation#shared()}), and a workflow that runs items in parallel is refused
         *                 rather than letting them share it silently: choose {@code WorktreeIsolation.create()} of
         *                 prodigy-git, or {@link DirectoryIsolation#shared()} to share on purpose
         * @return this
         */
        public Builder isolation(IsolationStrategy strategy) {
            this.isolation = WorkflowDefinitionException.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * @param enabled whether every run's events are written to {@code PRODIGY_HOME/runs/<id>/events.jsonl}
         *                (default true)
         * @return this
         */
        public Builder eventLog(boolean enabled) {
            this.eventLog = enabled;
            return this;
        }

        /**
         * @param store durable run state; default a {@link FileCheckpointStore} under {@code PRODIGY_HOME}
         * @return this
         */
        public Builder checkpointStore(CheckpointStore store) {
            this.checkpoints = WorkflowDefinitionException.requireNonNull(store, "store");
            return this;
        }

        /** @param store the Dead Letter Queue; default a {@link FileDlqStore} under {@code PRODIGY_HOME} @return this */
        public Builder dlqStore(DlqStore store) {
            this.dlq = WorkflowDefinitionException.requireNonNull(store, "store");
            return this;
        }

        /** @param l a listener for run events (may be called several times to add more) @return this */
        public Builder listener(RunListener l) {
            this.listeners.add(WorkflowDefinitionException.requireNonNull(l, "l"));
            return this;
        }

        /** @param dir the project directory; default the current directory @return this */
        public Builder workingDirectory(Path dir) {
            this.workingDirectory = WorkflowDefinitionException.requireNonNull(dir, "dir");
            return this;
        }

        /** @param dir the state directory; default {@code $PRODIGY_HOME} or {@code ~/.prodigy} @return this */
        public Builder home(Path dir) {
            this.home = WorkflowDefinitionException.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param exec runs map items; the host keeps ownership (it is never shut down). It must allow at least
         *             {@code max_parallel} tasks at once. Default: a fixed pool of platform threads per map phase.
         * @return this
         */
        public Builder executor(ExecutorService exec) {
            this.executor = WorkflowDefinitionException.requireNonNull(exec, "exec");
            return this;
        }

        /**
         * @param executor where map item attempts run; default {@link MapExecutor#LOCAL} (this process, in
         *                 workspaces from the isolation strategy). Steps, merges, the DLQ and the journal stay here
         *                 whatever the executor.
         * @return this
         * @throws NullPointerException if {@code executor} is null
         */
        public Builder mapExecutor(MapExecutor executor) {
            this.mapExecutor = Objects.requireNonNull(executor, "mapExecutor");
            return this;
        }

        /** @param c the clock for timestamps; default UTC system clock @return this */
        public Builder clock(Clock c) {
            this.clock = WorkflowDefinitionException.requireNonNull(c, "c");
            return this;
        }

        /** @return the engine */
        public Prodigy build() {
            return new Prodigy(this);
        }
    }
}
