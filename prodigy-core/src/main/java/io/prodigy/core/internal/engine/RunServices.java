package io.prodigy.core.internal.engine;

import io.prodigy.api.RunOptions;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.MapExecutor;
import io.prodigy.core.internal.process.CancellationToken;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.DoubleSupplier;

/**
 * The collaborators one run works with, fixed for the whole run and shared by its stages, phases and worker
 * threads: what the run is, where it keeps its state, the stores, the runners, and its cancellation. Immutable;
 * the {@code with*} methods return a copy. What changes during a run is elsewhere: spending and throttling in
 * {@link RunBudget}, per-scope data in the step scope passed to each step.
 *
 * @param runId the run id
 * @param workflow the workflow
 * @param options per-run options
 * @param clock the clock
 * @param events the event sink
 * @param checkpoints the checkpoint store (the journal)
 * @param dlq the Dead Letter Queue
 * @param agentRunner the agent runner, or null when none is configured
 * @param isolation the isolation strategy
 * @param masker hides the workflow's secrets in text that leaves the engine
 * @param cancellation the run's cancellation token
 * @param agents the agents running for the run, interrupted on cancellation
 * @param hostExecutor the host's executor for map items, or null for the engine's own pool
 * @param progress the run's live progress
 * @param projectDirectory the user's project directory
 * @param stateDirectory a directory private to the run
 * @param home the engine's state directory (the run's is below it), handed to the isolation strategy, or null
 * @param processEnv environment added to every process of the run (workflow env, secrets, {@code PRODIGY_*})
 * @param metadata what resuming needs besides the journal (arguments, options)
 * @param random the source of jitter
 * @param mapExecutor where map item attempts run
 */
