package io.prodigy.core.internal.engine;

import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.MapExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * What an engine instance gives every run it launches: the stores, the agent runner, the isolation, the listeners,
 * where it works, and its limits. Built once by the facade from its builder's settings, defaults resolved.
 *
 * @param agentRunner runs agent steps, or null (agent steps then fail)
 * @param isolation gives runs and items their workspaces
 * @param isolationChosen whether the host chose the isolation (the default refuses to share a directory in parallel)
 * @param checkpoints run records and journals
 * @param dlq the Dead Letter Queue
 * @param listeners the run listeners, in order
 * @param projectDirectory the project directory, absolute and normalized
 * @param home the engine's state directory
 * @param executor the host's executor for map items, or null for a pool per map phase
 * @param mapExecutor where map item attempts run
 * @param clock the clock
 * @param throttleDelay the first wait after a rate limit without a retry-after time
 * @param handleSignals whether a JVM shutdown cancels running runs (a hook installed on the first run)
 * @param shutdownGrace how long that hook waits for the runs to record their state
 * @param afterShutdown what that hook does last (closing the engine's own stores)
 */
public record EngineSettings(
        AgentRunner agentRunner,
        IsolationStrategy isolation,
        boolean isolationChosen,
        CheckpointStore checkpoints,
        DlqStore dlq,
        List<RunListener> listeners,
        Path projectDirectory,
        Path home,
        ExecutorService executor,
        MapExecutor mapExecutor,
        Clock clock,
        Duration throttleDelay,
        boolean handleSignals,
        Duration shutdownGrace,
        Runnable afterShutdown) {
    /** Copies the listeners and checks that nothing required is null. */
    public EngineSettings {
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(dlq, "dlq");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(projectDirectory, "projectDirectory");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(mapExecutor, "mapExecutor");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(throttleDelay, "throttleDelay");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(afterShutdown, "afterShutdown");
    }

    /** @return a builder; the isolation, stores, directories, clock and limits must be set */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link EngineSettings}; see the record's components for what each setting means. */
    public static final class Builder {
        private AgentRunner agentRunner;
        private IsolationStrategy isolation;
        private boolean isolationChosen;
        private CheckpointStore checkpoints;
        private DlqStore dlq;
        private final List<RunListener> listeners = new ArrayList<>();
        private Path projectDirectory;
        private Path home;
        private ExecutorService executor;
        private MapExecutor mapExecutor = MapExecutor.LOCAL;
        private Clock clock;
        private Duration throttleDelay;
        private boolean handleSignals;
        private Duration shutdownGrace;
        private Runnable afterShutdown = () -> {};

        private Builder() {}

        /** @param runner the agent runner, or null @return this */
        public Builder agentRunner(AgentRunner runner) {
            this.agentRunner = runner;
            return this;
        }

        /** @param strategy the isolation @param chosen whether the host chose it @return this */
        public Builder isolation(IsolationStrategy strategy, boolean chosen) {
            this.isolation = strategy;
            this.isolationChosen = chosen;
            return this;
        }

        /** @param checkpointStore the checkpoint store @param dlqStore the DLQ store @return this */
        public Builder stores(CheckpointStore checkpointStore, DlqStore dlqStore) {
            this.checkpoints = checkpointStore;
            this.dlq = dlqStore;
            return this;
        }

        /** @param all the run listeners, in order @return this */
        public Builder listeners(List<RunListener> all) {
            this.listeners.addAll(all);
            return this;
        }

        /** @param project the project directory @param stateHome the engine's state directory @return this */
        public Builder directories(Path project, Path stateHome) {
            this.projectDirectory = project;
            this.home = stateHome;
            return this;
        }

        /** @param hostExecutor the host's executor, or null @param map where attempts run @return this */
        public Builder executors(ExecutorService hostExecutor, MapExecutor map) {
            this.executor = hostExecutor;
            this.mapExecutor = map;
            return this;
        }

        /** @param c the clock @param throttle the first throttle wait @return this */
        public Builder timing(Clock c, Duration throttle) {
            this.clock = c;
            this.throttleDelay = throttle;
            return this;
        }

        /**
         * @param handle whether a JVM shutdown cancels running runs
         * @param grace how long the shutdown waits for them
         * @param last what the shutdown does last
         * @return this
         */
        public Builder shutdown(boolean handle, Duration grace, Runnable last) {
            this.handleSignals = handle;
            this.shutdownGrace = grace;
            this.afterShutdown = last;
            return this;
        }

        /**
         * @return the settings
         * @throws NullPointerException if a required setting is missing
         */
        public EngineSettings build() {
            return new EngineSettings(
                    agentRunner,
                    isolation,
                    isolationChosen,
                    checkpoints,
                    dlq,
                    listeners,
                    projectDirectory,
                    home,
                    executor,
                    mapExecutor,
                    clock,
                    throttleDelay,
                    handleSignals,
                    shutdownGrace,
                    afterShutdown);
        }
    }
}
