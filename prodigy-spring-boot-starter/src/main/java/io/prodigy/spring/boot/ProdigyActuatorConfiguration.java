package io.prodigy.spring.boot;

import io.prodigy.core.Prodigy;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The health indicator and the runs endpoint, each when its part of Spring Boot's actuator is present. */
@Configuration(proxyBeanMethods = false)
public class ProdigyActuatorConfiguration {
    /** Creates the configuration; Spring calls it. */
    public ProdigyActuatorConfiguration() {}

    /** The {@code prodigy} health indicator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    public static class Health {
        /** Creates the configuration; Spring calls it. */
        public Health() {}

        /**
         * @param prodigy the engine
         * @param properties the settings
         * @return the health indicator (bean name {@code prodigyHealthIndicator}, shown as {@code prodigy})
         */
        @Bean
        @ConditionalOnMissingBean(name = "prodigyHealthIndicator")
        public ProdigyHealthIndicator prodigyHealthIndicator(Prodigy prodigy, ProdigyProperties properties) {
            return new ProdigyHealthIndicator(prodigy, properties);
        }
    }

    /** The {@code prodigy} actuator endpoint. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    public static class Runs {
        /** Creates the configuration; Spring calls it. */
        public Runs() {}

        /**
         * @param prodigy the engine
         * @param active the runs going on
         * @return the endpoint listing runs
         */
        @Bean
        @ConditionalOnMissingBean
        public ProdigyRunsEndpoint prodigyRunsEndpoint(Prodigy prodigy, ProdigyActiveRuns active) {
            return new ProdigyRunsEndpoint(prodigy, active);
        }
    }
}
