package io.prodigy.temporal;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptContext;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.MapExecutor;
import io.prodigy.api.spi.Workspace;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowTargetOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs map item attempts on Temporal workers ({@link TemporalWorkerHost}) on any number of machines; the engine keeps
 * {@code max_parallel}, retries, the serial merge queue, the DLQ, the journal and the events, as for a local run.
 *
 * <p>Each attempt is a Temporal workflow with a deterministic id, {@code prodigy-<run>-s<stage>-<item>-a<attempt>},
 * derived from the journal's dispatch record of that attempt: a coordinator that died re-attaches on resume to the
 * workflow of the attempt it had dispatched (running or finished) instead of starting the item again. An attempt
 * starts from the run's head at its dispatch, as a local item branches at the run's current HEAD: before dispatching
 * this executor publishes that head at {@link #baseRef} on the shared remote (once per new head) and the attempt
 * names the commit. A worker publishes the work of an attempt at {@code refs/prodigy/<run>/<item>@<attempt>}
 * ({@link #itemRef}); this executor fetches it (unless the remote is the run's own repository) into a workspace from
 * the run's isolation, taken when the work arrives, which the engine then merges like a local item. A new engine attempt of an item (a retry after a failure or
 * a merge conflict, a resume, a DLQ reprocess) has a new number, a new workflow and a new ref, so its agent runs
 * again, on top of the items merged since. The ref of an attempt is deleted once the journal has moved past it
 * ({@link #attemptSettled}), in batches, and a stage's remaining refs when its map phase ends with every item ended
 * ({@link #mapPhaseEnded}).
 */
public final class TemporalMapExecutor implements MapExecutor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TemporalMapExecutor.class);
    /** The default task queue. */
    public static final String DEFAULT_TASK_QUEUE = "prodigy";

    private final WorkflowClient client;
    private final WorkflowServiceStubs ownedStubs;
    private final TemporalConnection connection;
    private final String taskQueue;
    private final String remote;
    private final String workflowSource;
    private final Duration heartbeatTimeout;
    private final int maxDispatches;
    private final Duration throttleDelay;
    private final Duration progressInterval;
    private final RunBases bases = new RunBases();
    private final SettledRefs settledRefs;
    /** A run workspace's directory to its repository's common git directory (the default remote). */
    private final Map<Path, String> commonDirs = new ConcurrentHashMap<>();
    /** The refs of successful attempts this executor saw, until their attempt settles. */
    private final Set<String> pushedRefs = ConcurrentHashMap.newKeySet();
    /** The workspace directory of each run (and stage) with attempts in flight. */
    private final Map<String, Path> runDirs = new ConcurrentHashMap<>();

    private TemporalMapExecutor(Builder b) {
        if (b.client != null) {
            this.client = b.client;
            this.ownedStubs = null;
            this.connection = null;
        } else {
            TemporalConnection c = b.connection != null
                    ? b.connection
                    : TemporalConnection.builder(b.target)
                            .namespace(b.namespace)
                            .build();
            this.connection = c;
            this.ownedStubs = WorkflowServiceStubs.newServiceStubs(c.serviceStubsOptions());
            this.client = WorkflowClient.newInstance(
                    ownedStubs,
                    WorkflowClientOptions.newBuilder()
                            .setNamespace(c.namespace())
                            .build());
        }
        this.taskQueue = b.taskQueue;
        this.remote = b.remote;
        this.workflowSource = b.workflowSource;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.maxDispatches = b.maxDispatches;
        this.throttleDelay = b.throttleDelay;
        this.progressInterval = b.progressInterval;
        this.settledRefs = new SettledRefs(b.refBatch);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public MapAttemptOutcome attempt(MapAttempt attempt, MapAttemptContext context) throws InterruptedException {
        Path runDir = context.runWorkspace().directory();
        String url = remoteOf(runDir);
        boolean sameRepository = url.equals(commonDir(runDir));
        String baseRef = baseRef(attempt.runId(), attempt.stageIndex());
        String itemRef = itemRef(attempt);
        runDirs.put(runPart(attempt), runDir);
        // the attempt starts from the run's head now, as a local item branches at the run's current HEAD: a retry
        // after a merge conflict starts from the items merged since
        String baseCommit = context.runWorkspace()
                .versionControl()
                .map(io.prodigy.api.spi.VersionControl::head)
                .orElseGet(() -> Git.check(runDir, "rev-parse", "HEAD"));
        bases.publish(runDir, url, sameRepository, baseRef, baseCommit);
        ItemTask task = new ItemTask(
                attempt.runId(),
                attempt.workflowName(),
                attempt.workflowHash(),
                workflowSource,
                attempt.stageIndex(),
                attempt.itemId(),
                attempt.itemIndex(),
                attempt.itemJson(),
                attempt.attempt(),
                attempt.variables(),
                attempt.environment(),
                attempt.agentTimeout() == null ? 0 : attempt.agentTimeout().toMillis(),
                url,
                baseRef,
                itemRef,
                heartbeatTimeout.toMillis(),
                maxDispatches,
                throttleDelay.toMillis(),
                baseCommit);
        // the item's workspace here is taken from the run's isolation only once its work is ready to merge: the
        // isolation's warm pool then holds about as many worktrees as items being merged at once, not one per attempt
        // in flight (each made at dispatch and removed at the run's end, on its critical path)
        ItemRecord record = null;
        // a workflow of this attempt that was cancelled or terminated (the run was cancelled, then resumed) is
        // followed by a new one, -r1, -r2...: the chain of ids is the same on every resume
        for (int restart = 0; record == null; restart++) {
            String id = workflowId(attempt) + (restart == 0 ? "" : "-r" + restart);
            WorkflowStub stub = start(id, task, attempt);
            try {
                record = await(id, stub, context);
                if (record == null) {
                    break; // the run is being cancelled
                }
            } catch (ExecutionException e) {
                if (AttemptOutcomes.endedByCancel(e.getCause()) && !context.isCancelled()) {
                    LOG.info("item {}: workflow {} was cancelled earlier; starting it again", attempt.itemId(), id);
                    continue;
                }
                return AttemptOutcomes.failed(AttemptOutcomes.failureOf(attempt, e.getCause()));
            }
        }
        if (record == null) {
            return AttemptOutcomes.failed(new ItemError(ErrorKind.CANCELLED, "the run was cancelled", null, null));
        }
        if (!ItemRecord.SUCCEEDED.equals(record.status())) {
            return AttemptOutcomes.unsuccessful(record);
        }
        pushedRefs.add(itemRef);
        return AttemptOutcomes.integrable(attempt, record, context.acquireWorkspace(), url, itemRef, sameRepository);
    }

    private WorkflowStub start(String id, ItemTask task, MapAttempt attempt) {
        WorkflowStub stub = client.newUntypedWorkflowStub(
                "ItemWorkflow",
                WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(taskQueue)
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                        .build());
        try {
            stub.start(task);
            return stub;
        } catch (WorkflowExecutionAlreadyStarted e) {
            LOG.info("item {}: re-attaching to workflow {}", attempt.itemId(), id);
            return client.newUntypedWorkflowStub(
                    WorkflowTargetOptions.newBuilder().setWorkflowId(id).build(), Optional.of("ItemWorkflow"));
        }
    }

    /**
     * Waits for the attempt's workflow, reporting its worker's heartbeats (the step running, the cost so far) to
     * the engine as they change.
     *
     * @return the record, or null if the run was cancelled (the workflow is cancelled too)
     */
    private ItemRecord await(String workflowId, WorkflowStub stub, MapAttemptContext context)
            throws InterruptedException, ExecutionException {
        CompletableFuture<ItemRecord> result = stub.getResultAsync(ItemRecord.class);
        long nextLook = System.nanoTime() + progressInterval.toNanos();
        ItemHeartbeat last = null;
        while (true) {
            if (context.isCancelled()) {
                stub.cancel();
                return null;
            }
            try {
                return result.get(Math.min(200, Math.max(1, progressInterval.toMillis())), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // poll the run's cancellation and, now and then, the worker's progress
            } catch (InterruptedException e) {
                stub.cancel();
                throw e;
            }
            if (!progressInterval.isZero() && System.nanoTime() - nextLook >= 0) {
                nextLook = System.nanoTime() + progressInterval.toNanos();
                ItemHeartbeat beat = heartbeat(workflowId);
                if (beat != null && beat.differsFrom(last)) {
                    context.progress(beat.step(), beat.toActivity());
                    last = beat;
                }
            }
        }
    }

    /** @return the latest heartbeat details of the attempt's running activity, or null if none (yet) */
    private ItemHeartbeat heartbeat(String workflowId) {
        try {
            DescribeWorkflowExecutionResponse d = client.getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .build());
            for (PendingActivityInfo a : d.getPendingActivitiesList()) {
                if (a.hasHeartbeatDetails()) {
                    return client.getOptions()
                            .getDataConverter()
                            .fromPayloads(
                                    0, Optional.of(a.getHeartbeatDetails()), ItemHeartbeat.class, ItemHeartbeat.class);
                }
            }
        } catch (RuntimeException e) {
            // progress is informative only: a failed look is tried again at the next interval
            LOG.debug("could not read the progress of {}: {}", workflowId, e.toString());
        }
        return null;
    }

    /**
     * @param attempt an attempt
     * @return the id of its Temporal workflow
     */
    public static String workflowId(MapAttempt attempt) {
        return "prodigy-" + attempt.runId() + "-s" + attempt.stageIndex() + "-" + Git.refSafe(attempt.itemId()) + "-a"
                + attempt.attempt();
    }

    /**
     * The ref a worker pushes an attempt's work to, {@code refs/prodigy/<run>/<item>@<attempt>}: one per engine
     * attempt, so that a new attempt (after a merge conflict, a failure, a DLQ reprocess) runs the agent again while
     * a restart of the same attempt on another worker finds the pushed work and does not. Every name sits at the
     * same depth under the run's folder, so no ref is a prefix folder of another.
     *
     * @param attempt an attempt
     * @return the ref of its work on the shared remote
     */
    public static String itemRef(MapAttempt attempt) {
        return "refs/prodigy/" + runPart(attempt) + "/" + Git.refSafe(attempt.itemId()) + "@" + attempt.attempt();
    }

    /** @return the run's (and stage's) part of its ref names */
    private static String runPart(MapAttempt attempt) {
        return runPart(attempt.runId(), attempt.stageIndex());
    }

    private static String runPart(String runId, int stageIndex) {
        return Git.refSafe(runId) + (stageIndex == 0 ? "" : "-s" + stageIndex);
    }

    /**
     * @param runId a run's id
     * @param stageIndex the MapReduce stage's index
     * @return the ref on the shared remote holding the commits the stage's attempts start from
     */
    public static String baseRef(String runId, int stageIndex) {
        return "refs/prodigy-base/" + runPart(runId, stageIndex);
    }

    /**
     * @param runId a run's id
     * @param stageIndex the MapReduce stage's index
     * @return the folder of the stage's item refs on the shared remote, {@code refs/prodigy/<run>/}
     */
    public static String itemRefFolder(String runId, int stageIndex) {
        return "refs/prodigy/" + runPart(runId, stageIndex) + "/";
    }

    /** @return the shared remote of a run whose workspace is {@code runDir} */
    private String remoteOf(Path runDir) {
        return remote != null ? remote : commonDir(runDir);
    }

    /** @return the repository the run's workspace belongs to (the user's), the remote on one machine */
    private String commonDir(Path runDir) {
        return commonDirs.computeIfAbsent(
                runDir,
                d -> Path.of(Git.check(d, "rev-parse", "--path-format=absolute", "--git-common-dir"))
                        .toString());
    }

    /**
     * Queues the ref of a settled attempt's work for deletion from the shared remote (in batches): the journal has
     * moved past the attempt, so neither a resume nor a DLQ reprocess will ask for its recorded result again.
     */
    @Override
    public void attemptSettled(MapAttempt attempt) {
        String ref = itemRef(attempt);
        if (pushedRefs.remove(ref)) {
            Path dir = runDirs.get(runPart(attempt));
            if (dir != null) {
                settledRefs.add(dir, remoteOf(dir), ref);
            }
        }
    }

    /**
     * Deletes the queued refs of settled attempts; when every item of the stage ended, also every other ref of the
     * stage's attempts (those of attempts settled before a resume, or pushed by a worker after its attempt was given
     * up) and the stage's base ref. A stage with items still to run or resume keeps the refs of their attempts.
     */
    @Override
    public void mapPhaseEnded(String runId, int stageIndex, Workspace runWorkspace, boolean settled) {
        Path dir = runWorkspace.directory();
        String url = remoteOf(dir);
        if (settled) {
            String base = baseRef(runId, stageIndex);
            settledRefs.flush(dir, url, itemRefFolder(runId, stageIndex), List.of(base));
            bases.forget(url, base);
        } else {
            settledRefs.flush(dir, url, null, List.of());
        }
        runDirs.remove(runPart(runId, stageIndex));
    }

    /** @return the connection this executor opened, or empty if the host passed a client */
    public Optional<TemporalConnection> connection() {
        return Optional.ofNullable(connection);
    }

    /** @return the options of the service stubs this executor opened, or empty if the host passed a client */
    public Optional<io.temporal.serviceclient.WorkflowServiceStubsOptions> serviceStubsOptions() {
        return Optional.ofNullable(ownedStubs).map(WorkflowServiceStubs::getOptions);
    }

    /** Closes the connection to Temporal if this executor opened it. */
    @Override
    public void close() {
        if (ownedStubs != null) {
            ownedStubs.shutdown();
            ownedStubs.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "temporal(" + taskQueue + ")";
    }

    /** Builds a {@link TemporalMapExecutor}. */
    public static final class Builder {
        private WorkflowClient client;
        private TemporalConnection connection;
        private String target;
        private String namespace = "default";
        private String taskQueue = DEFAULT_TASK_QUEUE;
        private String remote;
        private String workflowSource;
        private Duration heartbeatTimeout = Duration.ofSeconds(30);
        private int maxDispatches = 5;
        private Duration throttleDelay = Duration.ofSeconds(60);
        private Duration progressInterval = Duration.ofSeconds(5);
        private int refBatch = 64;

        private Builder() {}

        /**
         * @param n how many refs of settled attempts are deleted from the shared remote at once (one git process per
         *          batch; the rest go when the map phase ends); default 64
         * @return this
         */
        public Builder settledRefBatch(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("settledRefBatch must be at least 1, got " + n);
            }
            this.refBatch = n;
            return this;
        }

        /** @param c a client to use (the host keeps ownership) @return this */
        public Builder client(WorkflowClient c) {
            this.client = Objects.requireNonNull(c, "client");
            return this;
        }

        /**
         * @param c how to reach Temporal, with TLS or an API key (ignored with {@link #client}; replaces
         *          {@link #target} and {@link #namespace})
         * @return this
         */
        public Builder connection(TemporalConnection c) {
            this.connection = Objects.requireNonNull(c, "connection");
            return this;
        }

        /** @param hostPort the Temporal frontend, {@code HOST:PORT} (ignored with {@link #client}) @return this */
        public Builder target(String hostPort) {
            this.target = Objects.requireNonNull(hostPort, "target");
            return this;
        }

        /** @param ns the Temporal namespace; default {@code default} @return this */
        public Builder namespace(String ns) {
            this.namespace = Objects.requireNonNull(ns, "namespace");
            return this;
        }

        /** @param queue the task queue the workers poll; default {@code prodigy} @return this */
        public Builder taskQueue(String queue) {
            this.taskQueue = Objects.requireNonNull(queue, "taskQueue");
            return this;
        }

        /**
         * @param url the git remote every worker can fetch from and push to; default the user's repository itself
         *            (right when all workers run on this machine)
         * @return this
         */
        public Builder remote(String url) {
            this.remote = Objects.requireNonNull(url, "remote");
            return this;
        }

        /** @param source the workflow's source text, shipped to workers that rebuild it (the CLI's) @return this */
        public Builder workflowSource(String source) {
            this.workflowSource = source;
            return this;
        }

        /** @param timeout after how long without a heartbeat a worker counts as dead; default 30 s @return this */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = Objects.requireNonNull(timeout, "heartbeatTimeout");
            return this;
        }

        /** @param n how often an attempt may be started on workers that die; default 5 @return this */
        public Builder maxDispatches(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxDispatches must be at least 1, got " + n);
            }
            this.maxDispatches = n;
            return this;
        }

        /** @param delay the wait after a throttled attempt without a reset time; default 60 s @return this */
        public Builder throttleDelay(Duration delay) {
            this.throttleDelay = Objects.requireNonNull(delay, "throttleDelay");
            return this;
        }

        /**
         * @param interval how often the progress of each running item (its worker's last heartbeat: the step, the
         *                 cost so far) is read and reported to the run's listeners as an agent activity of type
         *                 {@value ItemHeartbeat#ACTIVITY_TYPE}; {@code Duration.ZERO} never reads it; default 5 s
         * @return this
         */
        public Builder progressInterval(Duration interval) {
            Objects.requireNonNull(interval, "progressInterval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("progressInterval must not be negative, got " + interval);
            }
            this.progressInterval = interval;
            return this;
        }

        /** @return the executor @throws NullPointerException if none of client, connection and target is set */
        public TemporalMapExecutor build() {
            if (client == null && target == null && connection == null) {
                throw new NullPointerException("target (or connection, or client) must be set");
            }
            return new TemporalMapExecutor(this);
        }
    }
}
