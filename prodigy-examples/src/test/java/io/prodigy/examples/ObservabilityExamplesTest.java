package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the metrics and tracing examples for real. */
class ObservabilityExamplesTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    @Test
    void metricsExampleRecordsItemsCostAndTokens() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunResult r = MetricsExample.run(dir, registry, out);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(registry.get("prodigy.items.finished")
                        .tag("outcome", "succeeded")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("prodigy.agent.cost").counter().count())
                .isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(registry.get("prodigy.agent.tokens")
                        .tag("kind", "cache_read")
                        .counter()
                        .count())
                .isEqualTo(15000);
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .contains("prodigy.items.finished")
                .contains("prodigy.dlq.size");
    }

    @Test
    void tracingExampleProducesOneTraceWithAGenAiSpanPerAgent() {
        TracingExample.KeptSpans spans = new TracingExample.KeptSpans();
        RunResult r = TracingExample.run(dir, spans, out);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        var all = spans.spans();
        var run = all.stream()
                .filter(s -> s.getName().equals("run traced"))
                .findFirst()
                .orElseThrow();
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(run.getTraceId()));
        var agents = all.stream()
                .filter(s -> s.getName().equals("invoke_agent claude-code"))
                .toList();
        assertThat(agents)
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.getAttributes()
                                .get(io.opentelemetry.api.common.AttributeKey.longKey("gen_ai.usage.input_tokens")))
                        .isEqualTo(800L));
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("traceparent 00-" + run.getTraceId());
    }
}
