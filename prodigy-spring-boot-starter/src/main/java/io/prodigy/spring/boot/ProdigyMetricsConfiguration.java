package io.prodigy.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.prodigy.core.Prodigy;
import io.prodigy.micrometer.ProdigyMetrics;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Records runs in the application's {@link MeterRegistry} when {@code prodigy-micrometer} is on the class path
 * ({@code prodigy.metrics.enabled=false} turns it off).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ProdigyMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "prodigy.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ProdigyMetricsConfiguration {
    /** Creates the configuration; Spring calls it. */
    public ProdigyMetricsConfiguration() {}

    /**
     * @param registry the application's registry
     * @param properties the settings
     * @return the metrics listener (picked up as a RunListener)
     */
    @Bean
    @ConditionalOnMissingBean
    public ProdigyMetrics prodigyMetrics(MeterRegistry registry, ProdigyProperties properties) {
        double[] percentiles = properties.getMetrics().getPercentiles().stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
        return ProdigyMetrics.builder(registry)
                .percentiles(percentiles)
                .percentileHistogram(properties.getMetrics().isPercentileHistogram())
                .build();
    }

    /**
     * @param metrics the metrics
     * @return a decorator that times agents and counts their cost and tokens
     */
    @Bean
    public AgentRunnerDecorator prodigyMetricsAgentRunnerDecorator(ProdigyMetrics metrics) {
        return metrics::instrument;
    }

    /**
     * @param metrics the metrics
     * @param prodigy the engine
     * @return binds the {@code prodigy.dlq.size} gauge to the engine's Dead Letter Queue once beans are ready
     */
    @Bean
    public SmartInitializingSingleton prodigyDlqGauge(ProdigyMetrics metrics, Prodigy prodigy) {
        return () -> metrics.bindDeadLetterQueue(prodigy.dlq());
    }
}
