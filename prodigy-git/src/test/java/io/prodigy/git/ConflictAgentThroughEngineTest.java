package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.StepRecord;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conflict-resolving agent runs through the real engine like any agent step: its command is interpolated by
 * the engine, it is reported in the {@code merge} phase for its item, its cost counts toward the run's, its
 * failure is masked of the run's secrets, and it is a step record of the run.
 */
class ConflictAgentThroughEngineTest {
    private static final String COMMIT = "git add -A && git commit -q -m \"item ${item_id}\"";
    private static final String SECRET = "hunter2-token-xyz";

    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;
    final List<AgentRequest> requests = new CopyOnWriteArrayList<>();
    final List<RunEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\ntwo\nthree\n"));
    }

    /** Items that all rewrite line 2 of a.txt, started together so that every merge after the first conflicts. */
    private Workflow conflictingItems(int n) {
        Path dir = tmp.resolve("barrier");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String barrier = "touch " + dir + "/${item_id} && i=0 && while [ $(ls " + dir + " | wc -l) -lt " + n + " ]"
                + " && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done && ";
        return fx.mapReduce("conflict-agent")
                .secret("API_TOKEN", SECRET)
                .map(MapPhase.builder()
                        .input(WorkInput.values(java.util.stream.IntStream.range(0, n)
                                .<Object>mapToObj(i -> Map.of("n", i))
                                .toList()))
                        .maxParallel(n)
                        .agentTemplate(Step.shell(
                                barrier + "printf 'one\\nTWO %s\\nthree\\n' ${item.n} > a.txt && " + COMMIT)))
                .build();
    }

    private RunResult run(AgentRunner agent) {
        return run(agent, 2);
    }

    private RunResult run(AgentRunner agent, int items) {
        WorktreeIsolation isolation = fx.isolation()
                .conflictResolution(ConflictResolution.agent(
                        "/resolve ${merge.source_branch} ${merge.conflicts}", Duration.ofMinutes(2)))
                .build();
        return fx.engine(repo)
                .isolation(isolation)
                .agentRunner(agent)
                .listener(events::add)
                .build()
                .run(conflictingItems(items));
    }

    @Test
    void theResolvingAgentIsAStepOfTheRunWithItsCostEventsAndVariables() {
        RunResult r = run(request -> {
            requests.add(request);
            try {
                Files.writeString(request.workspace().resolve("a.txt"), "one\nboth\nthree\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return AgentResult.builder()
                    .success(true)
                    .output("resolved")
                    .costUsd(0.25)
                    .build();
        });

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nboth\nthree\n");
        assertThat(requests).hasSize(1);
        AgentRequest request = requests.get(0);
        assertThat(request.itemId()).isIn("item_0", "item_1");
        assertThat(request.command()).isEqualTo("/resolve prodigy/" + r.runId() + "/" + request.itemId() + " a.txt");
        assertThat(request.runId()).isEqualTo(r.runId());
        assertThat(request.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(request.environment())
                .containsEntry("PRODIGY_MERGE_ITEM_ID", request.itemId())
                .containsEntry("PRODIGY_MERGE_CONFLICTS", "a.txt")
                .containsEntry("PRODIGY_AUTOMATION", "true")
                .containsEntry("PRODIGY_RUN_ID", r.runId());

        assertThat(r.summary().costUsd()).isEqualTo(0.25);
        assertThat(r.steps())
                .extracting(StepRecord::phase, StepRecord::label, StepRecord::success)
                .contains(org.assertj.core.groups.Tuple.tuple("merge", "resolve merge conflict", true));
        assertThat(events)
                .filteredOn(RunEvent.StepStarted.class::isInstance)
                .map(RunEvent.StepStarted.class::cast)
                .filteredOn(e -> e.phase().equals("merge"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.itemId()).isEqualTo(request.itemId());
                    assertThat(e.label()).isEqualTo("resolve merge conflict");
                });
        assertThat(events)
                .filteredOn(RunEvent.PhaseStarted.class::isInstance)
                .map(RunEvent.PhaseStarted.class::cast)
                .extracting(RunEvent.PhaseStarted::phase)
                .contains("merge");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThrottledResolverWaitsWithoutDeadlockingTheItemsQueuedBehindTheMerge() {
        AtomicInteger calls = new AtomicInteger();
        RunResult r = run(
                request -> {
                    requests.add(request);
                    if (calls.getAndIncrement() == 0) {
                        return AgentResult.builder()
                                .success(false)
                                .errorKind(ErrorKind.RATE_LIMITED)
                                .errorMessage("429")
                                .retryAfter(Instant.now().plusMillis(300))
                                .build();
                    }
                    try {
                        Files.writeString(request.workspace().resolve("a.txt"), "one\nall\nthree\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return AgentResult.success("resolved");
                },
                3);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nall\nthree\n");
        assertThat(requests).hasSize(3);
        assertThat(events).filteredOn(RunEvent.Throttled.class::isInstance).hasSize(1);
    }

    @Test
    void aFailingResolverIsMaskedAndTheItemGoesToTheDlqWithTheRunLeftClean() {
        RunResult r = run(request -> AgentResult.failure(ErrorKind.UNKNOWN, "could not log in with " + SECRET));

        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        ItemResult failed = r.items().stream()
                .filter(i -> i.status() != ItemStatus.SUCCEEDED)
                .findFirst()
                .orElseThrow();
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.MERGE_CONFLICT);
        assertThat(failed.error().message())
                .contains("the resolving agent failed")
                .doesNotContain(SECRET);
        assertThat(r.steps())
                .filteredOn(s -> s.phase().equals("merge"))
                .singleElement()
                .satisfies(s ->
                        assertThat(s.error().message()).doesNotContain(SECRET).contains("***"));
        assertThat(events)
                .filteredOn(RunEvent.StepFinished.class::isInstance)
                .map(RunEvent.StepFinished.class::cast)
                .filteredOn(e -> e.phase().equals("merge"))
                .singleElement()
                .satisfies(e -> assertThat(e.success()).isFalse());
        assertThat(events.toString()).doesNotContain(SECRET);
    }
}
