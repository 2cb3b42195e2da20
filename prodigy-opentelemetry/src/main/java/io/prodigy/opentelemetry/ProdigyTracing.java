package io.prodigy.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunStatus;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traces Prodigy runs with OpenTelemetry. Add it as a {@link RunListener} and wrap the agent runner with
 * {@link #instrument(AgentRunner)}:
 *
 * <pre>{@code
 * ProdigyTracing tracing = ProdigyTracing.builder(openTelemetry).agentModel("sonnet").propagateToAgents(true).build();
 * Prodigy prodigy = Prodigy.builder()
 *     .listener(tracing)
 *     .agentRunner(tracing.instrument(ClaudeCodeRunner.create()))
 *     .build();
 * }</pre>
 *
 * <p>Spans: {@code run WORKFLOW} (a child of the context current when the run starts) → {@code PHASE STAGE}
 * ({@code setup}, {@code map}, {@code reduce} or {@code steps}) → {@code item STAGE} (map items, from the first
 * attempt to the final outcome) → {@code step LABEL} → {@code invoke_agent AGENT} (a {@link SpanKind#CLIENT} span per
 * agent invocation with the GenAI semantic conventions' {@code gen_ai.*} attributes: operation, provider, agent
 * name, requested and response model, conversation id, input, output and cache tokens; the cost is
 * {@code prodigy.agent.cost_usd}). Span events: {@code prodigy.retry}, {@code prodigy.item.failed},
 * {@code prodigy.throttled}, {@code prodigy.merge}, {@code prodigy.merge.conflict}, {@code prodigy.dead_lettered},
 * {@code prodigy.budget.reached}, and the agent's {@code session_started} and {@code tool_use} activities. Status
 * follows the outcome (a failed item, step or run is {@link StatusCode#ERROR}). Every span has
 * {@code prodigy.run.id}; the run id is also in the baggage as {@code prodigy.run.id}.
 *
 * <p>With {@link Builder#propagateToAgents(boolean)} the agent process gets {@code TRACEPARENT},
 * {@code TRACESTATE} and {@code BAGGAGE} (the W3C headers of its {@code invoke_agent} span, as environment
 * variables), {@code OTEL_RESOURCE_ATTRIBUTES} extended with the run and item ids, and the variables of
 * {@link Builder#agentEnvironment(String, String)} (e.g. {@code CLAUDE_CODE_ENABLE_TELEMETRY=1} and an OTLP
 * endpoint), so that an agent's own telemetry joins the trace.
 *
 * <p>Thread-safe; never throws from {@link #onEvent}.
 */
public final class ProdigyTracing implements RunListener {
    /** The instrumentation scope name. */
    public static final String INSTRUMENTATION_NAME = "io.prodigy";
    /** The baggage entry and span attribute holding the run id. */
    public static final String RUN_ID_KEY = "prodigy.run.id";

    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey(RUN_ID_KEY);
    static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("prodigy.workflow.name");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("prodigy.stage");
    static final AttributeKey<String> PHASE = AttributeKey.stringKey("prodigy.phase");
    static final AttributeKey<String> ITEM_ID = AttributeKey.stringKey("prodigy.item.id");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("prodigy.outcome");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("prodigy.attempt");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("prodigy.item.attempts");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("prodigy.agent.cost_usd");
    static final AttributeKey<Long> STEP_INDEX = AttributeKey.longKey("prodigy.step.index");
    static final AttributeKey<String> STEP_LABEL = AttributeKey.stringKey("prodigy.step.label");
    static final AttributeKey<Long> EXIT_CODE = AttributeKey.longKey("process.exit.code");
    static final AttributeKey<Boolean> SKIPPED = AttributeKey.booleanKey("prodigy.step.skipped");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> GEN_AI_AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> GEN_AI_CONVERSATION = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> GEN_AI_CACHE_READ = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> GEN_AI_CACHE_CREATION =
            AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");

    private static final int MAX_NAME = 120;

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean propagateToAgents;
    private final Map<String, String> agentEnvironment;
    private final String agentProvider;
    private final String agentName;
    private final String agentModel;
    private final Map<String, RunSpans> runs = new ConcurrentHashMap<>();

    private ProdigyTracing(Builder b) {
        this.tracer = b.openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.propagator = b.propagator;
        this.propagateToAgents = b.propagateToAgents;
        this.agentEnvironment = Map.copyOf(b.agentEnvironment);
        this.agentProvider = b.agentProvider;
        this.agentName = b.agentName;
        this.agentModel = b.agentModel;
    }

    /**
     * @param openTelemetry the host's OpenTelemetry (its tracer provider receives the spans)
     * @return a builder
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public void onEvent(RunEvent event) {
        if (event instanceof RunEvent.RunStarted e) {
            runStarted(e);
            return;
        }
        RunSpans run = runs.get(event.runId());
        if (run == null) {
            return; // a run whose start this listener did not see
        }
        if (event instanceof RunEvent.RunFinished e) {
            runs.remove(e.runId());
            run.finish(e);
        } else if (event instanceof RunEvent.PhaseStarted e) {
            run.phaseStarted(e, tracer);
        } else if (event instanceof RunEvent.PhaseFinished e) {
            run.phaseFinished(e);
        } else if (event instanceof RunEvent.ItemStarted e) {
            run.itemStarted(e, tracer);
        } else if (event instanceof RunEvent.ItemFinished e) {
            run.itemFinished(e);
        } else if (event instanceof RunEvent.StepStarted e) {
            run.stepStarted(e, tracer);
        } else if (event instanceof RunEvent.StepFinished e) {
            run.stepFinished(e);
        } else if (event instanceof RunEvent.RetryScheduled e) {
            run.innermost(e.itemId())
                    .addEvent(
                            "prodigy.retry",
                            Attributes.builder()
                                    .put("prodigy.retry.next_attempt", e.nextAttempt())
                                    .put(
                                            "prodigy.retry.delay_ms",
                                            e.delay() == null ? 0 : e.delay().toMillis())
                                    .put("prodigy.retry.reason", nonNull(e.reason()))
                                    .put(STEP_LABEL, nonNull(e.label()))
                                    .build(),
                            e.at());
        } else if (event instanceof RunEvent.ItemFailed e) {
            boolean conflict = e.errorKind() == io.prodigy.api.ErrorKind.MERGE_CONFLICT;
            run.item(e.itemId())
                    .addEvent(
                            conflict ? "prodigy.merge.conflict" : "prodigy.item.failed",
                            Attributes.builder()
                                    .put(ERROR_TYPE, lower(e.errorKind()))
                                    .put(ATTEMPT, e.attempt())
                                    .put("prodigy.will_retry", e.willRetry())
                                    .put("prodigy.message", nonNull(e.message()))
                                    .build(),
                            e.at());
        } else if (event instanceof RunEvent.ItemDeadLettered e) {
            run.item(e.itemId()).addEvent("prodigy.dead_lettered", Attributes.empty(), e.at());
        } else if (event instanceof RunEvent.ItemIntegrated e) {
            run.item(e.itemId())
                    .addEvent(
                            "prodigy.merge",
                            Attributes.of(AttributeKey.longKey("prodigy.merge.commits"), (long) e.commits()),
                            e.at());
        } else if (event instanceof RunEvent.Throttled e) {
            Attributes a = Attributes.builder()
                    .put(ERROR_TYPE, lower(e.errorKind()))
                    .put("prodigy.concurrency", e.concurrency())
                    .put(
                            "prodigy.retry_in_ms",
                            e.retryIn() == null ? 0 : e.retryIn().toMillis())
                    .put(
                            "prodigy.resume_at",
                            e.resumeAt() == null ? "" : e.resumeAt().toString())
                    .build();
            run.innermost(e.itemId()).addEvent("prodigy.throttled", a, e.at());
            if (e.itemId() != null) {
                run.span.addEvent("prodigy.throttled", a, e.at());
            }
        } else if (event instanceof RunEvent.ConcurrencyRaised e) {
            run.span.addEvent(
                    "prodigy.concurrency.raised",
                    Attributes.of(AttributeKey.longKey("prodigy.concurrency"), (long) e.concurrency()),
                    e.at());
        } else if (event instanceof RunEvent.BudgetReached e) {
            run.span.addEvent(
                    "prodigy.budget.reached",
                    Attributes.builder()
                            .put("prodigy.spent_usd", e.spentUsd())
                            .put("prodigy.budget_usd", e.budgetUsd())
                            .build(),
                    e.at());
        }
        // ItemsResolved and AgentActivity: the instrumented agent runner records agents' activity on their spans
    }

    private void runStarted(RunEvent.RunStarted e) {
        Context parent = Context.current();
        Baggage baggage = Baggage.fromContext(parent).toBuilder()
                .put(RUN_ID_KEY, e.runId())
                .build();
        Span span = tracer.spanBuilder(name("run " + e.workflowName()))
                .setParent(parent)
                .setStartTimestamp(e.at())
                .setAttribute(RUN_ID, e.runId())
                .setAttribute(WORKFLOW, nonNull(e.workflowName()))
                .startSpan();
        runs.put(e.runId(), new RunSpans(e.runId(), span, parent.with(baggage).with(span)));
    }

    /**
     * Wraps an agent runner so that each agent invocation is an {@code invoke_agent} client span, a child of its
     * step's span, and, when {@linkplain Builder#propagateToAgents(boolean) enabled}, the agent process gets the
     * trace context and telemetry environment.
     *
     * @param delegate the runner doing the work
     * @return a runner with the same behaviour that records spans
     * @throws NullPointerException if {@code delegate} is null
     */
    public AgentRunner instrument(AgentRunner delegate) {
        Objects.requireNonNull(delegate, "delegate");
        return request -> runAgent(delegate, request);
    }

    private AgentResult runAgent(AgentRunner delegate, AgentRequest request) throws InterruptedException {
        RunSpans run = runs.get(request.runId());
        Context parent = run == null ? Context.current() : run.agentParent(request.itemId());
        var builder = tracer.spanBuilder(name("invoke_agent " + agentName))
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent)
                .setAttribute(GEN_AI_OPERATION, "invoke_agent")
                .setAttribute(GEN_AI_PROVIDER, agentProvider)
                .setAttribute(GEN_AI_AGENT_NAME, agentName)
                .setAttribute(RUN_ID, nonNull(request.runId()))
                .setAttribute(STEP_LABEL, nonNull(request.stepLabel()));
        if (agentModel != null) {
            builder.setAttribute(GEN_AI_REQUEST_MODEL, agentModel);
        }
        if (request.itemId() != null) {
            builder.setAttribute(ITEM_ID, request.itemId());
        }
        Span span = builder.startSpan();
        Context context = parent.with(span);
        Map<String, String> env = propagateToAgents
                ? AgentEnvironment.of(context, propagator, agentEnvironment, request)
                : request.environment();
        AgentRequest traced = request.toBuilder()
                .environment(env)
                .activity(activity -> {
                    recordActivity(span, activity);
                    request.activity().accept(activity);
                })
                .build();
        Scope scope = context.makeCurrent();
        try {
            AgentResult result = delegate.run(traced);
            recordResult(span, result);
            return result;
        } catch (InterruptedException | RuntimeException e) {
            span.recordException(e);
            span.setAttribute(
                    ERROR_TYPE,
                    e instanceof InterruptedException
                            ? "cancelled"
                            : e.getClass().getName());
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            scope.close();
            span.end();
        }
    }

    private static void recordActivity(Span span, AgentActivity activity) {
        if ("session_started".equals(activity.type())) {
            String model = activity.details().get("model");
            if (model != null) {
                span.setAttribute(GEN_AI_RESPONSE_MODEL, model);
            }
            String session = activity.details().get("session_id");
            if (session != null) {
                span.setAttribute(GEN_AI_CONVERSATION, session);
            }
            span.addEvent("session_started");
        } else if ("tool_use".equals(activity.type())) {
            span.addEvent("tool_use", Attributes.of(AttributeKey.stringKey("prodigy.activity"), activity.summary()));
        }
    }

    private static void recordResult(Span span, AgentResult result) {
        span.setAttribute(GEN_AI_INPUT_TOKENS, result.tokens().inputTokens());
        span.setAttribute(GEN_AI_OUTPUT_TOKENS, result.tokens().outputTokens());
        span.setAttribute(GEN_AI_CACHE_READ, result.tokens().cacheReadTokens());
        span.setAttribute(GEN_AI_CACHE_CREATION, result.tokens().cacheCreationTokens());
        if (result.costUsd() != null) {
            span.setAttribute(COST, result.costUsd());
        }
        if (result.sessionId() != null) {
            span.setAttribute(GEN_AI_CONVERSATION, result.sessionId());
        }
        if (result.exitCode() != null) {
            span.setAttribute(EXIT_CODE, result.exitCode().longValue());
        }
        if (result.success()) {
            span.setStatus(StatusCode.OK);
        } else {
            span.setAttribute(ERROR_TYPE, lower(result.errorKind()));
            span.setStatus(StatusCode.ERROR, nonNull(result.errorMessage()));
        }
    }

    static String name(String text) {
        String s = text == null ? "" : text.strip();
        return s.length() <= MAX_NAME ? s : s.substring(0, MAX_NAME - 3) + "...";
    }

    static String nonNull(String s) {
        return s == null ? "" : s;
    }

    static String lower(Enum<?> e) {
        return e == null ? "unknown" : e.name().toLowerCase(Locale.ROOT);
    }

    static StatusCode status(RunStatus s) {
        return s == RunStatus.SUCCEEDED ? StatusCode.OK : s == RunStatus.PAUSED ? StatusCode.UNSET : StatusCode.ERROR;
    }

    static StatusCode status(ItemStatus s) {
        return s == ItemStatus.SUCCEEDED ? StatusCode.OK : StatusCode.ERROR;
    }

    /** Builds {@link ProdigyTracing}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private TextMapPropagator propagator = TextMapPropagator.composite(
                W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
        private boolean propagateToAgents;
        private final Map<String, String> agentEnvironment = new LinkedHashMap<>();
        private String agentProvider = "anthropic";
        private String agentName = "claude-code";
        private String agentModel;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /**
         * @param enabled whether agent processes get {@code TRACEPARENT}, {@code TRACESTATE}, {@code BAGGAGE},
         *                {@code OTEL_RESOURCE_ATTRIBUTES} and the {@link #agentEnvironment agent environment}
         *                (default false)
         * @return this
         */
        public Builder propagateToAgents(boolean enabled) {
            this.propagateToAgents = enabled;
            return this;
        }

        /**
         * Adds a variable for agent processes when {@linkplain #propagateToAgents propagating}, e.g.
         * {@code CLAUDE_CODE_ENABLE_TELEMETRY=1}, {@code OTEL_TRACES_EXPORTER=otlp},
         * {@code OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317}. The step's own environment wins over these.
         *
         * @param name the variable
         * @param value its value
         * @return this
         * @throws NullPointerException if either is null
         */
        public Builder agentEnvironment(String name, String value) {
            agentEnvironment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param p the propagator that writes the trace context into the agent's environment (default W3C trace
         *          context and baggage); header names become upper-case variable names with {@code _} for {@code -}
         * @return this
         */
        public Builder propagator(TextMapPropagator p) {
            this.propagator = Objects.requireNonNull(p, "propagator");
            return this;
        }

        /** @param name {@code gen_ai.provider.name} of agent spans (default {@code anthropic}) @return this */
        public Builder agentProvider(String name) {
            this.agentProvider = Objects.requireNonNull(name, "agentProvider");
            return this;
        }

        /** @param name {@code gen_ai.agent.name} of agent spans (default {@code claude-code}) @return this */
        public Builder agentName(String name) {
            this.agentName = Objects.requireNonNull(name, "agentName");
            return this;
        }

        /** @param model {@code gen_ai.request.model} of agent spans, or null when not configured @return this */
        public Builder agentModel(String model) {
            this.agentModel = model;
            return this;
        }

        /** @return the tracing listener */
        public ProdigyTracing build() {
            return new ProdigyTracing(this);
        }
    }
}
