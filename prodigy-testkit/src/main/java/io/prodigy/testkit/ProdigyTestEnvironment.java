package io.prodigy.testkit;

import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.InMemoryCheckpointStore;
import io.prodigy.core.InMemoryDlqStore;
import io.prodigy.core.Prodigy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a test of a workflow needs, wired into one engine and cleaned up together, in the manner of Temporal's
 * test workflow environment: a scratch {@link GitRepository} as the project, a state directory next to it, the
 * in-memory stores ({@link InMemoryCheckpointStore}, {@link InMemoryDlqStore}), a {@link RecordingListener}, and an
 * agent runner (a {@link ScriptedAgentRunner} that succeeds unless another is given).
 *
 * <pre>{@code
 * try (ProdigyTestEnvironment env = ProdigyTestEnvironment.builder().agentRunner(agent).build()) {
 *     RunResult result = env.engine().run(workflow);
 *     assertThat(env.dlq().list(result.runId())).isEmpty();
 * }
 * }</pre>
 *
 * <p>The isolation defaults to {@link DirectoryIsolation#shared()}; pass {@code WorktreeIsolation} of prodigy-git
 * (built with {@link GitRepository#environment()} as its git environment) to test worktrees and merges.
 */
public final class ProdigyTestEnvironment implements AutoCloseable {
    private final GitRepository repository;
    private final boolean ownsRepository;
    private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
    private final InMemoryDlqStore dlq = new InMemoryDlqStore();
    private final RecordingListener events = new RecordingListener();
    private final AgentRunner agentRunner;
    private final IsolationStrategy isolation;
    private final Path home;
    private final Prodigy engine;

    private ProdigyTestEnvironment(Builder b) {
        this.ownsRepository = b.repository == null;
        this.repository = ownsRepository ? GitRepository.create() : b.repository;
        this.agentRunner = b.agentRunner != null
                ? b.agentRunner
                : ScriptedAgentRunner.builder().build();
        this.isolation = b.isolation != null ? b.isolation : DirectoryIsolation.shared();
        this.home = repository.scratchDirectory("prodigy-home");
        Prodigy.Builder pb = Prodigy.builder()
                .workingDirectory(repository.directory())
                .home(home)
                .agentRunner(agentRunner)
                .isolation(isolation)
                .checkpointStore(checkpoints)
                .dlqStore(dlq)
                .listener(events);
        b.listeners.forEach(pb::listener);
        b.customizers.forEach(c -> c.accept(pb));
        this.engine = pb.build();
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return an environment with every default */
    public static ProdigyTestEnvironment create() {
        return builder().build();
    }

    /** @return the engine, working on {@link #repository()} */
    public Prodigy engine() {
        return engine;
    }

    /** @return the project the engine works on */
    public GitRepository repository() {
        return repository;
    }

    /** @return the engine's state directory ({@code PRODIGY_HOME}), deleted with the repository */
    public Path home() {
        return home;
    }

    /** @return the engine's run state */
    public InMemoryCheckpointStore checkpoints() {
        return checkpoints;
    }

    /** @return the engine's Dead Letter Queue */
    public InMemoryDlqStore dlq() {
        return dlq;
    }

    /** @return every event of the engine's runs, recorded */
    public RecordingListener events() {
        return events;
    }

    /** @return the engine's agent runner */
    public AgentRunner agentRunner() {
        return agentRunner;
    }

    /** @return the engine's isolation strategy */
    public IsolationStrategy isolation() {
        return isolation;
    }

    /** Closes the engine, then deletes the repository unless the builder was given it. Idempotent. */
    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            if (ownsRepository) {
                repository.close();
            }
        }
    }

    /** Builds a {@link ProdigyTestEnvironment}. */
    public static final class Builder {
        private GitRepository repository;
        private AgentRunner agentRunner;
        private IsolationStrategy isolation;
        private final List<RunListener> listeners = new ArrayList<>();
        private final List<Consumer<Prodigy.Builder>> customizers = new ArrayList<>();

        private Builder() {}

        /**
         * @param repo the project to work on; the test keeps ownership (the environment does not delete it).
         *             Default: a new repository, deleted with the environment
         * @return this
         */
        public Builder repository(GitRepository repo) {
            this.repository = Objects.requireNonNull(repo, "repo");
            return this;
        }

        /** @param runner runs agent steps; default a {@link ScriptedAgentRunner} that succeeds @return this */
        public Builder agentRunner(AgentRunner runner) {
            this.agentRunner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /** @param strategy the isolation; default {@link DirectoryIsolation#shared()} @return this */
        public Builder isolation(IsolationStrategy strategy) {
            this.isolation = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /** @param listener another listener, besides {@link ProdigyTestEnvironment#events()} @return this */
        public Builder listener(RunListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param customizer sets anything else on the engine's builder (a clock, an executor, the throttle delay);
         *                   it runs after the environment's own settings, so it may also replace them
         * @return this
         */
        public Builder engine(Consumer<Prodigy.Builder> customizer) {
            this.customizers.add(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /** @return the environment */
        public ProdigyTestEnvironment build() {
            return new ProdigyTestEnvironment(this);
        }
    }
}
