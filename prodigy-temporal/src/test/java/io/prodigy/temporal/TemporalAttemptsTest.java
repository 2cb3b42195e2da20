package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine attempts of an item on Temporal: each one has a workflow and a result ref of its own, so that a retry after
 * a merge conflict or a failure, and a DLQ reprocess of a failed item, run the agent again, and the item's work
 * reaches main once.
 */
class TemporalAttemptsTest {
    @TempDir
    Path tmp;

    @Test
    void aRetryAfterAMergeConflictStartsFromTheRunsCurrentHeadAndItsWorkReachesMainOnce() throws Exception {
        conflictRetry(false);
    }

    /** The same through git's transport (a file:// URL): workers fetch each new run head instead of reading it. */
    @Test
    void aRetryAfterAMergeConflictStartsFromTheRunsCurrentHeadOverGitsTransport() throws Exception {
        conflictRetry(true);
    }

    private void conflictRetry(boolean transport) throws Exception {
        List<Object> items = List.of("a", "b");
        Workflow wf = Workflow.mapReduce("conflict-retry")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(2)
                        .agentTemplate(Step.agent("work ${item}").build()))
                .errorPolicy(ErrorPolicy.builder()
                        .onItemFailure(ItemFailureAction.RETRY)
                        .itemRetry(RetryPolicy.builder()
                                .maxAttempts(2)
                                .initialDelay(Duration.ofMillis(10))
                                .jitter(false)
                                .build()))
                .build();
        CountDownLatch bothStarted = new CountDownLatch(2);
        Map<String, String> sharedSeenByRetry = new ConcurrentHashMap<>();
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 0.1, (request, item, call) -> {
                Path ws = request.workspace();
                try {
                    Path shared = ws.resolve("shared.txt");
                    if (call == 1) {
                        // both first attempts start at the run's base (both are in flight before either merges) and
                        // add shared.txt: the second one merged conflicts with the first
                        bothStarted.countDown();
                        bothStarted.await();
                        Files.writeString(shared, item + "\n");
                    } else {
                        // the retry starts from the run's current head, which holds the sibling's shared.txt: it
                        // appends to it, which merges cleanly there and would conflict again from the base
                        sharedSeenByRetry.put(item, Files.exists(shared) ? Files.readString(shared) : "(none)");
                        Files.writeString(
                                shared,
                                item + "\n",
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.APPEND);
                    }
                    cluster.git(ws, "add", "shared.txt");
                    cluster.git(ws, "commit", "-q", "-m", "item " + item);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return AgentResult.builder()
                        .success(true)
                        .output("did " + item)
                        .costUsd(0.1)
                        .build();
            });
            cluster.worker("w1", 1, wf, agent);
            cluster.worker("w2", 1, wf, agent);
            TemporalMapExecutor.Builder executor = cluster.executor();
            if (transport) {
                executor.remote("file://" + cluster.repo.resolve(".git"));
            }
            Prodigy coordinator = cluster.coordinator(executor.build());

            RunResult result = coordinator.run(wf);

            assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
            String conflictedId = cluster.events.stream()
                    .filter(e -> e instanceof RunEvent.ItemFailed f && f.errorKind() == ErrorKind.MERGE_CONFLICT)
                    .map(e -> ((RunEvent.ItemFailed) e).itemId())
                    .findFirst()
                    .orElseThrow();
            ItemResult retried = result.items().stream()
                    .filter(r -> r.itemId().equals(conflictedId))
                    .findFirst()
                    .orElseThrow();
            ItemResult once = result.items().stream()
                    .filter(r -> !r.itemId().equals(conflictedId))
                    .findFirst()
                    .orElseThrow();
            String conflicted = retried.itemJson().replace("\"", "");
            String other = once.itemJson().replace("\"", "");
            assertThat(agent.calls.get(conflicted).get())
                    .as("the agent ran again for attempt 2")
                    .isEqualTo(2);
            assertThat(agent.calls.get(other).get()).isEqualTo(1);
            assertThat(retried.attempts()).isEqualTo(2);
            assertThat(sharedSeenByRetry)
                    .as("attempt 2 started from the head holding the sibling's merged work")
                    .containsExactly(Map.entry(conflicted, other + "\n"));
            assertThat(cluster.git(cluster.repo, "show", "main:shared.txt")).isEqualTo(other + "\n" + conflicted);
            List<String> subjects = cluster.subjectsOnMain();
            assertThat(subjects.stream().filter(("item " + other)::equals)).hasSize(1);
            assertThat(subjects.stream().filter(("item " + conflicted)::equals))
                    .as("only attempt 2's commit of the conflicted item reached main")
                    .hasSize(1);
            // every attempt settled: no item ref and no base ref of the run is left on the remote
            assertThat(cluster.git(cluster.repo, "for-each-ref", "refs/prodigy/", "refs/prodigy-base/"))
                    .isEmpty();
        }
    }

    @Test
    void reprocessingTheDeadLetterQueueRunsAFailedItemAgainAsANewAttempt() throws Exception {
        List<Object> items = List.of("a", "b");
        Workflow wf = Workflow.mapReduce("dlq-retry")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(2)
                        .agentTemplate(Step.agent("work ${item}").build()))
                .build();
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(
                    cluster.gitEnv,
                    0.1,
                    (request, item, call) -> item.equals("b") && call == 1
                            ? AgentResult.builder()
                                    .success(false)
                                    .errorKind(ErrorKind.COMMAND_FAILED)
                                    .errorMessage("the tests failed")
                                    .build()
                            : null);
            cluster.worker("w1", 2, wf, agent);
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());

            RunResult first = coordinator.run(wf);

            ItemResult failed = first.items().stream()
                    .filter(r -> r.itemJson().equals("\"b\""))
                    .findFirst()
                    .orElseThrow();
            ItemResult a = first.items().stream()
                    .filter(r -> r.itemJson().equals("\"a\""))
                    .findFirst()
                    .orElseThrow();
            assertThat(failed.status()).isEqualTo(ItemStatus.FAILED);
            assertThat(first.status()).isNotEqualTo(RunStatus.SUCCEEDED);

            Prodigy.ReprocessResult again = coordinator.reprocessDeadLetters(first.runId(), wf, ReprocessOptions.ALL);

            assertThat(again.itemIds()).containsExactly(failed.itemId());
            assertThat(again.result().items())
                    .filteredOn(r -> r.itemId().equals(failed.itemId()))
                    .extracting(ItemResult::status)
                    .containsExactly(ItemStatus.SUCCEEDED);
            assertThat(agent.calls.get("b").get())
                    .as("the reprocess ran the agent again")
                    .isEqualTo(2);
            assertThat(agent.calls.get("a").get()).isEqualTo(1);
            cluster.assertEachOnMainOnce(items);
            // the reprocess was attempt 2, a workflow of its own (not attempt 1's finished one re-attached)
            String attempt2 = TemporalMapExecutor.workflowId(io.prodigy.api.spi.MapAttempt.builder(
                            first.runId(), "dlq-retry", failed.itemId(), failed.itemJson())
                    .attempt(2)
                    .build());
            assertThat(cluster.env
                            .getWorkflowClient()
                            .newUntypedWorkflowStub(attempt2)
                            .getResult(ItemRecord.class)
                            .status())
                    .isEqualTo(ItemRecord.SUCCEEDED);
            // the refs of both runs of the stage went once every item had ended
            assertThat(cluster.git(cluster.repo, "for-each-ref", "refs/prodigy/", "refs/prodigy-base/"))
                    .isEmpty();
        }
    }

    @Test
    void theRefOfASettledAttemptLeavesTheRemoteWhileTheRunGoesOn() throws Exception {
        List<Object> items = List.of("a", "b", "c");
        Workflow wf = Workflow.mapReduce("settled-refs")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(1)
                        .agentTemplate(Step.agent("work ${item}").build()))
                .build();
        Map<String, String> seenByC = new ConcurrentHashMap<>();
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 0.1, (request, item, call) -> {
                if (item.equals("c")) {
                    try {
                        seenByC.put("items", cluster.git(cluster.repo, "for-each-ref", "refs/prodigy/"));
                        seenByC.put("base", cluster.git(cluster.repo, "for-each-ref", "refs/prodigy-base/"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return null;
            });
            cluster.worker("w1", 1, wf, agent);
            // a batch of one: each settled attempt's ref is deleted at once (by default 64 go together)
            Prodigy coordinator =
                    cluster.coordinator(cluster.executor().settledRefBatch(1).build());

            RunResult result = coordinator.run(wf);

            assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
            cluster.assertEachOnMainOnce(items);
            assertThat(seenByC.get("items"))
                    .as("the refs of a and b, merged and journaled before c was dispatched")
                    .isEmpty();
            assertThat(seenByC.get("base"))
                    .as("the run's base ref stays while items run")
                    .contains("refs/prodigy-base/" + Git.refSafe(result.runId()));
            assertThat(cluster.git(cluster.repo, "for-each-ref", "refs/prodigy/", "refs/prodigy-base/"))
                    .isEmpty();
        }
    }
}
