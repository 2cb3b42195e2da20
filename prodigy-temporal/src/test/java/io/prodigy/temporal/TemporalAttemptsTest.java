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
    void aRetryAfterAMergeConflictRunsTheAgentAgainAndItsWorkReachesMainOnce() throws Exception {
        List<Object> items = List.of("a", "b");
        Workflow wf = Workflow.mapReduce("conflict-retry")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(1)
                        .agentTemplate(Step.agent("work ${item}").build()))
                .errorPolicy(ErrorPolicy.builder()
                        .onItemFailure(ItemFailureAction.RETRY)
                        .itemRetry(RetryPolicy.builder()
                                .maxAttempts(2)
                                .initialDelay(Duration.ofMillis(10))
                                .jitter(false)
                                .build()))
                .build();
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 0.1, (request, item, call) -> {
                if (call > 1) {
                    return null; // the default work: item-<item>.txt, committed as "item <item>"
                }
                // both items' first attempts add shared.txt: the second one merged conflicts with the first
                Path ws = request.workspace();
                try {
                    Files.writeString(ws.resolve("shared.txt"), item + "\n");
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
            Prodigy coordinator = cluster.coordinator(cluster.executor().build());

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
            cluster.assertEachOnMainOnce(items);
            assertThat(cluster.git(cluster.repo, "show", "main:shared.txt")).isEqualTo(other);
            assertThat(cluster.git(cluster.repo, "show", "main:item-" + conflicted + ".txt"))
                    .isEqualTo(conflicted);
            // one ref per engine attempt, none a prefix folder of another
            String run = "refs/prodigy/" + Git.refSafe(result.runId()) + "/";
            assertThat(cluster.git(cluster.repo, "for-each-ref", "--format=%(refname)", "refs/prodigy/")
                            .lines()
                            .toList())
                    .containsExactlyInAnyOrder(
                            run + Git.refSafe(once.itemId()) + "@1",
                            run + Git.refSafe(conflictedId) + "@1",
                            run + Git.refSafe(conflictedId) + "@2");
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
            // the reprocess was attempt 2: a workflow of its own, not attempt 1's finished one re-attached
            String run = "refs/prodigy/" + Git.refSafe(first.runId()) + "/";
            assertThat(cluster.git(cluster.repo, "for-each-ref", "--format=%(refname)", "refs/prodigy/")
                            .lines()
                            .toList())
                    .containsExactlyInAnyOrder(
                            run + Git.refSafe(a.itemId()) + "@1", run + Git.refSafe(failed.itemId()) + "@2");
        }
    }
}
