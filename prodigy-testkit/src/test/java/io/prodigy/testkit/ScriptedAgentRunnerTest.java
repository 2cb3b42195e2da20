package io.prodigy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedAgentRunnerTest {
    @TempDir
    Path tmp;

    private AgentRequest request(String command, String itemId, Path workspace, Duration timeout) {
        return AgentRequest.builder(command, workspace)
                .timeout(timeout)
                .runId("run-1")
                .itemId(itemId)
                .stepLabel("claude: " + command)
                .stateDirectory(tmp.resolve("state"))
                .build();
    }

    private AgentRequest request(String command, String itemId) {
        return request(command, itemId, tmp, null);
    }

    @Test
    void theFirstMatchingRuleAnswersAndEachItemGetsTheRulesRepliesInTurn() throws Exception {
        ScriptedAgentRunner agent = ScriptedAgentRunner.builder()
                .forItem("b", AgentReply.fail(ErrorKind.COMMAND_FAILED, "boom"), AgentReply.succeed("fixed b"))
                .forPrompt("/throttle", AgentReply.throttle())
                .otherwise(AgentReply.succeed("default"))
                .build();
        assertThat(agent.run(request("/fix b", "b")).errorMessage()).isEqualTo("boom");
        assertThat(agent.run(request("/fix a", "a")).output()).isEqualTo("default");
        assertThat(agent.run(request("/fix b", "b")).output()).isEqualTo("fixed b");
        assertThat(agent.run(request("/fix b", "b")).output())
                .as("the last reply repeats")
                .isEqualTo("fixed b");
        AgentResult throttled = agent.run(request("/throttle x", "x"));
        assertThat(throttled.success()).isFalse();
        assertThat(throttled.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(agent.commands()).containsExactly("/fix b", "/fix a", "/fix b", "/fix b", "/throttle x");
        assertThat(agent.requestsFor("b")).hasSize(3);
    }

    @Test
    void repliesReportCostsQuotasAndAgentsThatCannotRun() throws Exception {
        Instant reset = Instant.parse("2026-06-01T00:00:00Z");
        ScriptedAgentRunner agent = ScriptedAgentRunner.builder()
                .forItem("q", AgentReply.quotaExhausted(reset))
                .forItem("x", AgentReply.cannotRun("no agent installed"))
                .otherwise(AgentReply.succeed("ok").costing(0.25))
                .build();
        assertThat(agent.run(request("/a", "a")).costUsd()).isEqualTo(0.25);
        assertThat(agent.run(request("/q", "q")).retryAfter()).isEqualTo(reset);
        assertThatThrownBy(() -> agent.run(request("/x", "x")))
                .isInstanceOf(AgentExecutionException.class)
                .hasMessageContaining("no agent installed");
        assertThat(agent.inFlight()).isZero();
    }

    @Test
    void commitsAFileInTheWorkspace() throws Exception {
        try (GitRepository repo = GitRepository.create(tmp)) {
            ScriptedAgentRunner agent = ScriptedAgentRunner.always(AgentReply.succeed("done")
                    .writing("notes.txt", "n\n")
                    .committing("src/fix.txt", "fixed\n", "fix the bug\n\nProdigy-Item: a"));
            AgentResult r = agent.run(request("/fix", "a", repo.directory(), null));
            assertThat(r.success()).isTrue();
            assertThat(repo.read("src/fix.txt")).isEqualTo("fixed\n");
            assertThat(repo.read("notes.txt")).isEqualTo("n\n");
            assertThat(repo.isDirty()).isFalse();
            assertThat(repo.countCommitsWithTrailer("main", "Prodigy-Item", "a"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aCommitOutsideAGitWorkspaceIsAnExecutionError() {
        ScriptedAgentRunner agent =
                ScriptedAgentRunner.always(AgentReply.succeed("x").committing("f", "f", "m"));
        assertThatThrownBy(() -> agent.run(request("/fix", "a")))
                .isInstanceOf(AgentExecutionException.class)
                .hasMessageContaining("git");
    }

    @Test
    void takingLongerThanTheRequestsTimeoutAnswersTimeout() throws Exception {
        ScriptedAgentRunner agent =
                ScriptedAgentRunner.always(AgentReply.succeed("late").taking(Duration.ofMinutes(5)));
        long start = System.nanoTime();
        AgentResult r = agent.run(request("/slow", "a", tmp, Duration.ofMillis(100)));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        ScriptedAgentRunner quick =
                ScriptedAgentRunner.always(AgentReply.succeed("on time").taking(Duration.ofMillis(20)));
        assertThat(quick.run(request("/q", "a", tmp, Duration.ofSeconds(30))).output())
                .isEqualTo("on time");
    }

    @Test
    void aGateHoldsAgentsInFlightUntilOpenedAndTheMaximumConcurrencyIsReported() throws Exception {
        Gate gate = Gate.closed();
        ScriptedAgentRunner agent =
                ScriptedAgentRunner.always(AgentReply.succeed("released").blockingOn(gate));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<AgentResult>> results = new ArrayList<>();
            for (String id : List.of("a", "b", "c")) {
                results.add(pool.submit(() -> agent.run(request("/work", id))));
            }
            agent.awaitInFlight(3, Duration.ofSeconds(30));
            agent.awaitRequests(3, Duration.ofSeconds(1));
            assertThat(results).noneMatch(Future::isDone);
            gate.open();
            for (Future<AgentResult> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS).output()).isEqualTo("released");
            }
            assertThat(agent.maxConcurrency()).isEqualTo(3);
            assertThat(agent.inFlight()).isZero();
            assertThat(gate.isOpen()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedAgentStopsWaiting() throws Exception {
        Gate gate = Gate.closed();
        ScriptedAgentRunner agent =
                ScriptedAgentRunner.always(AgentReply.succeed("never").blockingOn(gate));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<AgentResult> f = pool.submit(() -> agent.run(request("/block", "a")));
            agent.awaitInFlight(1, Duration.ofSeconds(30));
            f.cancel(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.inFlight()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitingForRequestsThatNeverComeFailsWithWhatCame() throws Exception {
        ScriptedAgentRunner agent = ScriptedAgentRunner.builder().build();
        agent.run(request("/only", "a"));
        assertThatThrownBy(() -> agent.awaitRequests(2, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a: /only");
    }
}
