package io.prodigy.core.internal.engine;

import io.prodigy.api.ItemResult;
import io.prodigy.api.RunOptions;
import io.prodigy.api.StepRecord;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.process.CancellationToken;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.DoubleSupplier;

/** Everything one run shares across its stages, phases and worker threads. */
public final class RunState {
    final String runId;
    final Workflow workflow;
    final RunOptions options;
    final Clock clock;
    final EventSink events;
    final CheckpointStore checkpoints;
    final DlqStore dlq;
    final AgentRunner agentRunner;
    final IsolationStrategy isolation;
    final SecretMasker masker;
    final CancellationToken cancellation;
    final ExecutorService hostExecutor;
    final Progress progress;
    final Path projectDirectory;
    final Path stateDirectory;
    final StepLogs stepLogs;
    volatile Map<String, String> processEnv = Map.of();
    volatile Map<String, String> metadata = Map.of();
    /** The engine's state directory (the run's is below it), handed to the isolation strategy. */
    volatile Path home;
    volatile ConcurrencyGovernor governor;
    private volatile Double budgetUsd;
    private volatile java.time.Duration throttleDelay = java.time.Duration.ofSeconds(1);
    private final java.util.concurrent.atomic.DoubleAdder spentUsd = new java.util.concurrent.atomic.DoubleAdder();
    private volatile boolean costKnown;
    private final java.util.concurrent.atomic.AtomicBoolean budgetReported = new java.util.concurrent.atomic.AtomicBoolean();
    private io.prodigy.api.spi.TokenUsage tokens = io.prodigy.api.spi.TokenUsage.NONE;
    private final java.util.Set<Thread> agentThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final DoubleSupplier random;
    final List<ItemResult> items = Collections.synchronizedList(new ArrayList<>());
    final List<StepRecord> steps = Collections.synchronizedList(new ArrayList<>());
    volatile Workspace runWorkspace;
    volatile io.prodigy.api.spi.MapExecutor mapExecutor = io.prodigy.api.spi.MapExecutor.LOCAL;

    /**
     * @param runId the run id
     * @param workflow the workflow
     * @param options per-run options
     * @param clock the clock
     * @param events the event sink
     * @param checkpoints the checkpoint store
     * @param dlq the DLQ store
     * @param agentRunner the agent runner, or null
     * @param isolation the isolation strategy
     * @param masker the secret masker
     * @param cancellation the run's cancellation token
     * @param hostExecutor the host's executor for map items, or null
     * @param projectDirectory the user's project directory
     * @param stateDirectory a directory private to the run
     * @param processEnv environment added to every process (workflow env, secrets, PRODIGY_*)
     * @param random the source of jitter
     */
    public RunState(String runId, Workflow workflow, RunOptions options, Clock clock, EventSink events,
                    CheckpointStore checkpoints, DlqStore dlq, AgentRunner agentRunner, IsolationStrategy isolation,
                    SecretMasker masker, CancellationToken cancellation, ExecutorService hostExecutor,
                    Path projectDirectory, Path stateDirectory, Map<String, String> unusedEnv,
                    DoubleSupplier random) {
        this.runId = runId;
        this.workflow = workflow;
        this.options = options;
        this.clock = clock;
        this.events = events;
        this.checkpoints = checkpoints;
        this.dlq = dlq;
        this.agentRunner = agentRunner;
        this.isolation = isolation;
        this.masker = masker;
        this.cancellation = cancellation;
        this.hostExecutor = hostExecutor;
        this.progress = new Progress(clock);
        this.projectDirectory = projectDirectory;
        this.stateDirectory = stateDirectory;
        this.stepLogs = new StepLogs(stateDirectory, masker);
        this.processEnv = Map.copyOf(unusedEnv);
        this.random = random;
    }

    /**
     * @param env environment added to every process of the run
     * @return this
     */
    public RunState withProcessEnv(Map<String, String> env) {
        this.processEnv = Map.copyOf(env);
        return this;
    }

    /**
     * @param dir the engine's state directory ({@code PRODIGY_HOME} or the host's {@code home(...)})
     * @return this
     */
    public RunState withHome(Path dir) {
        this.home = dir;
        return this;
    }

    /**
     * @param values what resuming needs besides the journal (arguments, options)
     * @return this
     */
    public RunState withMetadata(Map<String, String> values) {
        this.metadata = Map.copyOf(values);
        return this;
    }

    /**
     * @param executor where map item attempts run
     * @return this
     */
    public RunState withMapExecutor(io.prodigy.api.spi.MapExecutor executor) {
        this.mapExecutor = java.util.Objects.requireNonNull(executor, "mapExecutor");
        return this;
    }

