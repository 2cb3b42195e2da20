package io.prodigy.spring.boot;

import io.prodigy.api.spi.AgentRunner;

/**
 * Wraps the agent runner of the auto-configured {@link io.prodigy.core.Prodigy}; the metrics and tracing modules
 * contribute one each, and an application may add its own beans (applied in {@code @Order}).
 */
@FunctionalInterface
public interface AgentRunnerDecorator {
    /**
     * @param runner the runner so far
     * @return a runner that delegates to it
     */
    AgentRunner decorate(AgentRunner runner);
}
