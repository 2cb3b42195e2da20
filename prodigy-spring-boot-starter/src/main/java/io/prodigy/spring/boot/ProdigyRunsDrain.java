package io.prodigy.spring.boot;

import io.prodigy.core.Prodigy;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Destroyed before the {@link Prodigy} bean it depends on: waits for the runs going on to end (up to the shutdown
 * grace) so that the engine's stores are not closed under them.
 */
final class ProdigyRunsDrain implements DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(ProdigyRunsDrain.class);

    private final Prodigy prodigy;
    private final ProdigyActiveRuns runs;
    private final Duration grace;

    ProdigyRunsDrain(Prodigy prodigy, ProdigyActiveRuns runs, Duration grace) {
        this.prodigy = prodigy;
        this.runs = runs;
        this.grace = grace;
    }

    @Override
    public void destroy() throws InterruptedException {
        if (!runs.awaitNone(grace)) {
            LOG.warn(
                    "closing Prodigy (home {}) while runs {} are still going on after {}; resume them later",
                    prodigy.home(),
                    runs.runIds(),
                    grace);
        }
    }
}
