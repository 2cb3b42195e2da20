package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.MapExecutor;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code once_per_worktree}: a step of an agent template runs on the first item a reused workspace serves and is
 * skipped on later items there; fresh workspaces run it for every item; a failed run of it does not count.
 */
class OncePerWorktreeStepTest {
    @TempDir
    Path tmp;

    /** The acquired workspace, seen as a reused one whose identity the test chooses per item index. */
    private record Reused(Workspace inner, Optional<String> key) implements Workspace {
        @Override
        public Path directory() {
            return inner.directory();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Optional<VersionControl> versionControl() {
            return inner.versionControl();
        }

        @Override
        public Optional<String> reuseKey() {
            return key;
        }
    }

    private static MapExecutor reusing(IntFunction<String> keyOfItem) {
        return (attempt, context) -> context.runHere(
                new Reused(context.acquireWorkspace(), Optional.ofNullable(keyOfItem.apply(attempt.itemIndex()))));
    }

    private Workflow workflow(Step install, int items) {
        List<Object> values = new java.util.ArrayList<>();
        for (int i = 0; i < items; i++) {
            values.add("i" + i);
        }
        return Workflow.mapReduce("once")
                .env("LOG", tmp.resolve("installs.log").toString())
                .map(MapPhase.builder()
                        .input(WorkInput.values(values))
                        .maxParallel(1)
                        .agentTemplate(List.of(
                                install,
                                Step.shell("echo ${item} >> \"$LOG.items\"").build())))
                .build();
    }

    private List<String> installs() throws Exception {
        Path log = tmp.resolve("installs.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void aOncePerWorktreeStepRunsOnceForEachReusedWorkspaceAndIsRecordedAsSkippedAfter() throws Exception {
        Step install = Step.shell("echo \"${item}\" >> \"$LOG\"")
                .name("install")
                .oncePerWorktree(true)
                .build();
        Engines.Recorder events = new Engines.Recorder();
        try (Prodigy p = Engines.on(tmp)
                .mapExecutor(reusing(i -> "slot-" + (i % 2)))
                .listener(events)
                .build()) {
            RunResult r = p.run(workflow(install, 5));

            assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(installs())
                .as("the first item of each of the two workspaces")
                .containsExactly("i0", "i1");
        assertThat(Files.readAllLines(tmp.resolve("installs.log.items")))
                .as("every item's other steps run")
                .hasSize(5);
        List<RunEvent.StepFinished> finished = events.of(RunEvent.StepFinished.class).stream()
                .filter(e -> e.label().equals("install"))
                .toList();
        assertThat(finished).hasSize(5);
        assertThat(finished)
                .filteredOn(RunEvent.StepFinished::skipped)
                .hasSize(3)
                .allMatch(e -> e.success());
        assertThat(finished)
                .filteredOn(RunEvent.StepFinished::skipped)
                .extracting(RunEvent.StepFinished::itemId)
                .containsExactlyInAnyOrder("item_2", "item_3", "item_4");
    }

    @Test
    void freshWorkspacesAndTheDefaultIsolationRunItForEveryItem() throws Exception {
        Step install =
                Step.shell("echo \"${item}\" >> \"$LOG\"").oncePerWorktree(true).build();
        try (Prodigy p = Engines.on(tmp).mapExecutor(reusing(i -> null)).build()) {
            assertThat(p.run(workflow(install, 3)).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(installs()).containsExactly("i0", "i1", "i2");
        Files.delete(tmp.resolve("installs.log"));
        try (Prodigy p = Engines.on(tmp).build()) {
            assertThat(p.run(workflow(install, 2)).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(installs()).as("a shared directory is no reused worktree").containsExactly("i0", "i1");
    }

    @Test
    void aFailedRunDoesNotCountAndAnotherRunStartsAfresh() throws Exception {
        // fails the first time (the item fails), succeeds after
        Step install = Step.shell("if [ ! -e \"$LOG.failed\" ]; then touch \"$LOG.failed\"; exit 3; fi;"
                        + " echo \"${item}\" >> \"$LOG\"")
                .oncePerWorktree(true)
                .build();
        try (Prodigy p = Engines.on(tmp).mapExecutor(reusing(i -> "the-slot")).build()) {
            RunResult r = p.run(workflow(install, 3));

            assertThat(r.items())
                    .extracting(i -> i.status())
                    .containsExactly(ItemStatus.FAILED, ItemStatus.SUCCEEDED, ItemStatus.SUCCEEDED);
            assertThat(installs()).as("ran again after failing, then skipped").containsExactly("i1");

            assertThat(p.run(workflow(install, 2)).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(installs())
                    .as("what one run recorded is not another's, even for the same reuse key")
                    .containsExactly("i1", "i0");
        }
    }

    @Test
    void inSetupReduceAndPlainStepsItRunsOnceAsTheyDo() throws Exception {
        Step once = Step.shell("echo ran >> \"$LOG\"").oncePerWorktree(true).build();
        Workflow wf = Workflow.mapReduce("phases")
                .env("LOG", tmp.resolve("installs.log").toString())
                .setup(once)
                .map(MapPhase.builder().input(WorkInput.values(List.of("a"))).agentTemplate(Step.shell("true")))
                .reduce(once)
                .build();
        try (Prodigy p = Engines.on(tmp).build()) {
            assertThat(p.run(wf).status()).isEqualTo(RunStatus.SUCCEEDED);
            Workflow plain = Workflow.builder("plain")
                    .env("LOG", tmp.resolve("installs.log").toString())
                    .steps(List.of(once))
                    .build();
            assertThat(p.run(plain).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(installs()).hasSize(3);
    }

    @Test
    void aStepRunByAnotherStepCannotBeOncePerWorktree() {
        Step once = Step.shell("npm ci").oncePerWorktree(true).build();
        assertThatThrownBy(() -> Step.shell("make").onSuccess(once).build())
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("once_per_worktree")
                .hasMessageContaining("npm ci");
        assertThatThrownBy(
                        () -> Step.shell("make").onFailure(OnFailure.run(once)).build())
                .isInstanceOf(WorkflowDefinitionException.class);
        assertThatThrownBy(() -> Step.shell("make").onExitCode(2, once).build())
                .isInstanceOf(WorkflowDefinitionException.class);
        assertThatThrownBy(
                        () -> Step.shell("make").validate(Validation.of(once)).build())
                .isInstanceOf(WorkflowDefinitionException.class);
        assertThatThrownBy(() ->
                        Step.of(StepAction.Foreach.over(List.of("a"), once)).build())
                .isInstanceOf(WorkflowDefinitionException.class);
        assertThat(once.toBuilder().build()).isEqualTo(once);
        assertThat(once).isNotEqualTo(Step.shell("npm ci").build());
    }
}
