package io.prodigy.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.ItemResult;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.CommandAgentRunner;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProdigyTracingTest {
    @TempDir
    Path dir;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    private final OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    /**
     * Setup, three items (b fails its first attempt and is retried; c always fails and is dead-lettered), reduce.
     * The agent is a real process that prints the trace variables it was given; the wrapper adds what a Claude
     * runner reports (session, model, tokens, cost).
     */
    private RunResult runTraced(ProdigyTracing tracing) {
        CommandAgentRunner printEnv = CommandAgentRunner.builder(
                        "sh",
                        "-c",
                        "printf '%s|%s|%s' \"$TRACEPARENT\" \"$BAGGAGE\" \"$OTEL_RESOURCE_ATTRIBUTES\"",
                        "agent",
                        "{prompt}")
                .build();
        AgentRunner claudeLike = request -> {
            AgentResult r = printEnv.run(request);
            request.activity()
                    .accept(new AgentActivity(
                            "session_started",
                            "session",
                            Map.of("model", "claude-sonnet-4-5", "session_id", "session-" + request.itemId())));
            request.activity().accept(new AgentActivity("tool_use", "Edit README.md", Map.of()));
            return AgentResult.builder()
                    .success(r.success())
                    .output(r.output())
                    .exitCode(r.exitCode())
                    .errorKind(r.errorKind())
                    .errorMessage(r.errorMessage())
                    .costUsd(0.05)
                    .tokens(new TokenUsage(1000, 200, 3000, 50))
                    .build();
        };
        Workflow wf = Workflow.mapReduce("traced")
                .setup(Step.shell("echo ready"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of("a", "b", "c")))
                        .maxParallel(2)
                        .agentTemplate(
                                Step.shell("test ${item} != b || ! mkdir flag-b"),
                                Step.shell("test ${item} != c"),
                                Step.agent("/fix ${item}")))
                .errorPolicy(ErrorPolicy.builder()
                        .onItemFailure(ItemFailureAction.DLQ)
                        .itemRetry(RetryPolicy.builder()
                                .maxAttempts(2)
                                .initialDelay(Duration.ofMillis(1))
                                .jitter(false)
                                .build())
                        .build())
                .reduce(Step.shell("echo ${map.successful}"))
                .build();
        try (Prodigy prodigy = Prodigy.builder()
                .isolation(DirectoryIsolation.shared())
                .workingDirectory(dir)
                .home(dir.resolve("home"))
                .listener(tracing)
                .agentRunner(tracing.instrument(claudeLike))
                .build()) {
            return prodigy.run(wf);
        }
    }

    @Test
    void spansFormRunPhaseItemStepAgentWithGenAiAttributes() {
        ProdigyTracing tracing = ProdigyTracing.builder(otel)
                .agentModel("sonnet")
                .propagateToAgents(true)
                .agentEnvironment("CLAUDE_CODE_ENABLE_TELEMETRY", "1")
                .build();
        RunResult result = runTraced(tracing);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        List<SpanData> spans = exporter.getFinishedSpanItems();

        SpanData run = one(spans, s -> s.getName().equals("run traced"));
        assertThat(run.getParentSpanContext().isValid()).isFalse();
        assertThat(run.getAttributes().get(ProdigyTracing.RUN_ID)).isEqualTo(result.runId());
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(spans).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(run.getTraceId());
            assertThat(s.getAttributes().get(ProdigyTracing.RUN_ID))
                    .as(s.getName())
                    .isEqualTo(result.runId());
        });

        SpanData setup = one(spans, s -> s.getName().equals("setup traced"));
        SpanData map = one(spans, s -> s.getName().equals("map traced"));
        SpanData reduce = one(spans, s -> s.getName().equals("reduce traced"));
        for (SpanData phase : List.of(setup, map, reduce)) {
            assertThat(phase.getParentSpanId()).as(phase.getName()).isEqualTo(run.getSpanId());
        }
        assertThat(childrenOf(spans, setup)).extracting(SpanData::getName).containsExactly("step shell: echo ready");

        List<SpanData> items =
                spans.stream().filter(s -> s.getName().equals("item traced")).toList();
        assertThat(items)
                .hasSize(3)
                .allSatisfy(i -> assertThat(i.getParentSpanId()).isEqualTo(map.getSpanId()));
        SpanData a = item(items, result, "a");
        SpanData b = item(items, result, "b");
        SpanData c = item(items, result, "c");
        assertThat(a.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        assertThat(b.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        assertThat(b.getAttributes().get(ProdigyTracing.ATTEMPTS)).isEqualTo(2L);
        assertThat(eventNames(b)).contains("prodigy.item.attempt", "prodigy.item.failed", "prodigy.retry");
        assertThat(c.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(eventNames(c)).contains("prodigy.item.failed", "prodigy.dead_lettered");
        assertThat(event(c, "prodigy.item.failed").getAttributes().get(ProdigyTracing.ERROR_TYPE))
                .isEqualTo("command_failed");

        ItemResult aResult = itemResult(result, "a");
        // a's steps are children of a; its agent step has one invoke_agent client span
        List<SpanData> aSteps = childrenOf(spans, a);
        assertThat(aSteps)
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder(
                        "step shell: test ${item} != b || ! mkdir flag-b",
                        "step shell: test ${item} != c",
                        "step claude: /fix ${item}");
        SpanData agentStep = one(aSteps, s -> s.getName().startsWith("step claude"));
        SpanData agent = one(childrenOf(spans, agentStep), s -> true);
        assertThat(agent.getName()).isEqualTo("invoke_agent claude-code");
        assertThat(agent.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        var attrs = agent.getAttributes();
        assertThat(attrs.get(ProdigyTracing.GEN_AI_OPERATION)).isEqualTo("invoke_agent");
        assertThat(attrs.get(ProdigyTracing.GEN_AI_PROVIDER)).isEqualTo("anthropic");
        assertThat(attrs.get(ProdigyTracing.GEN_AI_REQUEST_MODEL)).isEqualTo("sonnet");
        assertThat(attrs.get(ProdigyTracing.GEN_AI_RESPONSE_MODEL)).isEqualTo("claude-sonnet-4-5");
        assertThat(attrs.get(ProdigyTracing.GEN_AI_CONVERSATION)).isEqualTo("session-" + aResult.itemId());
        assertThat(attrs.get(ProdigyTracing.GEN_AI_INPUT_TOKENS)).isEqualTo(1000L);
        assertThat(attrs.get(ProdigyTracing.GEN_AI_OUTPUT_TOKENS)).isEqualTo(200L);
        assertThat(attrs.get(ProdigyTracing.GEN_AI_CACHE_READ)).isEqualTo(3000L);
        assertThat(attrs.get(ProdigyTracing.GEN_AI_CACHE_CREATION)).isEqualTo(50L);
        assertThat(attrs.get(ProdigyTracing.COST)).isEqualTo(0.05);
        assertThat(attrs.get(ProdigyTracing.ITEM_ID)).isEqualTo(aResult.itemId());
        assertThat(eventNames(agent)).contains("session_started", "tool_use");

        // the agent process got its span's trace context, the run id in baggage and resource attributes
        String[] printed = aResult.output().strip().split("\\|", -1);
        assertThat(printed[0]).startsWith("00-" + agent.getTraceId() + "-" + agent.getSpanId() + "-");
        assertThat(printed[1]).contains(ProdigyTracing.RUN_ID_KEY + "=" + result.runId());
        assertThat(printed[2])
                .contains("prodigy.run.id=" + result.runId())
                .contains("prodigy.item.id=" + AgentEnvironment.encode(aResult.itemId()));

        // failed steps are errors; the failed shell step of c carries its exit code
        List<SpanData> cFailedSteps = childrenOf(spans, c).stream()
                .filter(s -> s.getName().equals("step shell: test ${item} != c"))
                .toList();
        assertThat(cFailedSteps).as("one per attempt").hasSize(2).allSatisfy(step -> {
            assertThat(step.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(step.getAttributes().get(ProdigyTracing.EXIT_CODE)).isEqualTo(1L);
        });
        assertThat(eventNames(a)).contains("prodigy.merge");
    }

    @Test
    void withoutPropagationAgentsGetNoTraceVariables() {
        RunResult result = runTraced(ProdigyTracing.builder(otel).build());
        ItemResult aResult = itemResult(result, "a");
        assertThat(aResult.output().strip()).startsWith("||");
        assertThat(exporter.getFinishedSpanItems()).anyMatch(s -> s.getName().equals("invoke_agent claude-code"));
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> ProdigyTracing.builder(null)).hasMessageContaining("openTelemetry");
        assertThatThrownBy(() -> ProdigyTracing.builder(otel).agentEnvironment("X", null))
                .hasMessageContaining("value");
        assertThatThrownBy(() -> ProdigyTracing.builder(otel).build().instrument(null))
                .hasMessageContaining("delegate");
    }

    private static SpanData one(List<SpanData> spans, Predicate<SpanData> p) {
        List<SpanData> found = spans.stream().filter(p).toList();
        assertThat(found)
                .as("spans: %s", spans.stream().map(SpanData::getName).toList())
                .hasSize(1);
        return found.get(0);
    }

    private static SpanData item(List<SpanData> items, RunResult result, String value) {
        String id = itemResult(result, value).itemId();
        return one(items, s -> id.equals(s.getAttributes().get(ProdigyTracing.ITEM_ID)));
    }

    private static ItemResult itemResult(RunResult result, String value) {
        return result.items().stream()
                .filter(i -> i.itemJson().equals("\"" + value + "\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no item " + value + " in " + result.items()));
    }

    private static List<SpanData> childrenOf(List<SpanData> spans, SpanData parent) {
        return spans.stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .toList();
    }

    private static List<String> eventNames(SpanData span) {
        return span.getEvents().stream().map(EventData::getName).toList();
    }

    private static EventData event(SpanData span, String name) {
        Optional<EventData> e =
                span.getEvents().stream().filter(x -> x.getName().equals(name)).findFirst();
        assertThat(e).as("event %s on %s", name, span.getName()).isPresent();
        return e.get();
    }

    static AttributeKey<String> key(String name) {
        return AttributeKey.stringKey(name);
    }
}
