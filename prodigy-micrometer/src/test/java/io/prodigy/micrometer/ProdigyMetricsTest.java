package io.prodigy.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProdigyMetricsTest {
    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Six items, two at a time: item 3 fails its shell step (dead-lettered), item 4's agent is throttled once. */
    private static Workflow workflow() {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(Map.of("id", "item-" + i, "n", i));
        }
        return Workflow.mapReduce("metered")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .idField("id")
                        .maxParallel(2)
                        .agentTemplate(Step.shell("test ${item.n} -ne 3"), Step.agent("/work ${item.n}")))
                .reduce(Step.shell("echo ${map.successful} of ${map.total}"))
                .build();
    }

    @Test
    void aRealRunIsRecordedWithLowCardinalityTags() throws Exception {
        ProdigyMetrics metrics = ProdigyMetrics.builder(registry)
                .percentiles(0.5, 0.95)
                .dlqRefresh(Duration.ZERO)
                .build();
        CountDownLatch release = new CountDownLatch(1);
        Set<String> throttled = ConcurrentHashMap.newKeySet();
        Prodigy prodigy = Prodigy.builder()
                .isolation(DirectoryIsolation.shared())
                .workingDirectory(dir)
                .home(dir.resolve("home"))
                .throttleDelay(Duration.ofMillis(5))
                .listener(metrics)
                .agentRunner(metrics.instrument(request -> {
                    release.await(30, TimeUnit.SECONDS);
                    if (request.command().equals("/work 4") && throttled.add(request.command())) {
                        return AgentResult.builder()
                                .success(false)
                                .errorKind(ErrorKind.RATE_LIMITED)
                                .errorMessage("429 too many requests")
                                .build();
                    }
                    return AgentResult.builder()
                            .success(true)
                            .output("done")
                            .costUsd(0.25)
                            .tokens(new TokenUsage(100, 20, 300, 40))
                            .build();
                }))
                .build();
        metrics.bindDeadLetterQueue(prodigy.dlq());

        RunHandle handle = prodigy.start(workflow());
        // while the first two agents wait: the gauges show them
        awaitTrue(() -> gauge("prodigy.agents.running") == 2.0);
        assertThat(gauge("prodigy.items.running")).isEqualTo(2.0);
        assertThat(gauge("prodigy.items.queued")).isEqualTo(4.0);
        assertThat(gauge("prodigy.concurrency.limit")).isEqualTo(2.0);
        release.countDown();
        RunResult result = handle.await();
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);

        assertThat(count("prodigy.runs.started")).isEqualTo(1);
        assertThat(registry.get("prodigy.runs.finished")
                        .tag("status", "completed_with_failures")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(count("prodigy.items.started")).isEqualTo(6);
        assertThat(registry.get("prodigy.items.finished")
                        .tag("outcome", "succeeded")
                        .tag("stage", "metered")
                        .counter()
                        .count())
                .isEqualTo(5);
        assertThat(registry.get("prodigy.items.finished")
                        .tag("outcome", "failed")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("prodigy.items.failed")
                        .tag("error.kind", "command_failed")
                        .tag("final", "true")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(count("prodigy.items.dead.lettered")).isEqualTo(1);
        assertThat(registry.get("prodigy.throttles")
                        .tag("error.kind", "rate_limited")
                        .counter()
                        .count())
                .isEqualTo(1);

        // cost and tokens of the five successful agents (the throttled attempt reported none)
        assertThat(count("prodigy.agent.cost")).isCloseTo(1.25, Offset.offset(1e-9));
        assertThat(registry.get("prodigy.agent.cost").counter().getId().getBaseUnit())
                .isEqualTo("usd");
        assertThat(registry.get("prodigy.agent.tokens")
                        .tag("kind", "input")
                        .counter()
                        .count())
                .isEqualTo(500);
        assertThat(registry.get("prodigy.agent.tokens")
                        .tag("kind", "output")
                        .counter()
                        .count())
                .isEqualTo(100);
        assertThat(registry.get("prodigy.agent.tokens")
                        .tag("kind", "cache_read")
                        .counter()
                        .count())
                .isEqualTo(1500);
        assertThat(registry.get("prodigy.agent.tokens")
                        .tag("kind", "cache_creation")
                        .counter()
                        .count())
                .isEqualTo(200);
        assertThat(registry.get("prodigy.agent.duration")
                        .tag("outcome", "success")
                        .timer()
                        .count())
                .isEqualTo(5);
        assertThat(registry.get("prodigy.agent.duration")
                        .tag("outcome", "rate_limited")
                        .timer()
                        .count())
                .isEqualTo(1);

        // timers, with the configured percentiles
        Timer items = registry.get("prodigy.item.duration")
                .tag("outcome", "succeeded")
                .timer();
        assertThat(items.count()).isEqualTo(5);
        assertThat(items.takeSnapshot().percentileValues())
                .extracting(ValueAtPercentile::percentile)
                .containsExactly(0.5, 0.95);
        assertThat(registry.get("prodigy.step.duration")
                        .tag("phase", "map")
                        .tag("outcome", "failure")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("prodigy.step.duration")
                        .tag("phase", "reduce")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("prodigy.run.duration").timer().count()).isEqualTo(1);

        // gauges are back to rest; the DLQ gauge reads the store
        assertThat(gauge("prodigy.agents.running")).isZero();
        assertThat(gauge("prodigy.items.running")).isZero();
        assertThat(gauge("prodigy.items.queued")).isZero();
        assertThat(gauge("prodigy.concurrency.limit")).isZero();
        assertThat(registry.get("prodigy.dlq.size").gauge().value()).isEqualTo(1.0);

        // every meter carries the workflow; no tag value is an item or run id
        for (Meter m : registry.getMeters()) {
            if (!m.getId().getName().equals("prodigy.dlq.size")) {
                assertThat(m.getId().getTag("workflow"))
                        .as(m.getId().toString())
                        .isEqualTo("metered");
            }
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getValue())
                        .as(m.getId().toString())
                        .doesNotStartWith("item-")
                        .doesNotContain(result.runId());
            }
        }
        prodigy.close();
    }

    @Test
    void withoutTheAgentDecoratorTheCostComesFromFinishedItems() {
        ProdigyMetrics metrics = ProdigyMetrics.create(registry);
        Prodigy prodigy = Prodigy.builder()
                .isolation(DirectoryIsolation.shared())
                .workingDirectory(dir)
                .home(dir.resolve("home"))
                .listener(metrics)
                .agentRunner(request ->
                        AgentResult.builder().success(true).costUsd(0.5).build())
                .build();
        prodigy.run(Workflow.mapReduce("plain")
                .map(MapPhase.builder().input(WorkInput.values(List.of(1, 2))).agentTemplate(Step.agent("/go ${item}")))
                .build());
        assertThat(registry.get("prodigy.agent.cost")
                        .tag("workflow", "plain")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.find("prodigy.agent.tokens").meters()).isEmpty();
        prodigy.close();
    }

    @Test
    void theConcurrencyLimitGaugeFollowsAThrottleDownAndTheGrowthBackUp() {
        ProdigyMetrics metrics = ProdigyMetrics.create(registry);
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
        metrics.onEvent(new RunEvent.RunStarted("run-1", t, "metered"));
        metrics.onEvent(new RunEvent.ItemsResolved("run-1", t, "stage-0", 10, 4, 0, 0));
        assertThat(gauge("prodigy.concurrency.limit")).isEqualTo(4.0);
        metrics.onEvent(new RunEvent.Throttled(
                "run-1", t, "item-1", io.prodigy.api.ErrorKind.RATE_LIMITED, 2, null, java.time.Duration.ZERO));
        assertThat(gauge("prodigy.concurrency.limit")).isEqualTo(2.0);
        metrics.onEvent(new RunEvent.ConcurrencyRaised("run-1", t, 3));
        assertThat(gauge("prodigy.concurrency.limit")).isEqualTo(3.0);
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> ProdigyMetrics.builder(null)).hasMessageContaining("registry");
        assertThatThrownBy(() -> ProdigyMetrics.builder(registry).percentiles(1.5))
                .hasMessageContaining("percentiles");
        assertThatThrownBy(() -> ProdigyMetrics.create(registry).instrument(null))
                .hasMessageContaining("delegate");
        assertThatThrownBy(() -> ProdigyMetrics.builder(registry).dlqRefresh(Duration.ofSeconds(-1)))
                .hasMessageContaining("dlqRefresh");
    }

    private double count(String name) {
        return registry.get(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private double gauge(String name) {
        io.micrometer.core.instrument.Gauge g =
                registry.find(name).tag("workflow", "metered").gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