    /**
     * @param usd the cost budget, or null
     * @param throttleDelay the first wait after a rate limit without a retry-after time
     * @return this
     */
    public RunState withLimits(Double usd, java.time.Duration throttleDelay) {
        this.budgetUsd = usd;
        this.throttleDelay = throttleDelay;
        return this;
    }

    void addUsage(Double costUsd, io.prodigy.api.spi.TokenUsage used) {
        if (costUsd != null) {
            spentUsd.add(costUsd);
            costKnown = true;
        }
        if (used != null && used != io.prodigy.api.spi.TokenUsage.NONE) {
            synchronized (this) {
                tokens = tokens.plus(used);
            }
        }
        Double budget = budgetUsd;
        if (budget != null && spentUsd.sum() >= budget && budgetReported.compareAndSet(false, true)) {
            events.emit(new io.prodigy.api.event.RunEvent.BudgetReached(runId, clock.instant(), spentUsd.sum(),
                    budget));
        }
    }

    /** @param usd what the run spent before it was resumed */
    public void carryOverSpend(double usd) {
        spentUsd.add(usd);
        costKnown = true;
    }

    /** @return whether the cost budget is spent */
    boolean budgetReached() {
        Double budget = budgetUsd;
        return budget != null && spentUsd.sum() >= budget;
    }

    Double spentUsd() {
        return costKnown ? spentUsd.sum() : null;
    }

    synchronized io.prodigy.api.spi.TokenUsage tokens() {
        return tokens;
    }

    /**
     * Records that the backend throttled an attempt and says how long that attempt should wait.
     *
     * @param itemId the item, or null
     * @param kind RATE_LIMITED, OVERLOADED or QUOTA_EXHAUSTED
     * @param retryAfter when the backend accepts work again, or null
     * @param waits how many times this step has been throttled, from 1
     * @return the wait before the next attempt
     */
    java.time.Duration throttled(String itemId, io.prodigy.api.ErrorKind kind, java.time.Instant retryAfter,
                                 int waits) {
        java.time.Instant now = clock.instant();
        java.time.Duration wait;
        java.time.Instant resumeAt = null;
        if (kind == io.prodigy.api.ErrorKind.QUOTA_EXHAUSTED) {
            resumeAt = retryAfter != null ? retryAfter : now.plusSeconds(60);
            wait = java.time.Duration.between(now, resumeAt);
        } else if (retryAfter != null) {
            wait = java.time.Duration.between(now, retryAfter);
        } else {
            long base = throttleDelay.toMillis() << Math.min(waits - 1, 6);
            wait = java.time.Duration.ofMillis(Math.min(base, 60_000L));
        }
        if (wait.isNegative()) {
            wait = java.time.Duration.ZERO;
        }
        ConcurrencyGovernor g = governor;
        int limit = g == null ? 1 : g.throttled(resumeAt);
        events.emit(new io.prodigy.api.event.RunEvent.Throttled(runId, now, itemId, kind, limit, resumeAt, wait));
        return wait;
    }

    /**
     * Waits out a throttle. A map item gives up its slot meanwhile and is admitted again under the lowered limit
     * before its agent runs again, so that fewer agents run at once after a 429, not only fewer new items.
     *
     * @param wait how long to wait before trying again
     * @throws InterruptedException if interrupted while waiting
     */
    void waitOutThrottle(java.time.Duration wait) throws InterruptedException {
        ConcurrencyGovernor g = governor;
        if (g == null || !g.heldByCurrentThread()) {
            Waits.sleep(wait, cancellation);
            return;
        }
        g.stepAside();
        try {
            Waits.sleep(wait, cancellation);
        } finally {
            g.readmit(cancellation);
        }
    }

    /** Cancels the run: stops dispatching, kills running process trees, interrupts running agents. */
    public void cancel() {
        cancellation.cancel();
        ConcurrencyGovernor g = governor;
        if (g != null) {
            g.wake();
        }
        for (Thread t : agentThreads) {
            t.interrupt();
        }
    }

    void agentStarted(Thread t) {
        agentThreads.add(t);
        if (cancellation.isCancelled()) {
            t.interrupt();
        }
    }

    void agentEnded(Thread t) {
        agentThreads.remove(t);
    }

    /** @return the run's live progress */
    public Progress progress() {
        return progress;
    }

    /** @return the directory private to the run */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /** @return the run id */
    public String runId() {
        return runId;
    }

    void journal(JournalEntry entry) {
        checkpoints.append(runId, entry);
    }
}
