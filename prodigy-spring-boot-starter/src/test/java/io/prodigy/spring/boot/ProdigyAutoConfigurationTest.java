package io.prodigy.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.testing.ClaudeDouble;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.InMemoryCheckpointStore;
import io.prodigy.core.Prodigy;
import io.prodigy.micrometer.ProdigyMetrics;
import io.prodigy.opentelemetry.ProdigyTracing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ProdigyAutoConfigurationTest {
    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ProdigyAutoConfiguration.class))
                .withPropertyValues(
                        "prodigy.home=" + dir.resolve("home"),
                        "prodigy.working-directory=" + dir,
                        "prodigy.handle-signals=false");
    }

    private static Workflow workflow() {
        return Workflow.mapReduce("spring")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of("x", "y")))
                        .agentTemplate(Step.agent("/review ${item}")))
                .build();
    }

    @Test
    void autoIsolationOutsideGitRefusesParallelItemsInsteadOfSharingTheDirectory() {
        runner().withBean(AgentRunner.class, () -> request -> AgentResult.success("ok"))
                .run(context -> assertThatThrownBy(
                                () -> context.getBean(Prodigy.class).run(workflow()))
                        .isInstanceOf(io.prodigy.api.WorkflowDefinitionException.class)
                        .hasMessageContaining("no isolation strategy was chosen"));
    }

    @Test
    void propertiesConfigureTheEngineAndItsRunOptions() {
        runner().withPropertyValues(
                        "prodigy.max-parallel=3",
                        "prodigy.budget-usd=2.5",
                        "prodigy.agent.claude.executable=claude-not-installed-here")
                .run(context -> {
                    assertThat(context)
                            .hasNotFailed()
                            .hasSingleBean(Prodigy.class)
                            .hasSingleBean(ProdigyRunsEndpoint.class)
                            .hasSingleBean(ProdigyHealthIndicator.class);
                    Prodigy prodigy = context.getBean(Prodigy.class);
                    assertThat(prodigy.home()).isEqualTo(dir.resolve("home"));
                    assertThat(prodigy.workingDirectory()).isEqualTo(dir);
                    RunOptions options = context.getBean(RunOptions.class);
                    assertThat(options.maxParallel()).isEqualTo(3);
                    assertThat(options.budgetUsd()).isEqualTo(2.5);
                    // no MeterRegistry and no OpenTelemetry bean: neither module is registered
                    assertThat(context).doesNotHaveBean(ProdigyMetrics.class).doesNotHaveBean(ProdigyTracing.class);
                    // the default Claude runner's CLI is missing: the health says so
                    Health health =
                            context.getBean(ProdigyHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("problem").toString())
                            .contains("claude-not-installed-here")
                            .contains("not found");
                });
    }

    @Test
    void itemWorktreesDefaultToWarmReuseAsTheLibraryDoes() {
        runner().run(context -> assertThat(context.getBean(ProdigyProperties.class)
                        .getIsolation()
                        .getWorktree()
                        .getMode())
                .isEqualTo(ProdigyProperties.WorktreeAllocation.REUSE));
        runner().withPropertyValues("prodigy.isolation.worktree.mode=on-demand")
                .run(context -> assertThat(context.getBean(ProdigyProperties.class)
                                .getIsolation()
                                .getWorktree()
                                .getMode())
                        .isEqualTo(ProdigyProperties.WorktreeAllocation.ON_DEMAND));
    }

    @Test
    void warmAndColdDirectoriesBindAndReachTheIsolation() {
        runner().withPropertyValues(
                        "prodigy.isolation.worktree.warm-directories=target,node_modules",
                        "prodigy.isolation.worktree.cold-directories=tools/gen/target")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ProdigyProperties.Worktree w = context.getBean(ProdigyProperties.class)
                            .getIsolation()
                            .getWorktree();
                    assertThat(w.getWarmDirectories()).containsExactly("target", "node_modules");
                    assertThat(w.getColdDirectories()).containsExactly("tools/gen/target");
                });
        runner().withPropertyValues(
                        "prodigy.isolation.mode=worktree", "prodigy.isolation.worktree.warm-directories=node_*")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("node_*"));
    }

    @Test
    void invalidPropertiesFailTheContextWithTheirName() {
        runner().withPropertyValues("prodigy.max-parallel=0")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("prodigy.max-parallel"));
        runner().withPropertyValues("prodigy.agent.type=command")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("prodigy.agent.command.template"));
    }

    @Test
    void theApplicationsRunnerStoreIsolationAndListenersAreUsed() {
        AtomicInteger agentCalls = new AtomicInteger();
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        runner().withPropertyValues("prodigy.agent.type=none")
                .withBean(AgentRunner.class, () -> request -> {
                    agentCalls.incrementAndGet();
                    return AgentResult.success("ok");
                })
                .withBean(CheckpointStore.class, () -> store)
                .withBean(DirectoryIsolation.class, DirectoryIsolation::scratchPerItem)
                .withBean(RunListener.class, () -> events::add)
                .run(context -> {
                    Prodigy prodigy = context.getBean(Prodigy.class);
                    assertThat(prodigy.checkpoints()).isSameAs(store);
                    RunResult result = prodigy.run(workflow());
                    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
                    assertThat(agentCalls.get()).isEqualTo(2);
                    assertThat(events).anyMatch(e -> e instanceof RunEvent.RunFinished);
                    // the endpoint lists the run from the application's store
                    ProdigyRunsEndpoint endpoint = context.getBean(ProdigyRunsEndpoint.class);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> runs =
                            (List<Map<String, Object>>) endpoint.runs().get("runs");
                    assertThat(runs).singleElement().satisfies(r -> {
                        assertThat(r.get("runId")).isEqualTo(result.runId());
                        assertThat(r.get("status")).isEqualTo("SUCCEEDED");
                        assertThat(r.get("workflow")).isEqualTo("spring");
                    });
                    assertThat(endpoint.run(result.runId())).containsEntry("deadLetters", List.of());
                    assertThat(endpoint.run("no-such-run")).isNull();
                    // the application's runner needs no CLI: the health is up
                    assertThat(context.getBean(ProdigyHealthIndicator.class)
                                    .health()
                                    .getStatus())
                            .isEqualTo(Status.UP);
                });
    }

    @Test
    void micrometerAndOpenTelemetryAreRegisteredWhenTheApplicationHasThem() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        runner().withPropertyValues("prodigy.isolation.mode=directory", "prodigy.metrics.percentiles=0.5,0.9")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(
                        OpenTelemetry.class,
                        () -> OpenTelemetrySdk.builder()
                                .setTracerProvider(SdkTracerProvider.builder()
                                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                                        .build())
                                .build())
                .withBean(
                        AgentRunner.class,
                        () -> request -> AgentResult.builder()
                                .success(true)
                                .costUsd(0.1)
                                .tokens(new TokenUsage(10, 5, 0, 0))
                                .build())
                .run(context -> {
                    assertThat(context).hasSingleBean(ProdigyMetrics.class).hasSingleBean(ProdigyTracing.class);
                    RunResult result = context.getBean(Prodigy.class).run(workflow());
                    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("prodigy.items.finished")
                                    .tag("workflow", "spring")
                                    .counter()
                                    .count())
                            .isEqualTo(2);
                    // the agent runner was decorated: tokens are known
                    assertThat(registry.get("prodigy.agent.tokens")
                                    .tag("kind", "input")
                                    .counter()
                                    .count())
                            .isEqualTo(20);
                    assertThat(registry.get("prodigy.dlq.size").gauge().value()).isZero();
                    assertThat(registry.get("prodigy.item.duration")
                                    .timer()
                                    .takeSnapshot()
                                    .percentileValues())
                            .hasSize(2);
                    assertThat(spans.getFinishedSpanItems())
                            .extracting(s -> s.getName())
                            .contains("run spring", "map spring", "invoke_agent claude-code");
                });
    }

    @Test
    void modulesStayOffWhenAbsentOrDisabled() {
        runner().withClassLoader(new FilteredClassLoader(ProdigyMetrics.class, ProdigyTracing.class))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(OpenTelemetry.class, OpenTelemetry::noop)
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(ProdigyMetrics.class)
                        .doesNotHaveBean(ProdigyTracing.class)
                        .hasSingleBean(Prodigy.class));
        runner().withPropertyValues("prodigy.metrics.enabled=false", "prodigy.tracing.enabled=false")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(OpenTelemetry.class, OpenTelemetry::noop)
                .run(context -> assertThat(context)
                        .doesNotHaveBean(ProdigyMetrics.class)
                        .doesNotHaveBean(ProdigyTracing.class));
    }

    @Test
    void healthIsUpWhenTheStateDirectoryGitAndTheAgentCliAreThere() throws Exception {
        ClaudeDouble claude = ClaudeDouble.install(dir.resolve("claude"));
        Files.createDirectories(dir.resolve(".git"));
        runner().withPropertyValues("prodigy.agent.claude.executable=" + claude.executable())
                .run(context -> {
                    Health health =
                            context.getBean(ProdigyHealthIndicator.class).health();
                    assertThat(health.getStatus()).as("%s", health.getDetails()).isEqualTo(Status.UP);
                    assertThat(health.getDetails())
                            .containsEntry("agent", claude.executable().toString())
                            .containsEntry("home", dir.resolve("home").toString())
                            .containsKey("runs");
                    assertThat(health.getDetails().get("git").toString()).startsWith("git version");
                });
        runner().withPropertyValues(
                        "prodigy.agent.claude.executable=" + claude.executable(),
                        "prodigy.isolation.worktree.git-executable=git-not-installed-here")
                .run(context -> assertThat(context.getBean(ProdigyHealthIndicator.class)
                                .health()
                                .getDetails()
                                .get("problem")
                                .toString())
                        .contains("git-not-installed-here"));
    }

    @Test
    void closingTheContextWaitsForRunsGoingOnBeforeClosingTheStores() {
        java.util.concurrent.CountDownLatch agentStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong finishedAt = new java.util.concurrent.atomic.AtomicLong();
        runner().withPropertyValues("prodigy.isolation.mode=directory")
                .withBean(AgentRunner.class, () -> request -> {
                    agentStarted.countDown();
                    release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    return AgentResult.success("ok");
                })
                .withBean(RunListener.class, () -> event -> {
                    if (event instanceof RunEvent.RunFinished) {
                        finishedAt.set(System.nanoTime());
                    }
                })
                .run(context -> {
                    Prodigy prodigy = context.getBean(Prodigy.class);
                    var handle = prodigy.start(workflow());
                    assertThat(agentStarted.await(20, java.util.concurrent.TimeUnit.SECONDS))
                            .isTrue();
                    assertThat(context.getBean(ProdigyActiveRuns.class).runIds())
                            .containsExactly(handle.runId());
                    @SuppressWarnings("unchecked")
                    List<String> active = (List<String>)
                            context.getBean(ProdigyRunsEndpoint.class).runs().get("active");
                    assertThat(active).containsExactly(handle.runId());
                    Thread releaser = new Thread(() -> {
                        try {
                            Thread.sleep(300); // the context is closing meanwhile
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        release.countDown();
                    });
                    releaser.start();
                    context.close();
                    long closedAt = System.nanoTime();
                    assertThat(finishedAt.get())
                            .as("the run ended before the stores were closed")
                            .isNotZero()
                            .isLessThanOrEqualTo(closedAt);
                    assertThat(handle.await().status()).isEqualTo(RunStatus.SUCCEEDED);
                    releaser.join();
                });
    }
}
