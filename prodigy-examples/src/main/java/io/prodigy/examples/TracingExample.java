package io.prodigy.examples;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import io.prodigy.opentelemetry.ProdigyTracing;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Traces of a run with {@code prodigy-opentelemetry}: {@link ProdigyTracing} turns the run into spans (run, phase,
 * item, step, and a GenAI {@code invoke_agent} client span per agent) and hands each agent process its
 * {@code TRACEPARENT}. Here the spans go to a small exporter that keeps them; a service would configure an OTLP
 * exporter on its {@code OpenTelemetrySdk} instead.
 *
 * <p>Run it with
 * {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java -Dexec.mainClass=io.prodigy.examples.TracingExample}.
 */
public final class TracingExample {
    private TracingExample() {}

    /** Keeps every finished span, in order. */
    public static final class KeptSpans implements SpanExporter {
        private final List<SpanData> spans = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        /** @return the spans exported so far */
        public List<SpanData> spans() {
            synchronized (spans) {
                return List.copyOf(spans);
            }
        }
    }

    /**
     * Runs a two-item workflow whose agent prints the {@code TRACEPARENT} it was given, and prints the span tree.
     *
     * @param dir an empty directory for the project and the state
     * @param exporter receives the spans
     * @param out where to print
     * @return the run's result
     */
    public static RunResult run(Path dir, SpanExporter exporter, PrintStream out) {
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build()) {
            ProdigyTracing tracing = ProdigyTracing.builder(otel)
                    .agentModel("sonnet")
                    .propagateToAgents(true) // TRACEPARENT, BAGGAGE, OTEL_RESOURCE_ATTRIBUTES
                    .agentEnvironment("CLAUDE_CODE_ENABLE_TELEMETRY", "1")
                    .build();
            try (Prodigy prodigy = Prodigy.builder()
                    .isolation(DirectoryIsolation.shared())
                    .workingDirectory(dir)
                    .home(dir.resolve(".prodigy"))
                    .listener(tracing)
                    .agentRunner(tracing.instrument(request -> AgentResult.builder()
                            .success(true)
                            .output("traceparent " + request.environment().get("TRACEPARENT"))
                            .costUsd(0.01)
                            .tokens(new TokenUsage(800, 120, 2000, 0))
                            .build()))
                    .build()) {
                RunResult result = prodigy.run(Workflow.mapReduce("traced")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(List.of("docs", "tests")))
                                .agentTemplate(Step.agent("/improve ${item}")))
                        .build());
                result.items()
                        .forEach(i -> out.println(i.itemId() + ": " + i.output().strip()));
                return result;
            }
        }
    }

    /**
     * @param args ignored
     * @throws java.io.IOException if the scratch directory cannot be made
     */
    public static void main(String[] args) throws java.io.IOException {
        Path dir = java.nio.file.Files.createTempDirectory("prodigy-tracing");
        KeptSpans spans = new KeptSpans();
        RunResult result = run(dir, spans, System.out);
        for (SpanData s : spans.spans()) {
            System.out.println(s.getName() + " span=" + s.getSpanId() + " parent=" + s.getParentSpanId() + " "
                    + s.getAttributes());
        }
        System.out.println(result.status() + " in " + dir);
    }
}
