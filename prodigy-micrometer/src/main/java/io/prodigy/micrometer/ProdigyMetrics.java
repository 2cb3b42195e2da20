package io.prodigy.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.RunPhase;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.TokenUsage;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records Prodigy runs as Micrometer meters. Add it as a {@link RunListener} and wrap the agent runner with
 * {@link #instrument(AgentRunner)}:
 *
 * <pre>{@code
 * ProdigyMetrics metrics = ProdigyMetrics.builder(registry).percentiles(0.5, 0.95).build();
 * Prodigy prodigy = Prodigy.builder()
 *     .listener(metrics)
 *     .agentRunner(metrics.instrument(ClaudeCodeRunner.create()))
 *     .build();
 * metrics.bindDeadLetterQueue(prodigy.dlq());
 * }</pre>
 *
 * <p>Meters (tags in brackets; every meter also has {@code workflow}). Tags are low-cardinality: workflow and stage
 * names, step labels from the workflow's definition, outcomes and error kinds; never item or run ids.
 * <ul>
 *   <li>{@code prodigy.runs.started}, {@code prodigy.runs.finished} [status] counters; {@code prodigy.run.duration}
 *       [status] timer</li>
 *   <li>{@code prodigy.items.started} [stage] (first attempts), {@code prodigy.items.retried} [stage] (later
 *       attempts), {@code prodigy.items.finished} [stage, outcome], {@code prodigy.items.failed} [stage, error.kind,
 *       final] (each failed attempt), {@code prodigy.items.dead.lettered} [stage], {@code prodigy.items.integrated}
 *       [stage] counters; {@code prodigy.item.duration} [stage, outcome] timer</li>
 *   <li>{@code prodigy.step.duration} [stage, phase, step, outcome] timer; {@code prodigy.step.retries} [stage]
 *       counter</li>
 *   <li>{@code prodigy.agent.duration} [stage, outcome], {@code prodigy.agent.cost} (base unit usd) [stage],
 *       {@code prodigy.agent.tokens} [stage, kind = input|output|cache_read|cache_creation] (through
 *       {@link #instrument(AgentRunner)}; without it the cost comes from finished items and tokens are not
 *       known)</li>
 *   <li>{@code prodigy.throttles} [stage, error.kind] and {@code prodigy.budget.reached} counters</li>
 *   <li>gauges {@code prodigy.concurrency.limit} (agents allowed at once: {@code max_parallel} when a map phase
 *       starts, lowered on each throttle, raised as it grows back), {@code prodigy.items.running}, {@code prodigy.items.queued} (items of
 *       running map phases not yet started), {@code prodigy.agents.running}, and, once
 *       {@link #bindDeadLetterQueue bound}, {@code prodigy.dlq.size} (unresolved entries, no workflow tag)</li>
 * </ul>
 *
 * <p>Thread-safe; the listener never blocks and never throws for an event it does not expect.
 */
public final class ProdigyMetrics implements RunListener {
    /** The {@code workflow} tag of events of a run whose start this listener did not see. */
    public static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final double[] percentiles;
    private final boolean percentileHistogram;
    private final Duration dlqRefresh;
    private final Clock clock;
    private final Map<String, RunMeters> runs = new ConcurrentHashMap<>();
    private final Map<String, WorkflowGauges> gauges = new ConcurrentHashMap<>();
    private volatile boolean agentsInstrumented;

    private ProdigyMetrics(Builder b) {
        this.registry = b.registry;
        this.percentiles = b.percentiles.clone();
        this.percentileHistogram = b.percentileHistogram;
        this.dlqRefresh = b.dlqRefresh;
        this.clock = b.clock;
    }

    /**
     * @param registry where the meters go
     * @return a builder
     * @throws NullPointerException if {@code registry} is null
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * @param registry where the meters go
     * @return metrics with the defaults (no client-side percentiles, no histogram)
     */
    public static ProdigyMetrics create(MeterRegistry registry) {
        return builder(registry).build();
    }

    @Override
    public void onEvent(RunEvent event) {
        if (event instanceof RunEvent.RunStarted e) {
            RunMeters run = runs.computeIfAbsent(e.runId(), id -> new RunMeters(e.workflowName()));
            counter("prodigy.runs.started", "Runs started", run.tags()).increment();
        } else if (event instanceof RunEvent.RunFinished e) {
            runFinished(e);
        } else if (event instanceof RunEvent.PhaseStarted e) {
            run(e.runId()).stage = e.stage();
        } else if (event instanceof RunEvent.PhaseFinished e) {
            if (RunPhase.MAP.is(e.phase())) {
                RunMeters run = run(e.runId());
                run.endMap(gauges(run.workflow));
            }
        } else if (event instanceof RunEvent.ItemsResolved e) {
            RunMeters run = run(e.runId());
            run.stage = e.stage();
            run.startMap(gauges(run.workflow), e.total(), e.maxParallel());
        } else if (event instanceof RunEvent.ItemStarted e) {
            itemStarted(e);
        } else if (event instanceof RunEvent.ItemFinished e) {
            itemFinished(e);
        } else if (event instanceof RunEvent.ItemFailed e) {
            counter(
                            "prodigy.items.failed",
                            "Failed item attempts",
                            run(e.runId())
                                    .stageTags()
                                    .and("error.kind", lower(e.errorKind()), "final", Boolean.toString(!e.willRetry())))
                    .increment();
        } else if (event instanceof RunEvent.ItemDeadLettered e) {
            counter(
                            "prodigy.items.dead.lettered",
                            "Items recorded in the Dead Letter Queue",
                            run(e.runId()).stageTags())
                    .increment();
        } else if (event instanceof RunEvent.ItemIntegrated e) {
            counter(
                            "prodigy.items.integrated",
                            "Items whose work was merged into the run",
                            run(e.runId()).stageTags())
                    .increment();
        } else if (event instanceof RunEvent.StepFinished e) {
            String outcome = e.skipped() ? "skipped" : e.success() ? "success" : "failure";
            Timer steps = timer(
                    "prodigy.step.duration",
                    "Step durations",
                    run(e.runId())
                            .stageTags()
                            .and("phase", e.phase(), "step", String.valueOf(e.label()), "outcome", outcome));
            if (e.duration() != null) {
                steps.record(e.duration());
            }
        } else if (event instanceof RunEvent.RetryScheduled e) {
            if (e.label() != null) {
                counter("prodigy.step.retries", "Step retries", run(e.runId()).stageTags())
                        .increment();
            }
        } else if (event instanceof RunEvent.Throttled e) {
            RunMeters run = run(e.runId());
            counter(
                            "prodigy.throttles",
                            "Agent attempts throttled by the backend",
                            run.stageTags().and("error.kind", lower(e.errorKind())))
                    .increment();
            run.limit(gauges(run.workflow), e.concurrency());
        } else if (event instanceof RunEvent.ConcurrencyRaised e) {
            RunMeters run = run(e.runId());
            run.limit(gauges(run.workflow), e.concurrency());
        } else if (event instanceof RunEvent.BudgetReached e) {
            counter(
                            "prodigy.budget.reached",
                            "Runs paused by their cost budget",
                            run(e.runId()).tags())
                    .increment();
        }
        // StepStarted (the duration comes with StepFinished) and AgentActivity (too fine-grained) record nothing
    }

    private void runFinished(RunEvent.RunFinished e) {
        RunMeters run = runs.remove(e.runId());
        if (run == null) {
            run = new RunMeters(UNKNOWN);
        }
        run.clear(gauges(run.workflow));
        Tags tags = run.tags().and("status", lower(e.status()));
        counter("prodigy.runs.finished", "Runs finished", tags).increment();
        Timer runs = timer("prodigy.run.duration", "Run durations", tags);
        if (e.duration() != null) {
            runs.record(e.duration());
        }
    }

    private void itemStarted(RunEvent.ItemStarted e) {
        RunMeters run = run(e.runId());
        if (run.inFlight.add(e.itemId())) {
            gauges(run.workflow).itemsRunning.incrementAndGet();
            if (run.pending.get() > 0) {
                run.pending.decrementAndGet();
                gauges(run.workflow).itemsQueued.decrementAndGet();
            }
        }
        if (e.attempt() <= 1) {
            counter("prodigy.items.started", "Items started", run.stageTags()).increment();
        } else {
            counter("prodigy.items.retried", "Item attempts after the first", run.stageTags())
                    .increment();
        }
    }

    private void itemFinished(RunEvent.ItemFinished e) {
        RunMeters run = run(e.runId());
        if (run.inFlight.remove(e.itemId())) {
            gauges(run.workflow).itemsRunning.decrementAndGet();
        }
        Tags tags = run.stageTags().and("outcome", lower(e.status()));
        counter("prodigy.items.finished", "Items finished", tags).increment();
        if (e.duration() != null) {
            timer("prodigy.item.duration", "Item durations over all attempts", tags)
                    .record(e.duration());
        }
        if (!agentsInstrumented && e.costUsd() != null) {
            costCounter(run.stageTags()).increment(e.costUsd());
        }
    }

    /**
     * Wraps an agent runner so that each agent invocation is timed and its cost and tokens counted, and the
     * {@code prodigy.agents.running} gauge follows the agents running now. Once called, the cost is taken from the
     * agents' results only (not from finished items as well).
     *
     * @param delegate the runner doing the work
     * @return a runner with the same behaviour that records metrics
     * @throws NullPointerException if {@code delegate} is null
     */
    public AgentRunner instrument(AgentRunner delegate) {
        Objects.requireNonNull(delegate, "delegate");
        agentsInstrumented = true;
        return request -> runAgent(delegate, request);
    }

    private AgentResult runAgent(AgentRunner delegate, AgentRequest request) throws InterruptedException {
        RunMeters run = runs.getOrDefault(request.runId(), new RunMeters(UNKNOWN));
        WorkflowGauges g = gauges(run.workflow);
        Tags stageTags = run.stageTags();
        long start = clock.millis();
        g.agentsRunning.incrementAndGet();
        String outcome = "error";
        try {
            AgentResult result = delegate.run(request);
            outcome = result.success() ? "success" : lower(result.errorKind());
            if (result.costUsd() != null) {
                costCounter(stageTags).increment(result.costUsd());
            }
            TokenUsage t = result.tokens();
            tokens(stageTags, "input", t.inputTokens());
            tokens(stageTags, "output", t.outputTokens());
            tokens(stageTags, "cache_read", t.cacheReadTokens());
            tokens(stageTags, "cache_creation", t.cacheCreationTokens());
            return result;
        } catch (InterruptedException e) {
            outcome = lower(ErrorKind.CANCELLED);
            throw e;
        } finally {
            g.agentsRunning.decrementAndGet();
            timer("prodigy.agent.duration", "Agent invocations", stageTags.and("outcome", outcome))
                    .record(clock.millis() - start, TimeUnit.MILLISECONDS);
        }
    }

    private void tokens(Tags stageTags, String kind, long count) {
        Counter c = Counter.builder("prodigy.agent.tokens")
                .description("Tokens agents used")
                .baseUnit("tokens")
                .tags(stageTags.and("kind", kind))
                .register(registry);
        if (count > 0) {
            c.increment(count);
        }
    }

    private Counter costCounter(Tags stageTags) {
        return Counter.builder("prodigy.agent.cost")
                .description("Agent cost")
                .baseUnit("usd")
                .tags(stageTags)
                .register(registry);
    }

    /**
     * Registers the {@code prodigy.dlq.size} gauge: the unresolved entries of every run in {@code store}. The store
     * is read at most once per refresh interval (see {@link Builder#dlqRefresh}); a failing read keeps the last
     * value.
     *
     * @param store the Dead Letter Queue, e.g. {@code prodigy.dlq()}
     * @throws NullPointerException if {@code store} is null
     */
    public void bindDeadLetterQueue(DlqStore store) {
        Objects.requireNonNull(store, "store");
        DlqSize size = new DlqSize(store, dlqRefresh, clock);
        Gauge.builder("prodigy.dlq.size", size, DlqSize::value)
                .description("Unresolved Dead Letter Queue entries")
                .baseUnit("items")
                .strongReference(true)
                .register(registry);
    }

    private RunMeters run(String runId) {
        return runs.computeIfAbsent(runId, id -> new RunMeters(UNKNOWN));
    }

    private WorkflowGauges gauges(String workflow) {
        return gauges.computeIfAbsent(workflow, w -> new WorkflowGauges(registry, Tags.of("workflow", w)));
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Timer timer(String name, String description, Tags tags) {
        Timer.Builder b =
                Timer.builder(name).description(description).tags(tags).publishPercentileHistogram(percentileHistogram);
        if (percentiles.length > 0) {
            b.publishPercentiles(percentiles);
        }
        return b.register(registry);
    }

    private static String lower(Enum<?> e) {
        return e == null ? "unknown" : e.name().toLowerCase(Locale.ROOT);
    }

    /** What the listener knows about one run; gauges are kept per workflow, as sums over its runs. */
    private static final class RunMeters {
        final String workflow;
        volatile String stage = "none";
        final Set<String> inFlight = ConcurrentHashMap.newKeySet();
        final AtomicInteger pending = new AtomicInteger();
        final AtomicInteger limit = new AtomicInteger();

        RunMeters(String workflow) {
            this.workflow = workflow == null ? UNKNOWN : workflow;
        }

        Tags tags() {
            return Tags.of("workflow", workflow);
        }

        Tags stageTags() {
            return Tags.of("workflow", workflow, "stage", stage);
        }

        void startMap(WorkflowGauges g, int total, int maxParallel) {
            g.itemsQueued.addAndGet(total - pending.getAndSet(total));
            limit(g, maxParallel);
        }

        void limit(WorkflowGauges g, int value) {
            g.concurrencyLimit.addAndGet(value - limit.getAndSet(value));
        }

        void endMap(WorkflowGauges g) {
            g.itemsQueued.addAndGet(-pending.getAndSet(0));
            limit(g, 0);
        }

        void clear(WorkflowGauges g) {
            endMap(g);
            int running = inFlight.size();
            inFlight.clear();
            g.itemsRunning.addAndGet(-running);
        }
    }

    /** The gauges of one workflow. */
    private static final class WorkflowGauges {
        final AtomicInteger itemsRunning = new AtomicInteger();
        final AtomicInteger itemsQueued = new AtomicInteger();
        final AtomicInteger agentsRunning = new AtomicInteger();
        final AtomicInteger concurrencyLimit = new AtomicInteger();

        WorkflowGauges(MeterRegistry registry, Tags tags) {
            gauge(registry, "prodigy.items.running", "Items running now", itemsRunning, tags);
            gauge(registry, "prodigy.items.queued", "Items of running map phases not yet started", itemsQueued, tags);
            gauge(registry, "prodigy.agents.running", "Agents running now", agentsRunning, tags);
            gauge(registry, "prodigy.concurrency.limit", "Agents allowed at once", concurrencyLimit, tags);
        }

        private static void gauge(
                MeterRegistry registry, String name, String description, AtomicInteger value, Tags tags) {
            Gauge.builder(name, value, AtomicInteger::get)
                    .description(description)
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** The number of unresolved DLQ entries, read from the store at most once per refresh interval. */
    private static final class DlqSize {
        private final DlqStore store;
        private final Duration refresh;
        private final Clock clock;
        private long readAt = Long.MIN_VALUE;
        private double last;

        DlqSize(DlqStore store, Duration refresh, Clock clock) {
            this.store = store;
            this.refresh = refresh;
            this.clock = clock;
        }

        synchronized double value() {
            long now = clock.millis();
            if (readAt != Long.MIN_VALUE && now - readAt < refresh.toMillis()) {
                return last;
            }
            try {
                long count = 0;
                for (String runId : store.runIds()) {
                    count += store.list(runId).stream()
                            .filter(e -> !e.resolved())
                            .count();
                }
                last = count;
                readAt = now;
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ProdigyMetrics.class)
                        .warn("reading the Dead Letter Queue for prodigy.dlq.size failed: {}", e.toString());
            }
            return last;
        }
    }

    /** Builds {@link ProdigyMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private double[] percentiles = new double[0];
        private boolean percentileHistogram;
        private Duration dlqRefresh = Duration.ofSeconds(15);
        private Clock clock = Clock.systemUTC();

        private Builder(MeterRegistry registry) {
            this.registry = registry;
        }

        /**
         * @param values client-side percentiles to publish for every timer, each in [0, 1] (default none)
         * @return this
         * @throws IllegalArgumentException if a value is outside [0, 1]
         */
        public Builder percentiles(double... values) {
            for (double v : values) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("percentiles must be in [0, 1], got " + v);
                }
            }
            this.percentiles = Arrays.copyOf(values, values.length);
            return this;
        }

        /**
         * @param publish whether timers publish histogram buckets, for percentiles aggregated by the backend
         *                (default false)
         * @return this
         */
        public Builder percentileHistogram(boolean publish) {
            this.percentileHistogram = publish;
            return this;
        }

        /**
         * @param interval how long a read of the Dead Letter Queue's size is reused (default 15 s; zero reads it
         *                 on every scrape)
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder dlqRefresh(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("dlqRefresh must not be negative: " + interval);
            }
            this.dlqRefresh = interval;
            return this;
        }

        /** @param c the clock agent durations are measured with (default system UTC) @return this */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** @return the metrics */
        public ProdigyMetrics build() {
            return new ProdigyMetrics(this);
        }
    }
}
