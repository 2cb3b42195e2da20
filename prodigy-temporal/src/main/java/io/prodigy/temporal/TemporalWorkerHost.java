package io.prodigy.temporal;

import io.prodigy.core.Prodigy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Prodigy worker: polls a Temporal task queue and runs map items' agents on this machine, at most
 * {@code maxAgents} at once, each in its own worktree of the run's base fetched from the shared remote into the
 * worker's cache. Embeddable: build it, {@link #start()}, and {@link #close()} when the host shuts down.
 */
public final class TemporalWorkerHost implements AutoCloseable {
    private final WorkflowServiceStubs stubs;
    private final WorkerFactory factory;
    private final String identity;
    private final ItemActivitiesImpl activities;

    private TemporalWorkerHost(Builder b) {
        TemporalConnection c = b.connection != null
                ? b.connection
                : TemporalConnection.builder(b.target).namespace(b.namespace).build();
        this.stubs = WorkflowServiceStubs.newServiceStubs(c.serviceStubsOptions());
        this.identity = b.identity != null
                ? b.identity
                : ManagementFactory.getRuntimeMXBean().getName();
        WorkflowClient client = WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder()
                        .setNamespace(c.namespace())
                        .setIdentity(identity)
                        .build());
        this.factory = WorkerFactory.newInstance(client);
        WorkerOptions.Builder options = WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(b.maxAgents);
        options.setStickyQueueScheduleToStartTimeout(b.stickyQueueTimeout);
        Worker worker = factory.newWorker(b.taskQueue, options.build());
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        this.activities = new ItemActivitiesImpl(
                b.prodigy,
                b.resolver,
                new WorkerCache(b.cacheDir, b.maxCachedRuns),
                identity,
                InPlacePublication::publish);
        worker.registerActivitiesImplementations(activities);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling. */
    public void start() {
        factory.start();
    }

    /** @return this worker's identity as Temporal shows it */
    public String identity() {
        return identity;
    }

    /** Stops polling, lets running items end (they are cancelled after 10 s), and closes the connection. */
    @Override
    public void close() {
        factory.shutdown();
        factory.awaitTermination(10, TimeUnit.SECONDS);
        factory.shutdownNow();
        activities.close();
        stubs.shutdown();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Builds a {@link TemporalWorkerHost}. */
    public static final class Builder {
        private TemporalConnection connection;
        private String target;
        private String namespace = "default";
        private String taskQueue = TemporalMapExecutor.DEFAULT_TASK_QUEUE;
        private int maxAgents = 2;
        private Path cacheDir;
        private int maxCachedRuns = WorkerCache.DEFAULT_MAX_RUNS;
        private Prodigy prodigy;
        private WorkflowResolver resolver;
        private String identity;
        private Duration stickyQueueTimeout = Duration.ZERO;

        private Builder() {}

        /**
         * @param c how to reach Temporal, with TLS or an API key (replaces {@link #target} and {@link #namespace})
         * @return this
         */
        public Builder connection(TemporalConnection c) {
            this.connection = Objects.requireNonNull(c, "connection");
            return this;
        }

        /** @param hostPort the Temporal frontend, {@code HOST:PORT} @return this */
        public Builder target(String hostPort) {
            this.target = Objects.requireNonNull(hostPort, "target");
            return this;
        }

        /** @param ns the namespace; default {@code default} @return this */
        public Builder namespace(String ns) {
            this.namespace = Objects.requireNonNull(ns, "namespace");
            return this;
        }

        /** @param queue the task queue; default {@code prodigy} @return this */
        public Builder taskQueue(String queue) {
            this.taskQueue = Objects.requireNonNull(queue, "taskQueue");
            return this;
        }

        /** @param n how many agents run at once on this worker; default 2 @return this */
        public Builder maxAgents(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAgents must be at least 1, got " + n);
            }
            this.maxAgents = n;
            return this;
        }

        /** @param dir the worker's git cache (repositories, worktrees) @return this */
        public Builder cacheDir(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "cacheDir");
            return this;
        }

        /**
         * @param n how many runs (MapReduce stages count apart) keep their checkout and worktrees in the cache; when
         *          one more run comes, the least recently used run without an item running is evicted: its
         *          worktrees, branches, checkout and state go (and whatever a previous worker process on the same
         *          cache left); its work is on the shared remote already. Default 8
         * @return this
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder maxCachedRuns(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxCachedRuns must be at least 1, got " + n);
            }
            this.maxCachedRuns = n;
            return this;
        }

        /** @param engine the engine that runs items' agents (its agent runner is used) @return this */
        public Builder prodigy(Prodigy engine) {
            this.prodigy = Objects.requireNonNull(engine, "prodigy");
            return this;
        }

        /** @param r how the coordinator's workflow is found here @return this */
        public Builder workflows(WorkflowResolver r) {
            this.resolver = Objects.requireNonNull(r, "workflows");
            return this;
        }

        /** @param name the identity Temporal shows; default pid@host @return this */
        public Builder identity(String name) {
            this.identity = Objects.requireNonNull(name, "identity");
            return this;
        }

        /**
         * @param timeout how long a workflow task waits on this worker's sticky queue before going back to the
         *                normal queue; {@code Duration.ZERO} turns sticky queues off (needed with the in-memory
         *                dev server, which never moves tasks off a dead worker's sticky queue). Default zero: item
         *                workflows are a handful of events, so replaying them costs less than a stuck task
         * @return this
         */
        public Builder stickyQueueScheduleToStartTimeout(Duration timeout) {
            this.stickyQueueTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** @return the host, not yet started @throws NullPointerException if target (or connection), cacheDir, prodigy or workflows is
         *     missing */
        public TemporalWorkerHost build() {
            if (connection == null) {
                Objects.requireNonNull(target, "target");
            }
            Objects.requireNonNull(cacheDir, "cacheDir");
            Objects.requireNonNull(prodigy, "prodigy");
            Objects.requireNonNull(resolver, "workflows");
            return new TemporalWorkerHost(this);
        }
    }
}
