package io.prodigy.spring.boot;

import io.opentelemetry.api.OpenTelemetry;
import io.prodigy.opentelemetry.ProdigyTracing;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Traces runs with the application's {@link OpenTelemetry} when {@code prodigy-opentelemetry} is on the class path
 * ({@code prodigy.tracing.enabled=false} turns it off).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ProdigyTracing.class, OpenTelemetry.class})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnProperty(prefix = "prodigy.tracing", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ProdigyTracingConfiguration {
    /** Creates the configuration; Spring calls it. */
    public ProdigyTracingConfiguration() {}

    /**
     * @param openTelemetry the application's OpenTelemetry
     * @param properties the settings
     * @return the tracing listener (picked up as a RunListener)
     */
    @Bean
    @ConditionalOnMissingBean
    public ProdigyTracing prodigyTracing(OpenTelemetry openTelemetry, ProdigyProperties properties) {
        ProdigyTracing.Builder b = ProdigyTracing.builder(openTelemetry)
                .propagateToAgents(properties.getTracing().isPropagateToAgents());
        if (properties.getAgent().getType() == ProdigyProperties.AgentType.CLAUDE) {
            b.agentModel(properties.getAgent().getClaude().getModel());
        } else if (properties.getAgent().getCommand().getName() != null) {
            b.agentName(properties.getAgent().getCommand().getName());
        }
        properties.getTracing().getAgentEnvironment().forEach(b::agentEnvironment);
        return b.build();
    }

    /**
     * @param tracing the tracing
     * @return a decorator that makes each agent invocation a GenAI client span
     */
    @Bean
    public AgentRunnerDecorator prodigyTracingAgentRunnerDecorator(ProdigyTracing tracing) {
        return tracing::instrument;
    }
}
