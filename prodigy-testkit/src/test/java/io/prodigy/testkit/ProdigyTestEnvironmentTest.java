package io.prodigy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.git.WorktreeIsolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GitRepositoryExtension.class)
class ProdigyTestEnvironmentTest {

    private static Workflow fixEach(int maxParallel, String... ids) {
        List<Map<String, String>> items =
                java.util.Arrays.stream(ids).map(id -> Map.of("id", id)).toList();
        return Workflow.mapReduce("fix-each")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .idField("id")
                        .maxParallel(maxParallel)
                        .agentTemplate(Step.agent("/fix ${item.id}")))
                .build();
    }

    private static WorktreeIsolation worktrees(GitRepository repo) {
        WorktreeIsolation.Builder b = WorktreeIsolation.builder().prodigyHome(repo.scratchDirectory("worktrees"));
        repo.environment().forEach(b::gitEnvironment);
        return b.build();
    }

    @Test
    void aMapReduceRunInWorktreesWithAScriptedAgent(GitRepository repo) {
        ScriptedAgentRunner agent = ScriptedAgentRunner.builder()
                .forItem("a", AgentReply.succeed("fixed a").committing("a.txt", "a\n", "fix a"))
                .forItem("b", AgentReply.fail(ErrorKind.COMMAND_FAILED, "cannot fix b"))
                .forItem("c", AgentReply.succeed("fixed c").committing("c.txt", "c\n", "fix c"))
                .build();
        try (ProdigyTestEnvironment env = ProdigyTestEnvironment.builder()
                .repository(repo)
                .agentRunner(agent)
                .isolation(worktrees(repo))
                .build()) {
            RunResult result = env.engine().run(fixEach(3, "a", "b", "c"));

            assertThat(result.summary().succeeded()).isEqualTo(2);
            assertThat(env.dlq().list(result.runId()))
                    .extracting(e -> e.itemId())
                    .containsExactly("b");
            assertThat(env.dlq()
                            .find(result.runId(), "b")
                            .orElseThrow()
                            .lastAttempt()
                            .message())
                    .contains("cannot fix b");
            assertThat(env.checkpoints().findRun(result.runId())).isPresent();
            assertThat(env.events().events(RunEvent.ItemFinished.class)).hasSize(3);
            assertThat(env.events().first(RunEvent.RunFinished.class)).isPresent();
            assertThat(agent.requests())
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(r.workspace()).isNotEqualTo(repo.directory()));
            assertThat(agent.maxConcurrency()).isBetween(1, 3);
            assertThat(repo.countCommitsWithSubject("main", "fix a")).isEqualTo(1);
            assertThat(repo.countCommitsWithSubject("main", "fix c")).isEqualTo(1);
            assertThat(repo.countCommitsWithSubject("main", "fix b")).isZero();
            assertThat(repo.read("a.txt")).isEqualTo("a\n");
        }
        assertThat(repo.directory())
                .as("a repository the test owns is not deleted")
                .isDirectory();
    }

    @Test
    void maxParallelBoundsTheAgentsInFlight() throws Exception {
        Gate gate = Gate.closed();
        ScriptedAgentRunner agent =
                ScriptedAgentRunner.always(AgentReply.succeed("ok").blockingOn(gate));
        Path dir;
        try (ProdigyTestEnvironment env =
                ProdigyTestEnvironment.builder().agentRunner(agent).build()) {
            dir = env.repository().directory();
            CompletableFuture<RunResult> run =
                    CompletableFuture.supplyAsync(() -> env.engine().run(fixEach(2, "a", "b", "c", "d")));
            agent.awaitInFlight(2, Duration.ofSeconds(60));
            env.events().await(RunEvent.ItemStarted.class, e -> true, Duration.ofSeconds(10));
            gate.open();
            RunResult result = run.get(120, TimeUnit.SECONDS);
            assertThat(result.succeeded()).as("%s", result.failure()).isTrue();
            assertThat(agent.requests()).hasSize(4);
            assertThat(agent.maxConcurrency()).isEqualTo(2);
            assertThat(env.events().count(RunEvent.ItemFinished.class)).isEqualTo(4);
        }
        assertThat(dir).as("the environment's own repository is deleted").doesNotExist();
    }

    @Test
    void aThrottledItemIsTriedAgainAfterTheThrottleDelay() {
        ScriptedAgentRunner agent = ScriptedAgentRunner.builder()
                .forItem("a", AgentReply.throttle(), AgentReply.succeed("done after the throttle"))
                .build();
        try (ProdigyTestEnvironment env = ProdigyTestEnvironment.builder()
                .agentRunner(agent)
                .engine(b -> b.throttleDelay(Duration.ofMillis(10)))
                .build()) {
            RunResult result = env.engine().run(fixEach(1, "a", "b"));

            assertThat(result.succeeded()).as("%s", result.failure()).isTrue();
            assertThat(agent.requestsFor("a")).hasSize(2);
            assertThat(agent.requestsFor("b")).hasSize(1);
            assertThat(env.events().events(RunEvent.Throttled.class))
                    .extracting(RunEvent.Throttled::itemId)
                    .containsExactly("a");
            assertThat(env.dlq().list(result.runId())).isEmpty();
        }
    }
}
