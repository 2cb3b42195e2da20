package io.prodigy.core;

import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.MapExecutor;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.engine.RemoteAttemptRunner;
import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.EnvValue;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.RunSummary;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.RunRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.engine.CrashPoints;
import io.prodigy.core.internal.engine.EventSink;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.core.store.FileDlqStore;
import io.prodigy.core.store.JsonlEventLog;
import io.prodigy.core.store.RunLock;
import io.prodigy.core.internal.engine.ResumeState;
import io.prodigy.core.internal.engine.RunState;
import io.prodigy.core.internal.engine.SecretMasker;
import io.prodigy.core.internal.engine.WorkflowRunner;
import io.prodigy.core.internal.env.DotEnv;
import io.prodigy.core.internal.expr.Expression;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import io.prodigy.core.internal.process.CancellationToken;
import io.prodigy.core.internal.process.LeftoverProcesses;
import io.prodigy.core.internal.process.ProcessResult;
import io.prodigy.core.internal.process.ProcessRunner;
import io.prodigy.core.internal.process.ProcessSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;

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
    /** How long the agents a crashed owner left behind get to exit after SIGTERM when the run resumes. */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(2);
    /** How long the git commands a crashed owner left running get to finish by themselves when the run resumes. */
    private static final Duration LEFTOVER_GIT_GRACE = Duration.ofSeconds(30);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** Run-record metadata keys. */
    static final String META_ARGS = "args";
    static final String META_VARIABLES = "variables";
    static final String META_PROFILE = "profile";
    static final String META_MAX_PARALLEL = "max_parallel";
    static final String META_BUDGET = "budget_usd";
    static final String META_SPENT = "spent_usd";
    static final String META_ITERATIONS = "max_iterations";

    private final AgentRunner agentRunner;
    private final IsolationStrategy isolation;
    private final CheckpointStore checkpoints;
    private final DlqStore dlq;
    private final List<RunListener> listeners;
    /** Whether the host chose the isolation strategy (the default refuses to share a directory in parallel). */
    private final boolean isolationChosen;
    private final Path workingDirectory;
    private final Path home;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration throttleDelay;
    private final boolean handleSignals;
    private final Duration shutdownGrace;
    private final MapExecutor mapExecutor;

    private Prodigy(Builder b) {
        this.agentRunner = b.agentRunner;
        this.isolationChosen = b.isolation != null;
        this.isolation = b.isolation != null ? b.isolation : DirectoryIsolation.shared();
        this.workingDirectory = (b.workingDirectory != null ? b.workingDirectory : Path.of(""))
                .toAbsolutePath().normalize();
        this.home = ProdigyHome.resolve(b.home);
        this.checkpoints = b.checkpoints != null ? b.checkpoints : own(FileCheckpointStore.open(home));
        this.dlq = b.dlq != null ? b.dlq : own(FileDlqStore.open(home));
        List<RunListener> listeners = new ArrayList<>(b.listeners);
        if (b.eventLog) {
            listeners.add(0, own(new JsonlEventLog(home)));
        }
        this.listeners = List.copyOf(listeners);
        this.executor = b.executor;
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.throttleDelay = b.throttleDelay != null ? b.throttleDelay : Duration.ofSeconds(1);
        this.handleSignals = b.handleSignals;
        this.shutdownGrace = b.shutdownGrace;
        this.mapExecutor = b.mapExecutor;
    }

    private final List<AutoCloseable> owned = new ArrayList<>();

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
        RunState state = prepare(workflow, options);
        return execute(state, workflow, options);
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
        RunState state = prepare(workflow, options);
        active.add(state);
        CompletableFuture<RunResult> future = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                future.complete(execute(state, workflow, options));
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        }, "prodigy-run-" + state.runId());
        t.setDaemon(false);
        t.start();
        return new RunHandle(state.runId(), () -> state.progress().snapshot(), state::cancel, future);
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
        RunRecord record = checkpoints.findRun(runId).orElseThrow(() -> new ProdigyException("no run '" + runId
                + "' in " + home + "; list runs with Prodigy.checkpoints().runs()"));
        if (record.status() == RunStatus.SUCCEEDED || record.status() == RunStatus.COMPLETED_WITH_FAILURES) {
            throw new ProdigyException("run '" + runId + "' already completed (" + record.status() + "); there is "
                    + "nothing to resume" + (record.status() == RunStatus.COMPLETED_WITH_FAILURES
                    ? " - reprocess its failed items from the Dead Letter Queue instead" : ""));
        }
        String hash = fingerprint(workflow);
        if (!hash.equals(record.workflowHash()) && !options.force()) {
            throw new ProdigyException("the workflow '" + workflow.name() + "' changed since run '" + runId
                    + "' started; resuming it could mix two versions of the work. Resume with force to accept the "
                    + "change, or start a new run");
        }
        RunOptions base = optionsFrom(record);
        RunOptions runOptions = options.budgetUsd() == null ? base : new RunOptions(base.args(), base.variables(),
                base.maxParallel(), base.runId(), base.profile(), options.budgetUsd(), base.maxIterations());
        ResumeState resume = new ResumeState(options.includeDeadLettered());
        checkpoints.replay(runId, resume::accept);
        RunState state = prepare(workflow, runOptions);
        return execute(state, workflow, runOptions, resume, record);
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
        RunRecord record = checkpoints.findRun(runId).orElseThrow(() -> new ProdigyException("no run '" + runId
                + "' in " + home));
        java.util.Set<String> selected = new java.util.LinkedHashSet<>();
        dlq.forEach(runId, e -> {
            if (!e.resolved() && (options.errorKinds().isEmpty()
                    || options.errorKinds().contains(e.lastAttempt().errorKind()))) {
                selected.add(e.itemId());
            }
        });
        if (options.dryRun() || selected.isEmpty()) {
            return new ReprocessResult(List.copyOf(selected), null);
        }
        if (!fingerprint(workflow).equals(record.workflowHash())) {
            throw new ProdigyException("the workflow '" + workflow.name() + "' changed since run '" + runId
                    + "' started; reprocess its DLQ with the workflow it ran with");
        }
        RunOptions base = optionsFrom(record);
        RunOptions runOptions = new RunOptions(base.args(), base.variables(),
                options.maxParallel() != null ? options.maxParallel() : base.maxParallel(), runId, base.profile(),
                base.budgetUsd(), base.maxIterations());
        ResumeState resume = new ResumeState(selected::contains).rerunReduceAfterNewItems(options.rerunReduce());
        checkpoints.replay(runId, resume::accept);
        RunState state = prepare(workflow, runOptions);
        return new ReprocessResult(List.copyOf(selected), execute(state, workflow, runOptions, resume, record));
    }

    /**
     * The outcome of {@link #reprocessDeadLetters}.
     *
     * @param itemIds the items selected for reprocessing
     * @param result the run's result after reprocessing, or null for a dry run or when nothing was selected
     */
    public record ReprocessResult(List<String> itemIds, RunResult result) {
    }

    /**
     * @return the most recent run of this project directory that has not completed (the one a bare
     *         {@code resume} continues), if any
     */
    public Optional<RunRecord> latestUnfinishedRun() {
        for (RunRecord r : checkpoints.runs()) {
            if (workingDirectory.equals(r.projectDirectory()) && r.status() != RunStatus.SUCCEEDED
                    && r.status() != RunStatus.COMPLETED_WITH_FAILURES) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static RunOptions optionsFrom(RunRecord record) {
        Map<String, String> m = record.metadata();
        RunOptions.Builder b = RunOptions.builder().runId(record.runId());
        try {
            if (m.containsKey(META_ARGS)) {
                for (JsonNode a : Json.parse(m.get(META_ARGS))) {
                    b.args(a.asText());
                }
            }
            if (m.containsKey(META_VARIABLES)) {
                Json.parse(m.get(META_VARIABLES)).properties().forEach(e -> b.variable(e.getKey(),
                        e.getValue().asText()));
            }
        } catch (JsonProcessingException e) {
            throw new ProdigyException("the record of run '" + record.runId() + "' has unreadable options: "
                    + e.getOriginalMessage(), e);
        }
        if (m.containsKey(META_PROFILE)) {
            b.profile(m.get(META_PROFILE));
        }
        if (m.containsKey(META_MAX_PARALLEL)) {
            b.maxParallel(Integer.valueOf(m.get(META_MAX_PARALLEL)));
        }
        if (m.containsKey(META_BUDGET)) {
            b.budgetUsd(Double.valueOf(m.get(META_BUDGET)));
        }
        if (m.containsKey(META_ITERATIONS)) {
            b.maxIterations(Integer.parseInt(m.get(META_ITERATIONS)));
        }
        return b.build();
    }

    private static Map<String, String> metadataOf(RunOptions options) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(META_ARGS, Json.writeValue(options.args()));
        m.put(META_VARIABLES, Json.writeValue(options.variables()));
        if (options.profile() != null) {
            m.put(META_PROFILE, options.profile());
        }
        if (options.maxParallel() != null) {
            m.put(META_MAX_PARALLEL, String.valueOf(options.maxParallel()));
        }
        if (options.budgetUsd() != null) {
            m.put(META_BUDGET, String.valueOf(options.budgetUsd()));
        }
        if (options.maxIterations() > 1) {
            m.put(META_ITERATIONS, String.valueOf(options.maxIterations()));
        }
        return m;
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

    private final java.util.Set<RunState> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean hookInstalled = new java.util.concurrent.atomic.AtomicBoolean();

    private void installShutdownHook() {
        if (!handleSignals || !hookInstalled.compareAndSet(false, true)) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (RunState s : active) {
                // to the terminal itself, not only the log: the user needs this line whatever the logging setup
                System.err.println("prodigy: interrupted; stopping run " + s.runId() + " (its running agents are "
                        + "terminated, finished work is kept). Resume it with: prodigy resume " + s.runId());
                org.slf4j.LoggerFactory.getLogger(Prodigy.class).debug("shutdown: cancelling run {}", s.runId());
                s.cancel();
            }
            long deadline = System.nanoTime() + shutdownGrace.toNanos();
            while (!active.isEmpty() && System.nanoTime() < deadline) {
                synchronized (active) {
                    try {
                        active.wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            close();
        }, "prodigy-shutdown"));
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
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(workspace, "workspace");
        // the agents here carry PRODIGY_RUN_ID=<run>-worker: a coordinator resuming the run on this machine stops
        // the leftovers of its own dead process by that variable, never the agents workers run for it
        // the caller made the item's own workspace: this engine's isolation (and its parallelism check) has no say
        RunState state = newState(workflow, RunOptions.builder().runId(attempt.runId() + "-worker").build())
                .withLimits(null, throttleDelay);
        return RemoteAttemptRunner.run(state, attempt, workspace);
    }

    private RunState prepare(Workflow workflow, RunOptions options) {
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        WorkflowDefinitionException.requireNonNull(options, "options");
        if (!isolationChosen) {
            ParallelWork.find(workflow, options.maxParallel()).ifPresent(where -> {
                throw new WorkflowDefinitionException("workflow '" + workflow.name() + "': " + where + ", and no "
                        + "isolation strategy was chosen, so they would all work in " + workingDirectory + " at the "
                        + "same time. Choose one on the builder: isolation(WorktreeIsolation.create()) from "
                        + "prodigy-git gives each item its own git worktree and merges the results; "
                        + "isolation(DirectoryIsolation.shared()) shares the directory on purpose; "
                        + "isolation(DirectoryIsolation.scratchPerItem()) gives each item an empty directory");
            });
        }
        return newState(workflow, options);
    }

    private RunState newState(Workflow workflow, RunOptions options) {
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        String runId = options.runId() != null ? options.runId()
                : "run-" + RUN_ID_TIME.format(clock.instant()) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path stateDir = home.resolve("runs").resolve(runId);
        Map<String, String> processEnv = new LinkedHashMap<>();
        List<String> secretValues = new ArrayList<>(workflow.secrets().values());
        SecretMasker masker = new SecretMasker(secretValues);
        return new RunState(runId, workflow, options, clock, new EventSink(listeners), checkpoints, dlq, agentRunner,
                isolation, masker, new CancellationToken(), executor, workingDirectory, stateDir, processEnv,
                () -> ThreadLocalRandom.current().nextDouble()).withHome(home);
    }

    private RunResult execute(RunState state, Workflow workflow, RunOptions options) {
        return execute(state, workflow, options, null, null);
    }

    private RunResult execute(RunState state, Workflow workflow, RunOptions options, ResumeState resume,
                              RunRecord resumed) {
        Map<String, String> metadata = metadataOf(options);
        double spentBefore = 0;
        if (resumed != null && resumed.metadata().containsKey(META_SPENT)) {
            spentBefore = Double.parseDouble(resumed.metadata().get(META_SPENT));
        }
        state.withMetadata(metadata).withLimits(options.budgetUsd(), throttleDelay).withMapExecutor(mapExecutor);
        if (spentBefore > 0) {
            state.carryOverSpend(spentBefore);
        }
        Variables vars = Variables.root(System.getenv());
        Map<String, String> processEnv = new LinkedHashMap<>();
        List<String> args = options.args();
        if (!args.isEmpty()) {
            vars.putString("ARG", args.get(0));
            processEnv.put("ARG", args.get(0));
        }
        for (int i = 0; i < args.size(); i++) {
            vars.putString("ARG_" + (i + 1), args.get(i));
            vars.putString(String.valueOf(i + 1), args.get(i));
            processEnv.put("ARG_" + (i + 1), args.get(i));
        }
        vars.putString("workflow.name", workflow.name());
        vars.putString("workflow.id", state.runId());
        vars.putString("workflow.run_id", state.runId());
        vars.put("workflow.iteration", IntNode.valueOf(1));
        try {
            for (String file : workflow.envFiles()) {
                String path = Interpolator.interpolate(file, vars, Interpolator.Quoting.NONE, "env_files");
                DotEnv.read(workingDirectory.resolve(path)).forEach((k, v) -> {
                    vars.putExported(k, v);
                    processEnv.put(k, v);
                });
            }
            for (Map.Entry<String, String> e : workflow.env().entrySet()) {
                String value = Interpolator.interpolate(e.getValue(), vars, Interpolator.Quoting.NONE,
                        "env " + e.getKey());
                vars.putExported(e.getKey(), value);
                processEnv.put(e.getKey(), value);
            }
            for (Map.Entry<String, EnvValue> e : workflow.computedEnv().entrySet()) {
                String value = computeEnv(e.getKey(), e.getValue(), vars, processEnv);
                vars.putExported(e.getKey(), value);
                processEnv.put(e.getKey(), value);
            }
            if (options.profile() != null) {
                Map<String, String> profile = workflow.profiles().get(options.profile());
                if (profile == null) {
                    throw new WorkflowDefinitionException("unknown profile '" + options.profile() + "'; the workflow "
                            + "defines " + (workflow.profiles().isEmpty() ? "no profiles"
                            : "profiles " + String.join(", ", workflow.profiles().keySet())));
                }
                for (Map.Entry<String, String> e : profile.entrySet()) {
                    String value = Interpolator.interpolate(e.getValue(), vars, Interpolator.Quoting.NONE,
                            "profile " + options.profile() + " " + e.getKey());
                    vars.putExported(e.getKey(), value);
                    processEnv.put(e.getKey(), value);
                }
            }
        } catch (ProdigyException e) {
            return failedBeforeStart(state, workflow, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failedBeforeStart(state, workflow, "interrupted while computing the environment");
        }
        for (Map.Entry<String, String> e : workflow.secrets().entrySet()) {
            vars.putExported(e.getKey(), e.getValue());
            processEnv.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : options.variables().entrySet()) {
            vars.putString(e.getKey(), e.getValue());
        }
        processEnv.put("PRODIGY_AUTOMATION", "true");
        processEnv.put("PRODIGY_RUN_ID", state.runId());
        processEnv.put(LeftoverProcesses.RUN_STATE_VARIABLE, runStateDirectory(state).toString());
        installShutdownHook();
        active.add(state);
        RunLock lock = null;
        try {
            lock = RunLock.acquire(state.stateDirectory(), state.runId());
            if (resumed != null) {
                CrashPoints.reach(CrashPoints.Point.LOCK_TAKEN, state.runId());
                // the previous owner is gone (we hold the lock); its agents may not be (kill -9 skips our hooks)
                try {
                    LeftoverProcesses.terminate(state.runId(), runStateDirectory(state), LEFTOVER_GRACE,
                            LEFTOVER_GIT_GRACE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the run starts cancelled
                }
                CrashPoints.reach(CrashPoints.Point.LEFTOVERS_STOPPED, state.runId());
            }
            return new WorkflowRunner(state.withProcessEnv(processEnv), vars, resume, resumed).run(fingerprint(workflow));
        } finally {
            if (lock != null) {
                lock.close();
            }
            active.remove(state);
            synchronized (active) {
                active.notifyAll();
            }
        }
    }

    /** @return the run's state directory as its processes carry it ({@code PRODIGY_RUN_STATE_DIR}) */
    private static Path runStateDirectory(RunState state) {
        return state.stateDirectory().toAbsolutePath().normalize();
    }

    private String computeEnv(String name, EnvValue value, Variables vars, Map<String, String> env)
            throws InterruptedException {
        if (value instanceof EnvValue.Conditional c) {
            boolean holds = Expression.parse(c.condition()).test(vars::resolve);
            return Interpolator.interpolate(holds ? c.whenTrue() : c.whenFalse(), vars, Interpolator.Quoting.NONE,
                    "env " + name);
        }
        EnvValue.FromCommand cmd = (EnvValue.FromCommand) value;
        String command = Interpolator.interpolate(cmd.command(), vars, Interpolator.Quoting.SHELL, "env " + name);
        ProcessResult r = ProcessRunner.run(ProcessSpec.shell(command).workingDirectory(workingDirectory)
                .environment(env).timeout(Duration.ofMinutes(5)).build());
        if (!r.success()) {
            throw new WorkflowDefinitionException("the command computing env " + name + " failed with exit code "
                    + r.exitCode() + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
        }
        return r.stdout().strip();
    }

    private RunResult failedBeforeStart(RunState state, Workflow workflow, String message) {
        return new RunResult(state.runId(), workflow.name(), RunStatus.FAILED, clock.instant(), Duration.ZERO,
                List.of(), List.of(), Map.of(), new RunSummary(0, 0, 0, 0, 0, Duration.ZERO, 0, 0, Duration.ZERO,
                null, null), message);
    }

    static String fingerprint(Workflow workflow) {
        return io.prodigy.core.internal.WorkflowFingerprint.of(workflow);
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

        private Builder() {
        }

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
