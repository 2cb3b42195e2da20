package io.prodigy.core.internal.engine;

import io.prodigy.api.ProdigyException;
import io.prodigy.api.ProgressSnapshot;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.RunSummary;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.ParallelWork;
import io.prodigy.core.internal.WorkflowFingerprint;
import io.prodigy.core.internal.process.CancellationToken;
import io.prodigy.core.store.RunLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Prepares runs and runs them: checks the workflow against the isolation, gives the run its id and state, sets up
 * its environment, takes the run's lock, stops what a crashed previous owner left running, and hands the run to the
 * {@link WorkflowRunner}; for a resume or a DLQ reprocessing it first checks the run's record and replays its
 * journal. The engine side of the {@code Prodigy} facade; immutable and thread-safe.
 */
public final class RunLauncher {
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final EngineSettings settings;
    private final ActiveRuns active;
    /**
     * The once-per-worktree steps that succeeded in the reused worktrees of the attempts this engine ran for a
     * coordinator ({@link #runMapAttempt}): a worker's worktrees outlive each attempt, so this outlives them too.
     */
    private final OncePerWorktreeSteps workerOnceSteps = new OncePerWorktreeSteps();

    /**
     * @param settings what every run gets
     * @throws NullPointerException if {@code settings} is null
     */
    public RunLauncher(EngineSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.active = new ActiveRuns(settings.handleSignals(), settings.shutdownGrace(), settings.afterShutdown());
    }

    /**
     * Runs a workflow to its end on the calling thread.
     *
     * @param workflow the workflow
     * @param options arguments and overrides
     * @return the result
     * @throws WorkflowDefinitionException if an argument is null, or the workflow runs items in parallel while no
     *     isolation strategy was chosen
     */
    public RunResult run(Workflow workflow, RunOptions options) {
        RunServices state = prepare(workflow, options);
        return execute(state, workflow, options, null, null, null);
    }

    /**
     * A run started on its own thread.
     *
     * @param runId the run's id
     * @param progress the run's progress, callable at any time
     * @param cancel cancels the run
     * @param result completed with the result when the run ends
     */
    public record Started(
            String runId, Supplier<ProgressSnapshot> progress, Runnable cancel, CompletableFuture<RunResult> result) {}

