package io.prodigy.spring.boot;

import io.prodigy.api.RunOptions;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.core.Prodigy;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures a {@link Prodigy} bean from {@code prodigy.*} properties ({@link ProdigyProperties}).
 *
 * <p>The application's own beans take precedence: an {@link AgentRunner} replaces the runner the properties
 * describe (Claude Code by default), an {@link IsolationStrategy} the isolation ({@code auto}: git worktrees in a
 * git repository, else the directory), a {@link CheckpointStore} or {@link DlqStore} the file stores under
 * {@code prodigy.home}; every {@link RunListener} bean receives the events, and every {@link AgentRunnerDecorator}
 * wraps the runner. A {@link RunOptions} bean carries {@code prodigy.max-parallel} and {@code prodigy.budget-usd}
 * for {@code prodigy.run(workflow, options)}. Metrics, tracing, the health indicator and the runs endpoint come
 * from the configurations imported here, each only when its classes and beans are present.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"
        })
@EnableConfigurationProperties(ProdigyProperties.class)
@Import({ProdigyMetricsConfiguration.class, ProdigyTracingConfiguration.class, ProdigyActuatorConfiguration.class})
public class ProdigyAutoConfiguration {
    /** Creates the configuration; Spring calls it. */
    public ProdigyAutoConfiguration() {}

    /**
     * @param properties the settings
     * @param runners the application's agent runner, if any
     * @param decorators wrappers of the runner, in order
     * @param isolation the application's isolation strategy, if any
     * @param checkpoints the application's checkpoint store, if any
     * @param dlq the application's Dead Letter Queue, if any
     * @param listeners every run listener bean, in order
     * @return the engine; closed with the context (the default stores are synced)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Prodigy prodigy(
            ProdigyProperties properties,
            ObjectProvider<AgentRunner> runners,
            ObjectProvider<AgentRunnerDecorator> decorators,
            ObjectProvider<IsolationStrategy> isolation,
            ObjectProvider<CheckpointStore> checkpoints,
            ObjectProvider<DlqStore> dlq,
            ObjectProvider<RunListener> listeners) {
        Path workingDirectory =
                properties.getWorkingDirectory() != null ? properties.getWorkingDirectory() : Path.of("");
        Path home = home(properties);
        AgentRunner runner = runners.getIfAvailable(() -> ProdigyComponents.agentRunner(properties.getAgent()));
        if (runner != null) {
            for (AgentRunnerDecorator d : decorators.orderedStream().toList()) {
                runner = d.decorate(runner);
            }
        }
        Prodigy.Builder b = Prodigy.builder()
                .workingDirectory(workingDirectory)
                .home(home)
                .eventLog(properties.isEventLog())
                .handleSignals(properties.isHandleSignals())
                .shutdownGrace(properties.getShutdownGrace())
                .throttleDelay(properties.getThrottleDelay());
        if (runner != null) {
            b.agentRunner(runner);
        }
        IsolationStrategy strategy =
                isolation.getIfAvailable(() -> ProdigyComponents.isolation(properties, workingDirectory, home));
        if (strategy != null) {
            b.isolation(strategy);
        }
        checkpoints.ifAvailable(b::checkpointStore);
        dlq.ifAvailable(b::dlqStore);
        listeners.orderedStream().forEach(b::listener);
        return b.build();
    }

    /** @return the runs going on now (a listener of the auto-configured engine) */
    @Bean
    @ConditionalOnMissingBean
    public ProdigyActiveRuns prodigyActiveRuns() {
        return new ProdigyActiveRuns();
    }

    /**
     * @param prodigy the engine
     * @param runs the runs going on
     * @param properties the settings
     * @return a bean whose destruction, before the engine's, waits for runs to end (up to
     *         {@code prodigy.shutdown-grace})
     */
    @Bean
    ProdigyRunsDrain prodigyRunsDrain(Prodigy prodigy, ProdigyActiveRuns runs, ProdigyProperties properties) {
        return new ProdigyRunsDrain(prodigy, runs, properties.getShutdownGrace());
    }

    /**
     * @param properties the settings
     * @return run options with {@code prodigy.max-parallel} and {@code prodigy.budget-usd}
     */
    @Bean
    @ConditionalOnMissingBean
    public RunOptions prodigyRunOptions(ProdigyProperties properties) {
        return RunOptions.builder()
                .maxParallel(properties.getMaxParallel())
                .budgetUsd(properties.getBudgetUsd())
                .build();
    }

    /** @return {@code prodigy.home}, else {@code $PRODIGY_HOME}, else {@code ~/.prodigy} */
    static Path home(ProdigyProperties properties) {
        if (properties.getHome() != null) {
            return properties.getHome().toAbsolutePath().normalize();
        }
        String env = System.getenv("PRODIGY_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".prodigy")
                .toAbsolutePath()
                .normalize();
    }
}
