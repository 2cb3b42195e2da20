package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's heartbeats carry the item's progress, and the coordinator reports it to the run's listeners. */
class WorkerProgressTest {
    @TempDir
    Path tmp;

    @Test
    void heartbeatsCarryTheCurrentStepAndTheCostSoFarToTheCoordinator() throws Exception {
        Workflow wf = Workflow.mapReduce("progress")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of("alpha")))
                        .agentTemplate(
                                Step.agent("plan ${item}").build(),
                                Step.agent("work ${item}").build()))
                .build();
        CountDownLatch release = new CountDownLatch(1);
        try (InProcessCluster cluster = new InProcessCluster(tmp)) {
            ScriptedAgent agent = new ScriptedAgent(cluster.gitEnv, 0.25, (request, item, call) -> {
                if (request.command().startsWith("plan")) {
                    request.activity()
                            .accept(new AgentActivity(
                                    "usage", "1 in / 2 out tokens, $0.1000", Map.of("cost_usd", "0.1")));
                    return io.prodigy.api.spi.AgentResult.builder()
                            .success(true)
                            .costUsd(0.1)
                            .output("planned")
                            .build();
                }
                request.activity().accept(new AgentActivity("usage", "partial", Map.of("cost_usd", "0.15")));
                request.activity().accept(new AgentActivity("tool_use", "Edit item-alpha.txt", Map.of()));
                release.await();
                return null;
            });
            cluster.worker("w1", 2, wf, agent);
            TemporalMapExecutor executor = cluster.executor().build();
            Prodigy coordinator = cluster.coordinator(executor);
            RunHandle run = coordinator.start(wf, RunOptions.DEFAULT);

            InProcessCluster.await(
                    "the coordinator reported the second step with its cost so far",
                    () -> progress(cluster).stream()
                            .anyMatch(a -> "claude: work ${item}".equals(a.step())
                                    && "0.250000".equals(a.details().get("cost_usd"))));
            RunEvent.AgentActivity seen = progress(cluster).stream()
                    .filter(a -> "claude: work ${item}".equals(a.step()))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(seen.details())
                    .containsEntry("worker", "w1")
                    .containsEntry("step_index", "1")
                    .containsEntry("steps_done", "1");
            assertThat(seen.summary())
                    .contains("on w1", "step 2 claude: work ${item}", "$0.2500 so far", "Edit item-alpha.txt");
            assertThat(seen.itemId()).isNotNull();

            // the details are on the server, where `temporal workflow describe` shows them too
            var service = cluster.env.getWorkflowServiceStubs().blockingStub();
            String workflowId = service.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
                            .setNamespace(cluster.env.getNamespace())
                            .build())
                    .getExecutions(0)
                    .getExecution()
                    .getWorkflowId();
            PendingActivityInfo pending = service.describeWorkflowExecution(
                            DescribeWorkflowExecutionRequest.newBuilder()
                                    .setNamespace(cluster.env.getNamespace())
                                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                                    .build())
                    .getPendingActivities(0);
            ItemHeartbeat beat = cluster.env
                    .getWorkflowClient()
                    .getOptions()
                    .getDataConverter()
                    .fromPayloads(
                            0, Optional.of(pending.getHeartbeatDetails()), ItemHeartbeat.class, ItemHeartbeat.class);
            assertThat(beat.worker()).isEqualTo("w1");
            assertThat(beat.step()).isEqualTo("claude: work ${item}");
            assertThat(beat.costUsd()).isEqualTo(0.25, org.assertj.core.data.Offset.offset(1e-9));

            release.countDown();
            RunResult result = run.await();
            assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.items().get(0).costUsd()).isEqualTo(0.35, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(cluster.events)
                    .filteredOn(e -> e instanceof RunEvent.AgentActivity a && "usage".equals(a.type()))
                    .as("progress is not counted as usage")
                    .isEmpty();
            cluster.assertEachOnMainOnce(List.of("alpha"));
        }
    }

    private static List<RunEvent.AgentActivity> progress(InProcessCluster cluster) {
        synchronized (cluster.events) {
            return cluster.events.stream()
                    .filter(e -> e instanceof RunEvent.AgentActivity)
                    .map(e -> (RunEvent.AgentActivity) e)
                    .filter(a -> ItemHeartbeat.ACTIVITY_TYPE.equals(a.type()))
                    .toList();
        }
    }
}
