package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's policies across workers, with a real coordinator engine, real git and several workers on Temporal's
 * in-process test server: {@code max_parallel}, the budget, throttling, cancel and a dead worker.
 */
class TemporalPoliciesTest {
    @TempDir
    Path tmp;

    private static Workflow workflow(List<Object> items, int maxParallel) {
        return Workflow.mapReduce("policies")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(maxParallel)
                        .agentTemplate(Step.agent("work ${item}").build()))
                .build();
    }

    @Test
    void maxParallelBoundsTheAgentsRunningOverEveryWorker() throws Exception {
        List<Object> items = List.of("a", "b", "c", "d");
        Workflow wf = workflow(items, 2);
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 0.01, (request, item, call) -> {
                // the agent works a moment, so that agents overlap and a third one at once would show
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                Object lock = new Object();
                while (System.nanoTime() < until) {
                    synchronized (lock) {
                        lock.wait(10);
                    }
                }
                return null;
            });
            // three workers with two slots each: six agents could run, the run allows two
            cluster.worker("w1", 2, wf, agent);
            cluster.worker("w2", 2, wf, agent);
            cluster.worker("w3", 2, wf, agent);
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());

            RunResult result = coordinator.run(wf);

            assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(agent.mostAtOnce.get())
                    .as("agents at once over all workers")
                    .isEqualTo(2);
            cluster.assertEachOnMainOnce(items);
        }
    }

    @Test
    void theBudgetPausesDispatchAndRaisingItOnResumeFinishesTheRun() throws Exception {
        List<Object> items = List.of("a", "b", "c", "d", "e");
        Workflow wf = workflow(items, 1);
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 1.0, null); // each item costs $1
            cluster.worker("w1", 2, wf, agent);
            cluster.worker("w2", 2, wf, agent);
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());

            RunResult paused =
                    coordinator.run(wf, RunOptions.builder().budgetUsd(2.0).build());

            assertThat(paused.status()).as(paused.toString()).isEqualTo(RunStatus.PAUSED);
            assertThat(paused.items()).extracting(ItemResult::status).doesNotContain(ItemStatus.FAILED);
            int ranBefore = agent.log.size();
            assertThat(ranBefore).as("dispatch stopped at the budget").isBetween(2, 3);
            // the items that ran are merged and journaled: their refs went; the base ref stays for the resume
            assertThat(cluster.git(cluster.repo, "for-each-ref", "refs/prodigy/"))
                    .isEmpty();
            assertThat(cluster.git(cluster.repo, "for-each-ref", "--format=%(refname)", "refs/prodigy-base/"))
                    .isEqualTo("refs/prodigy-base/" + Git.refSafe(paused.runId()));

            RunResult resumed = coordinator.resume(paused.runId(), wf, new ResumeOptions(false, false, 100.0));

            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(agent.log).as("no item ran twice").hasSize(items.size());
            cluster.assertEachOnMainOnce(items);
            assertThat(cluster.git(cluster.repo, "for-each-ref", "refs/prodigy/", "refs/prodigy-base/"))
                    .isEmpty();
        }
    }

    @Test
    void aRateLimitedAttemptWaitsTheReportedDelayAndDoesNotCountAsAnAttempt() throws Exception {
        Workflow wf = workflow(List.of("a"), 1);
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(
                    cluster.gitEnv,
                    0.1,
                    (request, item, call) -> call > 1
                            ? null
                            : AgentResult.builder()
                                    .success(false)
                                    .errorKind(ErrorKind.RATE_LIMITED)
                                    .errorMessage("429 Too Many Requests")
                                    .retryAfter(Instant.now().plusMillis(1500))
                                    .build());
            cluster.worker("w1", 1, wf, agent);
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());

            RunResult result = coordinator.run(wf);

            assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.items().get(0).attempts())
                    .as("the throttled run is not an attempt")
                    .isEqualTo(1);
            assertThat(agent.log).hasSize(2);
            long first =
                    Long.parseLong(agent.log.get(0).substring(agent.log.get(0).indexOf('@') + 1));
            long second =
                    Long.parseLong(agent.log.get(1).substring(agent.log.get(1).indexOf('@') + 1));
            assertThat(TimeUnit.NANOSECONDS.toMillis(second - first))
                    .as("waited the reported delay")
                    .isGreaterThanOrEqualTo(1400);
            cluster.assertEachOnMainOnce(List.of("a"));
        }
    }

    @Test
    void cancellingTheRunStopsTheAgentsOnEveryWorker() throws Exception {
        Workflow wf = workflow(List.of("a", "b"), 2);
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            CountDownLatch stopped = new CountDownLatch(2);
            ScriptedAgent.Script waitForever = (request, item, call) -> {
                try {
                    new CountDownLatch(1).await();
                    return null;
                } catch (InterruptedException e) {
                    stopped.countDown();
                    throw e;
                }
            };
            ScriptedAgent onW1 = new ScriptedAgent(cluster.gitEnv, 0.1, waitForever);
            ScriptedAgent onW2 = new ScriptedAgent(cluster.gitEnv, 0.1, waitForever);
            cluster.worker("w1", 1, wf, onW1);
            cluster.worker("w2", 1, wf, onW2);
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());
            RunHandle run = coordinator.start(wf, RunOptions.DEFAULT);
            InProcessCluster.await(
                    "an agent runs on each worker", () -> onW1.running.get() == 1 && onW2.running.get() == 1);

            run.cancel();
            RunResult result = run.await();

            assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(stopped.await(60, TimeUnit.SECONDS))
                    .as("both agents were stopped")
                    .isTrue();
            assertThat(cluster.subjectsOnMain()).noneMatch(s -> s.startsWith("item "));
        }
    }

    @Test
    void anItemOfAWorkerThatWentSilentIsRetriedElsewhereAfterTheHeartbeatTimeout() throws Exception {
        Workflow wf = workflow(List.of("a"), 1);
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            CountDownLatch taken = new CountDownLatch(1);
            cluster.deadWorker("dead", taken);
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());
            RunHandle run = coordinator.start(wf, RunOptions.DEFAULT);
            assertThat(taken.await(60, TimeUnit.SECONDS))
                    .as("the silent worker took the item")
                    .isTrue();
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 0.1, null);
            cluster.worker("w2", 1, wf, agent);

            RunResult result = run.await();

            assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.items().get(0).attempts())
                    .as("dispatches of the item")
                    .isGreaterThanOrEqualTo(2);
            assertThat(agent.log).hasSize(1);
            cluster.assertEachOnMainOnce(List.of("a"));
        }
    }
}