public record RunServices(
        String runId,
        Workflow workflow,
        RunOptions options,
        Clock clock,
        EventSink events,
        CheckpointStore checkpoints,
        DlqStore dlq,
        AgentRunner agentRunner,
        IsolationStrategy isolation,
        SecretMasker masker,
        CancellationToken cancellation,
        RunningAgents agents,
        ExecutorService hostExecutor,
        Progress progress,
        Path projectDirectory,
        Path stateDirectory,
        Path home,
        Map<String, String> processEnv,
        Map<String, String> metadata,
        DoubleSupplier random,
        MapExecutor mapExecutor) {

    /** Checks the required collaborators and copies the maps. */
    public RunServices {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(dlq, "dlq");
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(masker, "masker");
        Objects.requireNonNull(cancellation, "cancellation");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(mapExecutor, "mapExecutor");
        processEnv = Map.copyOf(processEnv);
        metadata = Map.copyOf(metadata);
    }

    /** @return a builder for a new run's services */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param env environment added to every process of the run
     * @return a copy with that environment
     */
    public RunServices withProcessEnv(Map<String, String> env) {
        return new RunServices(
                runId,
                workflow,
                options,
                clock,
                events,
                checkpoints,
                dlq,
                agentRunner,
                isolation,
                masker,
                cancellation,
                agents,
                hostExecutor,
                progress,
                projectDirectory,
                stateDirectory,
                home,
                env,
                metadata,
                random,
                mapExecutor);
    }

    /**
     * @param values what resuming needs besides the journal
     * @return a copy with that metadata
     */
    public RunServices withMetadata(Map<String, String> values) {
        return new RunServices(
                runId,
                workflow,
                options,
                clock,
                events,
                checkpoints,
                dlq,
                agentRunner,
                isolation,
                masker,
                cancellation,
                agents,
                hostExecutor,
                progress,
                projectDirectory,
                stateDirectory,
                home,
                processEnv,
                values,
                random,
                mapExecutor);
    }

    /**
     * @param executor where map item attempts run
     * @return a copy with that executor
     * @throws NullPointerException if {@code executor} is null
     */
    public RunServices withMapExecutor(MapExecutor executor) {
        return new RunServices(
                runId,
                workflow,
                options,
                clock,
                events,
                checkpoints,
                dlq,
                agentRunner,
                isolation,
                masker,
                cancellation,
                agents,
                hostExecutor,
                progress,
                projectDirectory,
                stateDirectory,
                home,
                processEnv,
                metadata,
                random,
                Objects.requireNonNull(executor, "mapExecutor"));
    }

    /**
     * Cancels the run: stops dispatching, kills running process trees, interrupts running agents (everything that
     * registered with the cancellation token).
     */
    public void cancel() {
        cancellation.cancel();
    }

    /** @param entry a record appended to the run's journal */
    void journal(JournalEntry entry) {
        checkpoints.append(runId, entry);
    }

    /** Builds {@link RunServices}; the progress and the running agents are made here. */
    public static final class Builder {
        private String runId;
        private Workflow workflow;
        private RunOptions options = RunOptions.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private EventSink events;
        private CheckpointStore checkpoints;
        private DlqStore dlq;
        private AgentRunner agentRunner;
        private IsolationStrategy isolation;
        private SecretMasker masker;
        private CancellationToken cancellation = new CancellationToken();
        private ExecutorService hostExecutor;
        private Path projectDirectory;
        private Path stateDirectory;
        private Path home;
        private Map<String, String> processEnv = Map.of();
        private Map<String, String> metadata = Map.of();
        private DoubleSupplier random;
        private MapExecutor mapExecutor = MapExecutor.LOCAL;

        private Builder() {}

        /** @param v the run id @return this */
        public Builder runId(String v) {
            runId = v;
            return this;
        }

        /** @param v the workflow @return this */
        public Builder workflow(Workflow v) {
            workflow = v;
            return this;
        }

        /** @param v per-run options @return this */
        public Builder options(RunOptions v) {
            options = v;
            return this;
        }

        /** @param v the clock @return this */
        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        /** @param v the event sink @return this */
        public Builder events(EventSink v) {
            events = v;
            return this;
        }

        /** @param v the checkpoint store @return this */
        public Builder checkpoints(CheckpointStore v) {
            checkpoints = v;
            return this;
        }

        /** @param v the DLQ store @return this */
        public Builder dlq(DlqStore v) {
            dlq = v;
            return this;
        }

        /** @param v the agent runner, or null @return this */
        public Builder agentRunner(AgentRunner v) {
            agentRunner = v;
            return this;
        }

        /** @param v the isolation strategy @return this */
        public Builder isolation(IsolationStrategy v) {
            isolation = v;
            return this;
        }

        /** @param v the secret masker @return this */
        public Builder masker(SecretMasker v) {
            masker = v;
            return this;
        }

        /** @param v the run's cancellation token @return this */
        public Builder cancellation(CancellationToken v) {
            cancellation = v;
            return this;
        }

        /** @param v the host's executor for map items, or null @return this */
        public Builder hostExecutor(ExecutorService v) {
            hostExecutor = v;
            return this;
        }

        /** @param v the user's project directory @return this */
        public Builder projectDirectory(Path v) {
            projectDirectory = v;
            return this;
        }

        /** @param v a directory private to the run @return this */
        public Builder stateDirectory(Path v) {
            stateDirectory = v;
            return this;
        }

        /** @param v the engine's state directory @return this */
        public Builder home(Path v) {
            home = v;
            return this;
        }

        /** @param v environment added to every process @return this */
        public Builder processEnv(Map<String, String> v) {
            processEnv = v;
            return this;
        }

        /** @param v run metadata for resuming @return this */
        public Builder metadata(Map<String, String> v) {
            metadata = v;
            return this;
        }

        /** @param v the source of jitter @return this */
        public Builder random(DoubleSupplier v) {
            random = v;
            return this;
        }

        /** @param v where map item attempts run @return this */
        public Builder mapExecutor(MapExecutor v) {
            mapExecutor = v;
            return this;
        }

        /**
         * @return the services
         * @throws NullPointerException if a required collaborator is missing
         */
        public RunServices build() {
            CancellationToken token = Objects.requireNonNull(cancellation, "cancellation");
            return new RunServices(
                    runId,
                    workflow,
                    options,
                    clock,
                    events,
                    checkpoints,
                    dlq,
                    agentRunner,
                    isolation,
                    masker,
                    token,
                    new RunningAgents(token),
                    hostExecutor,
                    new Progress(clock),
                    projectDirectory,
                    stateDirectory,
                    home,
                    processEnv,
                    metadata,
                    random,
                    mapExecutor);
        }
    }
}