    /**
     * Starts a workflow on a new (non-daemon) thread.
     *
     * @param workflow the workflow
     * @param options arguments and overrides
     * @return the started run
     * @throws WorkflowDefinitionException as {@link #run}
     */
    public Started start(Workflow workflow, RunOptions options) {
        RunServices state = prepare(workflow, options);
        active.add(state);
        CompletableFuture<RunResult> future = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        future.complete(execute(state, workflow, options, null, null, null));
                    } catch (RuntimeException | Error e) {
                        future.completeExceptionally(e);
                    }
                },
                "prodigy-run-" + state.runId());
        t.setDaemon(false);
        t.start();
        return new Started(state.runId(), () -> state.progress().snapshot(), state::cancel, future);
    }

    /**
     * Resumes an interrupted run with the options it started with (and the new budget, if given).
     *
     * @param runId the run
     * @param workflow the workflow the run started with
     * @param options whether to accept a changed workflow, whether to rerun DLQ items, a new budget
     * @return the result of the whole run
     * @throws ProdigyException if the run is unknown, already completed, or its workflow changed (without force)
     */
    public RunResult resume(String runId, Workflow workflow, ResumeOptions options) {
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        // the fingerprint and the JSON mapper's start-up on a second thread, while this one reads the journal
        ResumePreparation preparation = ResumePreparation.start(workflow);
        RunRecord record = settings.checkpoints()
                .findRun(runId)
                .orElseThrow(() -> new ProdigyException("no run '" + runId + "' in " + settings.home()
                        + "; list runs with Prodigy.checkpoints().runs()"));
        if (record.status() == RunStatus.SUCCEEDED || record.status() == RunStatus.COMPLETED_WITH_FAILURES) {
            throw new ProdigyException("run '" + runId + "' already completed (" + record.status() + "); there is "
                    + "nothing to resume"
                    + (record.status() == RunStatus.COMPLETED_WITH_FAILURES
                            ? " - reprocess its failed items from the Dead Letter Queue instead"
                            : ""));
        }
        ResumeState resume = new ResumeState(options.includeDeadLettered());
        try {
            settings.checkpoints().replay(runId, resume::accept);
        } catch (RuntimeException e) {
            requireUnchanged(workflow, record, preparation.fingerprint(), options.force()); // the first complaint
            throw e;
        }
        String fingerprint = preparation.fingerprint();
        requireUnchanged(workflow, record, fingerprint, options.force());
        RunOptions base = RecordedRunOptions.optionsOf(record);
        RunOptions runOptions = options.budgetUsd() == null
                ? base
                : new RunOptions(
                        base.args(),
                        base.variables(),
                        base.maxParallel(),
                        base.runId(),
                        base.profile(),
                        options.budgetUsd(),
                        base.maxIterations());
        RunServices state = prepare(workflow, runOptions);
        return execute(state, workflow, runOptions, resume, record, fingerprint);
    }

    private static void requireUnchanged(Workflow workflow, RunRecord record, String fingerprint, boolean force) {
        if (!fingerprint.equals(record.workflowHash()) && !force) {
            throw new ProdigyException("the workflow '" + workflow.name() + "' changed since run '" + record.runId()
                    + "' started; resuming it could mix two versions of the work. Resume with force to accept the "
                    + "change, or start a new run");
        }
    }

    /**
     * The items a DLQ reprocessing selected, and what running them again gave.
     *
     * @param itemIds the selected items
     * @param result the run's result after reprocessing, or null for a dry run or when nothing was selected
     */
    public record Reprocessed(List<String> itemIds, RunResult result) {}

    /**
     * Runs the unresolved DLQ items of a run (of the error kinds asked for) again, resuming the run.
     *
     * @param runId the run
     * @param workflow the workflow the run started with
     * @param options which entries, how many at once, or a dry run
     * @return the selected items and, for a real run, the result
     * @throws ProdigyException if the run is unknown or its workflow changed
     */
    public Reprocessed reprocessDeadLetters(String runId, Workflow workflow, ReprocessOptions options) {
        RunRecord record = settings.checkpoints()
                .findRun(runId)
                .orElseThrow(() -> new ProdigyException("no run '" + runId + "' in " + settings.home()));
        Set<String> selected = new LinkedHashSet<>();
        settings.dlq().forEach(runId, e -> {
            if (!e.resolved()
                    && (options.errorKinds().isEmpty()
                            || options.errorKinds().contains(e.lastAttempt().errorKind()))) {
                selected.add(e.itemId());
            }
        });
        if (options.dryRun() || selected.isEmpty()) {
            return new Reprocessed(List.copyOf(selected), null);
        }
        String fingerprint = WorkflowFingerprint.of(workflow);
        if (!fingerprint.equals(record.workflowHash())) {
            throw new ProdigyException("the workflow '" + workflow.name() + "' changed since run '" + runId
                    + "' started; reprocess its DLQ with the workflow it ran with");
        }
        RunOptions base = RecordedRunOptions.optionsOf(record);
        RunOptions runOptions = new RunOptions(
                base.args(),
                base.variables(),
                options.maxParallel() != null ? options.maxParallel() : base.maxParallel(),
                runId,
                base.profile(),
                base.budgetUsd(),
                base.maxIterations());
        ResumeState resume = new ResumeState(selected::contains).rerunReduceAfterNewItems(options.rerunReduce());
        settings.checkpoints().replay(runId, resume::accept);
        RunServices state = prepare(workflow, runOptions);
        return new Reprocessed(
                List.copyOf(selected), execute(state, workflow, runOptions, resume, record, fingerprint));
    }

    /** @return the most recent run of the project directory that has not completed, if any */
    public Optional<RunRecord> latestUnfinishedRun() {
        for (RunRecord r : settings.checkpoints().runs()) {
            if (settings.projectDirectory().equals(r.projectDirectory())
                    && r.status() != RunStatus.SUCCEEDED
                    && r.status() != RunStatus.COMPLETED_WITH_FAILURES) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs one attempt of a map item that a coordinator dispatched to this process, under the run id
     * {@code <run>-worker}, unjournaled.
     *
     * @param workflow the coordinator's workflow
     * @param attempt the attempt
     * @param workspace the item's workspace, made by the caller
     * @param progress an extra listener for the attempt's events (a worker reports them to its coordinator), or null
     * @return the outcome
     * @throws WorkflowDefinitionException if the workflow differs from the coordinator's or the stage is no map
     * @throws InterruptedException if interrupted (the running agent is stopped)
     */
    public MapAttemptOutcome runMapAttempt(
            Workflow workflow, MapAttempt attempt, Workspace workspace, RunListener progress)
            throws InterruptedException {
        // the agents here carry PRODIGY_RUN_ID=<run>-worker: a coordinator resuming the run on this machine stops
        // the leftovers of its own dead process by that variable, never the agents workers run for it
        // the caller made the item's own workspace: this engine's isolation (and its parallelism check) has no say
        RunServices state = newState(
                workflow,
                RunOptions.builder().runId(attempt.runId() + "-worker").build(),
                progress);
        return RemoteAttemptRunner.run(
                state, new RunBudget(state, null, settings.throttleDelay(), 0), attempt, workspace, workerOnceSteps);
    }

    private RunServices prepare(Workflow workflow, RunOptions options) {
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        WorkflowDefinitionException.requireNonNull(options, "options");
        if (!settings.isolationChosen()) {
            ParallelWork.find(workflow, options.maxParallel()).ifPresent(where -> {
                throw new WorkflowDefinitionException("workflow '" + workflow.name() + "': " + where + ", and no "
                        + "isolation strategy was chosen, so they would all work in " + settings.projectDirectory()
                        + " at the same time. Choose one on the builder: isolation(WorktreeIsolation.create()) from "
                        + "prodigy-git gives each item its own git worktree and merges the results; "
                        + "isolation(DirectoryIsolation.shared()) shares the directory on purpose; "
                        + "isolation(DirectoryIsolation.scratchPerItem()) gives each item an empty directory");
            });
        }
        return newState(workflow, options);
    }

    private RunServices newState(Workflow workflow, RunOptions options) {
        return newState(workflow, options, null);
    }

    private RunServices newState(Workflow workflow, RunOptions options, RunListener extra) {
        WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        String runId = options.runId() != null
                ? options.runId()
                : "run-" + RUN_ID_TIME.format(settings.clock().instant()) + "-"
                        + HexFormat.of()
                                .toHexDigits(ThreadLocalRandom.current().nextInt())
                                .substring(0, 6);
        Path stateDir = settings.home().resolve("runs").resolve(runId);
        SecretMasker masker =
                new SecretMasker(new ArrayList<>(workflow.secrets().values()));
        return RunServices.builder()
                .runId(runId)
                .workflow(workflow)
                .options(options)
                .clock(settings.clock())
                .events(new EventSink(
                        extra == null
                                ? settings.listeners()
                                : Stream.concat(settings.listeners().stream(), Stream.of(extra))
                                        .toList()))
                .checkpoints(settings.checkpoints())
                .dlq(settings.dlq())
                .agentRunner(settings.agentRunner())
                .isolation(settings.isolation())
                .masker(masker)
                .cancellation(new CancellationToken())
                .hostExecutor(settings.executor())
                .projectDirectory(settings.projectDirectory())
                .stateDirectory(stateDir)
                .processEnv(new LinkedHashMap<>())
                .random(() -> ThreadLocalRandom.current().nextDouble())
                .home(settings.home())
                .build();
    }

    /** @param fingerprint the workflow's fingerprint if already computed, else null */
    private RunResult execute(
            RunServices state,
            Workflow workflow,
            RunOptions options,
            ResumeState resume,
            RunRecord resumed,
            String fingerprint) {
        double spentBefore = RecordedRunOptions.spentBefore(resumed);
        RunBudget budget = new RunBudget(state, options.budgetUsd(), settings.throttleDelay(), spentBefore);
        Path runStateDirectory = state.stateDirectory().toAbsolutePath().normalize();
        RunEnvironment environment;
        try {
            environment =
                    RunEnvironment.of(workflow, options, state.runId(), settings.projectDirectory(), runStateDirectory);
        } catch (ProdigyException e) {
            return failedBeforeStart(state, workflow, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failedBeforeStart(state, workflow, "interrupted while computing the environment");
        }
        active.installShutdownHook();
        active.add(state);
        RunLock lock = null;
        try {
            lock = RunLock.acquire(state.stateDirectory(), state.runId());
            if (resumed != null) {
                // the previous owner is gone (we hold the lock); its agents may not be (kill -9 skips our hooks)
                LeftoverAgents.stop(state.runId(), runStateDirectory);
            }
            RunServices services = state.withMetadata(RecordedRunOptions.of(options))
                    .withMapExecutor(settings.mapExecutor())
                    .withProcessEnv(environment.processEnv());
            return new WorkflowRunner(services, budget, environment.variables(), resume, resumed)
                    .run(fingerprint != null ? fingerprint : WorkflowFingerprint.of(workflow));
        } finally {
            if (lock != null) {
                lock.close();
            }
            active.remove(state);
        }
    }

    private RunResult failedBeforeStart(RunServices state, Workflow workflow, String message) {
        return new RunResult(
                state.runId(),
                workflow.name(),
                RunStatus.FAILED,
                settings.clock().instant(),
                Duration.ZERO,
                List.of(),
                List.of(),
                Map.of(),
                new RunSummary(0, 0, 0, 0, 0, Duration.ZERO, 0, 0, Duration.ZERO, null, null),
                message);
    }
}
