package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.claude.testing.ClaudeDouble;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MapReduce run through the real engine, with the Claude Code runner driving the test double per item. */
class ClaudeMapReduceTest {
    @TempDir
    Path tmp;

    @Test
    void aMixOfOutcomesEndsInTheRightPlaces() throws Exception {
        ClaudeDouble claude = ClaudeDouble.install(tmp.resolve("double"));
        Path project = Files.createDirectories(tmp.resolve("project"));
        long quotaReset = Instant.now().getEpochSecond() + 2;
        List<Object> items = List.of(
                Map.of("id", "ok", "scenario", "success"),
                Map.of("id", "edits", "scenario", "edit"),
                Map.of("id", "throttled", "scenario", "flaky:1"),
                Map.of("id", "broken", "scenario", "fail"),
                Map.of("id", "over-quota", "scenario", "flaky:1:quota:" + quotaReset),
                // last: an authentication failure stops further dispatch (every later item would fail too)
                Map.of("id", "no-key", "scenario", "auth"));
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        Prodigy prodigy = Prodigy.builder()
                .workingDirectory(project)
                .home(tmp.resolve("home"))
                .isolation(DirectoryIsolation.scratchPerItem())
                .throttleDelay(Duration.ofMillis(20))
                .agentRunner(claude.runner().build())
                .listener(events::add)
                .build();
        Workflow workflow = Workflow.mapReduce("claude-mix")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .idField("id")
                        .maxParallel(3)
                        .agentTemplate(Step.agent("Process ${item.id} fake:${item.scenario}")
                                .retry(RetryPolicy.builder()
                                        .maxAttempts(2)
                                        .initialDelay(Duration.ofMillis(10))
                                        .build())))
                .build();

        RunResult result = prodigy.run(workflow);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.failure()).contains("AUTHENTICATION").contains("credentials");
        Map<String, ItemResult> byId =
                result.items().stream().collect(Collectors.toMap(ItemResult::itemId, Function.identity()));
        assertThat(byId.keySet())
                .containsExactlyInAnyOrder("ok", "edits", "no-key", "throttled", "broken", "over-quota");
        for (String id : List.of("ok", "edits", "throttled", "over-quota")) {
            assertThat(byId.get(id).status()).as(id).isEqualTo(ItemStatus.SUCCEEDED);
            assertThat(byId.get(id).attempts())
                    .as(id + ": throttled attempts do not count")
                    .isEqualTo(1);
        }
        assertThat(byId.get("ok").output()).isEqualTo("Done: Process ok fake:success");
        assertThat(byId.get("throttled").costUsd()).isCloseTo(ClaudeDouble.SUCCESS_COST, within(1e-9));
        assertThat(byId.get("broken").costUsd()).isCloseTo(2 * ClaudeDouble.FAIL_COST, within(1e-9));
        assertThat(byId.get("no-key").status()).isEqualTo(ItemStatus.FAILED);
        assertThat(byId.get("no-key").error().kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(byId.get("broken").error().kind()).isEqualTo(ErrorKind.COMMAND_FAILED);

        List<DlqEntry> dlq = prodigy.dlq().list(result.runId());
        assertThat(dlq).extracting(DlqEntry::itemId).containsExactlyInAnyOrder("no-key", "broken");
        DlqEntry auth = dlq.stream()
                .filter(e -> e.itemId().equals("no-key"))
                .findFirst()
                .orElseThrow();
        assertThat(auth.lastAttempt().errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(auth.lastAttempt().message()).contains("Invalid API key").contains("transcript: ");
        Path transcript = Path.of(auth.lastAttempt().message().replaceAll("(?s).*transcript: ([^)]+)\\).*", "$1"));
        assertThat(Files.readString(transcript)).contains("\"api_error_status\":401");

        double expectedCost = ClaudeDouble.SUCCESS_COST * 3 + ClaudeDouble.EDIT_COST + 2 * ClaudeDouble.FAIL_COST;
        assertThat(result.summary().costUsd()).isCloseTo(expectedCost, within(1e-9));
        assertThat(result.summary().tokens().inputTokens()).isEqualTo(12 * 6);
        assertThat(result.summary().deadLettered()).isEqualTo(2);

        Map<String, Long> callsPerItem = claude.calls().stream()
                .collect(Collectors.groupingBy(c -> c.env().get("PRODIGY_ITEM_ID"), Collectors.counting()));
        assertThat(callsPerItem)
                .containsEntry("ok", 1L)
                .containsEntry("edits", 1L)
                .containsEntry("no-key", 1L)
                .containsEntry("throttled", 2L)
                .containsEntry("broken", 2L)
                .containsEntry("over-quota", 2L);
        ClaudeDouble.Call retriedAfterReset = claude.calls().stream()
                .filter(c -> "over-quota".equals(c.env().get("PRODIGY_ITEM_ID")) && c.attempt() == 2)
                .findFirst()
                .orElseThrow();
        assertThat(retriedAfterReset.startMs()).isGreaterThanOrEqualTo(quotaReset * 1000);
        assertThat(claude.calls()).allSatisfy(c -> assertThat(c.cwd()).isNotEqualTo(project.toString()));

        List<RunEvent.Throttled> throttled = of(events, RunEvent.Throttled.class);
        assertThat(throttled)
                .extracting(RunEvent.Throttled::errorKind)
                .containsExactlyInAnyOrder(ErrorKind.RATE_LIMITED, ErrorKind.QUOTA_EXHAUSTED);
        assertThat(throttled)
                .filteredOn(t -> t.errorKind() == ErrorKind.QUOTA_EXHAUSTED)
                .extracting(RunEvent.Throttled::resumeAt)
                .containsExactly(Instant.ofEpochSecond(quotaReset));
        List<RunEvent.AgentActivity> activity = of(events, RunEvent.AgentActivity.class);
        assertThat(activity)
                .filteredOn(a -> a.type().equals("session_started"))
                .hasSize(claude.calls().size());
        assertThat(activity)
                .filteredOn(a -> a.type().equals("tool_use") && "edits".equals(a.itemId()))
                .extracting(RunEvent.AgentActivity::summary)
                .singleElement()
                .asString()
                .startsWith("Edit ")
                .endsWith("fake-edits.txt");
    }

    private static <T extends RunEvent> List<T> of(List<RunEvent> events, Class<T> type) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
        }
    }
}
