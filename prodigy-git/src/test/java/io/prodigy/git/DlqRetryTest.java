package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.Prodigy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reprocessing the Dead Letter Queue with git worktrees completes the run: the fixed item is merged, reduce runs
 * again over every item, the final merge brings both to the user's branch, and the run record, the events and the
 * result agree.
 */
class DlqRetryTest {
    private static final String COMMIT = "git add -A && git commit -q -m \"item ${item_id}\"";

    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;
    Path fixedFlag;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("README.md", "project\n"));
        fixedFlag = tmp.resolve("b-is-fixed");
    }

    /** Items a, b, c; b fails until the flag file exists. Reduce commits "successful/total" to summary.txt. */
    private Workflow workflow() {
        return fx.mapReduce("retry-me")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of(Map.of("id", "a"), Map.of("id", "b"), Map.of("id", "c"))))
                        .idField("id")
                        .maxParallel(2)
                        .agentTemplate(Step.shell("if [ ${item.id} = b ] && [ ! -e " + fixedFlag + " ]; then "
                                + "echo 'b is broken' >&2; exit 3; fi; echo ${item.id} > out-${item.id}.txt && "
                                + COMMIT)))
                .reduce(
                        Step.shell("echo \"${map.successful}/${map.total}\" > summary.txt && git add -A && "
                                        + "git commit -q -m \"reduce ${map.successful}/${map.total}\"")
                                .capture("reduced"),
                        Step.shell("cat summary.txt").capture("summary"))
                .build();
    }

    private Prodigy engine(List<RunEvent> events) {
        return fx.engine(repo)
                .isolation(fx.isolation().build())
                .listener(events::add)
                .build();
    }

    @Test
    void aRetriedItemIsMergedReduceRunsAgainAndTheUsersBranchHasTheCompleteResult() {
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        Workflow wf = workflow();
        RunResult first;
        try (Prodigy prodigy = engine(events)) {
            first = prodigy.run(wf);
        }
        assertThat(first.status()).as(first.failure()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(GitFixture.read(repo, "summary.txt")).isEqualTo("2/3\n");
        assertThat(repo.resolve("out-b.txt")).doesNotExist();

        events.clear();
        GitFixture.write(tmp, fixedFlag.getFileName().toString(), "fixed\n");
        Prodigy.ReprocessResult retried;
        try (Prodigy prodigy = engine(events)) {
            retried = prodigy.reprocessDeadLetters(first.runId(), wf, ReprocessOptions.ALL);
            RunResult r = retried.result();
            assertThat(retried.itemIds()).containsExactly("b");
            assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(r.summary().succeeded()).isEqualTo(3);
            assertThat(r.summary().total()).isEqualTo(3);
            assertThat(r.items()).extracting(ItemResult::itemId).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(r.items()).allMatch(i -> i.status() == ItemStatus.SUCCEEDED);
            assertThat(r.variables()).containsEntry("summary", "3/3");

            // the run record agrees
            RunRecord record = prodigy.checkpoints().findRun(first.runId()).orElseThrow();
            assertThat(record.status()).isEqualTo(RunStatus.SUCCEEDED);
            // and so do the events: b finished successfully, reduce ran, the run finished SUCCEEDED
            assertThat(events)
                    .filteredOn(e ->
                            e instanceof RunEvent.ItemFinished f && f.itemId().equals("b"))
                    .singleElement()
                    .matches(e -> ((RunEvent.ItemFinished) e).status() == ItemStatus.SUCCEEDED);
            assertThat(events)
                    .anyMatch(e ->
                            e instanceof RunEvent.PhaseFinished p && p.phase().equals("reduce") && p.success());
            assertThat(events)
                    .filteredOn(e -> e instanceof RunEvent.RunFinished)
                    .singleElement()
                    .matches(e -> ((RunEvent.RunFinished) e).status() == RunStatus.SUCCEEDED);
            assertThat(prodigy.dlq().find(first.runId(), "b").orElseThrow().resolved())
                    .isTrue();
        }
        // the user's branch has the fixed item and the new reduce, each once
        assertThat(GitFixture.read(repo, "out-b.txt")).isEqualTo("b\n");
        assertThat(GitFixture.read(repo, "summary.txt")).isEqualTo("3/3\n");
        List<String> log = fx.gitLines(repo, "log", "--format=%s", "main");
        assertThat(log).filteredOn(s -> s.equals("Merge item b")).hasSize(1);
        assertThat(log).filteredOn(s -> s.equals("Merge item a")).hasSize(1);
        assertThat(log).filteredOn(s -> s.equals("reduce 3/3")).hasSize(1);
        assertThat(fx.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(fx.branches(repo)).containsExactly("main");
    }

    @Test
    void reduceCanBeSkippedOnRequest() {
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        Workflow wf = workflow();
        RunResult first;
        try (Prodigy prodigy = engine(events)) {
            first = prodigy.run(wf);
        }
        GitFixture.write(tmp, fixedFlag.getFileName().toString(), "fixed\n");
        events.clear();
        try (Prodigy prodigy = engine(events)) {
            RunResult r = prodigy.reprocessDeadLetters(
                            first.runId(),
                            wf,
                            ReprocessOptions.builder().rerunReduce(false).build())
                    .result();
            assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(events)
                .noneMatch(
                        e -> e instanceof RunEvent.PhaseStarted p && p.phase().equals("reduce"));
        assertThat(GitFixture.read(repo, "out-b.txt")).isEqualTo("b\n");
        assertThat(GitFixture.read(repo, "summary.txt"))
                .as("the earlier reduce's output stays")
                .isEqualTo("2/3\n");
    }
}
