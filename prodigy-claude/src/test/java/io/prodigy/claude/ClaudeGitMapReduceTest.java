package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.claude.testing.ClaudeDouble;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.testkit.GitRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's end-to-end case: Claude (the test double, through the real runner) working in git worktrees, with
 * items that succeed, commit, are rate limited then succeed, exhaust a quota and resume at its reset, and fail for
 * good; the commits reach the user's branch, failures the DLQ, and costs add up.
 */
class ClaudeGitMapReduceTest {
    @TempDir
    Path tmp;

    @Test
    void agentsCommitInWorktreesAndTheRunAdaptsToThrottling() throws Exception {
        GitRepository git = GitRepository.create(tmp);
        Path repo = git.directory();
        // the double runs git too: besides the fixture's git configuration, keep the user's home out of it
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> gitEnv = new LinkedHashMap<>(git.environment());
        gitEnv.put("HOME", home.toString());
        gitEnv.put("XDG_CONFIG_HOME", home.resolve(".config").toString());

        ClaudeDouble claude = ClaudeDouble.install(tmp.resolve("double"));
        WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(tmp.resolve("prodigy"));
        gitEnv.forEach(isolation::gitEnvironment);
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        long quotaReset = Instant.now().getEpochSecond() + 2;
        Prodigy prodigy = Prodigy.builder()
                .workingDirectory(repo)
                .home(tmp.resolve("prodigy"))
                .isolation(isolation.build())
                .throttleDelay(Duration.ofMillis(20))
                .agentRunner(claude.runner().environment(gitEnv).build())
                .listener(events::add)
                .build();
        List<Object> items = List.of(
                Map.of("id", "ok", "scenario", "success"),
                Map.of("id", "writes", "scenario", "commit"),
                Map.of("id", "throttled", "scenario", "flaky:1"),
                Map.of("id", "over-quota", "scenario", "flaky:1:quota:" + quotaReset),
                Map.of("id", "broken", "scenario", "fail"),
                Map.of("id", "writes-too", "scenario", "commit"));
        Workflow.MapReduceBuilder wf = Workflow.mapReduce("claude-git");
        gitEnv.forEach(wf::env);
        RunResult result = prodigy.run(wf.map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .idField("id")
                        .maxParallel(3)
                        .agentTemplate(Step.agent("Process ${item.id} fake:${item.scenario}")
                                .build()))
                .build());

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        Map<String, ItemResult> byId =
                result.items().stream().collect(Collectors.toMap(ItemResult::itemId, Function.identity()));
        for (String id : List.of("ok", "writes", "throttled", "over-quota", "writes-too")) {
            assertThat(byId.get(id).status()).as(id).isEqualTo(ItemStatus.SUCCEEDED);
            assertThat(byId.get(id).attempts()).as(id).isEqualTo(1);
        }
        assertThat(byId.get("broken").status()).isEqualTo(ItemStatus.FAILED);
        assertThat(prodigy.dlq().list(result.runId()))
                .extracting(DlqEntry::itemId)
                .containsExactly("broken");

        // the two committing agents' files reached the user's branch, each through one merge
        assertThat(repo.resolve("fake-writes.txt")).exists();
        assertThat(repo.resolve("fake-writes-too.txt")).exists();
        String log = git.git("log", "--format=%s", "main");
        assertThat(log).contains("Merge item writes").contains("Merge item writes-too");
        // only the failed item's worktree is kept, for debugging, and the DLQ names it
        List<String> worktrees = List.of(git.git("worktree", "list").split("\n"));
        assertThat(worktrees).hasSize(2);
        assertThat(worktrees.get(1)).contains("/broken").contains("locked");
        assertThat(prodigy.dlq().find(result.runId(), "broken").orElseThrow().workspace())
                .isNotNull();

        List<RunEvent.Throttled> throttled = events.stream()
                .filter(e -> e instanceof RunEvent.Throttled)
                .map(e -> (RunEvent.Throttled) e)
                .collect(Collectors.toList());
        assertThat(throttled)
                .extracting(RunEvent.Throttled::errorKind)
                .contains(ErrorKind.RATE_LIMITED, ErrorKind.QUOTA_EXHAUSTED);
        assertThat(throttled.get(0).concurrency())
                .as("the first throttle lowers concurrency")
                .isLessThan(3);
        double itemCosts = result.items().stream()
                .mapToDouble(i -> i.costUsd() == null ? 0 : i.costUsd())
                .sum();
        assertThat(result.summary().costUsd()).isCloseTo(itemCosts, within(1e-9));
        assertThat(result.summary().costUsd()).isPositive();
    }
}
