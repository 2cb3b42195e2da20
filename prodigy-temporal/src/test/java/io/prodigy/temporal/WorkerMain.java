package io.prodigy.temporal;

import io.prodigy.core.Prodigy;
import java.nio.file.Path;
import java.time.Duration;

/** A worker JVM for the cluster tests: {@code WorkerMain TARGET CACHE_DIR MAX_AGENTS}. */
public final class WorkerMain {
    private WorkerMain() {}

    /**
     * @param args target, cache directory, agents at once
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[1]);
        Prodigy prodigy = Prodigy.builder()
                .workingDirectory(cache)
                .home(cache.resolve("prodigy-home"))
                .eventLog(false)
                .build();
        TemporalWorkerHost host = TemporalWorkerHost.builder()
                .target(args[0])
                .cacheDir(cache)
                .maxAgents(Integer.parseInt(args[2]))
                .prodigy(prodigy)
                .workflows(WorkflowResolver.of(ClusterWorkflow.create()))
                .identity(System.getenv("WORKER_NAME"))
                .stickyQueueScheduleToStartTimeout(Duration.ZERO)
                .build();
        host.start();
        System.out.println("WORKER_READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
