package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Items of two stages with the same id keep apart; the DLQ records a workspace only when it is still there; the
 * engine's state directory reaches a {@code WorktreeIsolation} that names none.
 */
class ItemKeysAndHomeTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("README.md", "project\n"));
    }

    @Test
    void aLaterStagesItemWithTheSameIdDoesNotReplaceTheFirstStagesKeptWorktree() {
        WorktreeIsolation iso = fx.isolation().build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, new ItemKey(0, "a"));
        fx.commit(first.directory(), "first.txt", "1\n", "first stage work");
        iso.release(first, true); // failed: kept for debugging

        Workspace second = iso.acquire(run, new ItemKey(2, "a"));
        assertThat(second.directory()).isNotEqualTo(first.directory());
        assertThat(first.directory().resolve("first.txt"))
                .as("the kept worktree is still there")
                .exists();
        fx.commit(second.directory(), "second.txt", "2\n", "second stage work");
        assertThat(iso.integrate(run, second)).isInstanceOf(IntegrationResult.Integrated.class);
        assertThat(iso.isIntegrated(run, new ItemKey(2, "a"))).isTrue();
        assertThat(iso.isIntegrated(run, new ItemKey(0, "a")))
                .as("the first stage's a was not merged")
                .isFalse();
        iso.release(second, false);
        assertThat(first.directory().resolve("first.txt")).exists();
        // the old single-id methods are the first stage's
        assertThat(iso.isIntegrated(run, "a")).isFalse();
    }

    @Test
    void twoStagesWithTheSameItemIdsThroughTheEngine() {
        Workflow wf = Workflow.builder("two")
                .env(fx.env)
                .stage(stage(
                        "one",
                        "echo one > one-${item.id}.txt && git add -A && git commit -q -m one-${item.id} "
                                + "&& exit 1"))
                .stage(stage("two", "echo two > two-${item.id}.txt && git add -A && git commit -q -m two-${item.id}"))
                .build();
        RunResult r = fx.engine(repo)
                .isolation(fx.isolation().mode(WorktreeMode.onDemand()).build())
                .build()
                .run(wf);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(repo.resolve("two-a.txt")).exists();
        assertThat(repo.resolve("one-a.txt")).doesNotExist();
        Path items = fx.prodigyHome.resolve("worktrees/project/" + r.runId() + ".items/a");
        assertThat(items.resolve("one-a.txt"))
                .as("stage one's failed item kept its worktree")
                .exists();
    }

    private static io.prodigy.api.Stage stage(String name, String command) {
        return new io.prodigy.api.Stage.MapReduce(
                name,
                io.prodigy.api.SetupPhase.of(List.of()),
                MapPhase.builder()
                        .input(WorkInput.values(List.of(Map.of("id", "a"))))
                        .idField("id")
                        .maxParallel(1)
                        .agentTemplate(Step.shell(command))
                        .build(),
                List.of(),
                io.prodigy.api.ErrorPolicy.DEFAULT);
    }

    @Test
    void theDlqRecordsAWorkspaceOnlyWhenItWasKept() {
        Workflow wf = fx.mapReduce("fails")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of(Map.of("id", "x"))))
                        .idField("id")
                        .maxParallel(1)
                        .agentTemplate(Step.shell("exit 3")))
                .build();
        try (Prodigy removed = fx.engine(repo)
                .isolation(fx.isolation().keepFailedWorktrees(false).build())
                .build()) {
            RunResult r = removed.run(wf);
            DlqEntry e = removed.dlq().find(r.runId(), "x").orElseThrow();
            assertThat(e.workspace())
                    .as("removed with keepFailedWorktrees(false): no path")
                    .isNull();
        }
        try (Prodigy kept = fx.engine(repo).isolation(fx.isolation().build()).build()) {
            RunResult r = kept.run(wf);
            DlqEntry e = kept.dlq().find(r.runId(), "x").orElseThrow();
            assertThat(e.workspace()).isNotNull();
            assertThat(Files.isDirectory(e.workspace())).isTrue();
        }
    }

    @Test
    void theBuildersNullsNameTheParameter() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WorktreeIsolation.builder().prodigyHome(null))
                .isInstanceOf(io.prodigy.api.WorkflowDefinitionException.class)
                .hasMessage("home must not be null");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WorktreeIsolation.builder().mode(null))
                .isInstanceOf(io.prodigy.api.WorkflowDefinitionException.class)
                .hasMessage("mode must not be null");
    }

    @Test
    void withoutItsOwnHomeTheStrategyPutsWorktreesUnderTheEnginesHome() throws Exception {
        WorktreeIsolation.Builder b = WorktreeIsolation.builder();
        fx.env.forEach(b::gitEnvironment);
        WorktreeIsolation iso = b.build();
        Path engineHome = tmp.resolve("engine-home");
        Path where = tmp.resolve("where.txt");
        Workflow wf = fx.mapReduce("home")
                .setup(Step.shell("pwd > " + where))
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of(1)))
                        .maxParallel(1)
                        .agentTemplate(Step.shell("pwd >> " + where)))
                .build();
        RunResult r = Prodigy.builder()
                .workingDirectory(repo)
                .home(engineHome)
                .isolation(iso)
                .build()
                .run(wf);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        List<String> dirs = Files.readAllLines(where);
        Path worktrees = engineHome.toRealPath().resolve("worktrees");
        assertThat(dirs).hasSize(2).allMatch(d -> Path.of(d).startsWith(worktrees));
    }
}
