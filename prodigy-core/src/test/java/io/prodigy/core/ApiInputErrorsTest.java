package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input through the Java API: clear errors naming what is wrong, where. */
class ApiInputErrorsTest {
    @TempDir
    Path tmp;

    private Workflow mapWith(String name, MapPhase.Builder map) {
        return Workflow.mapReduce(name)
                .map(map.input(WorkInput.values(List.of(Map.of("n", 1), Map.of("n", 2))))
                        .maxParallel(1)
                        .agentTemplate(Step.shell("true")))
                .build();
    }

    @Test
    void aStagesDefaultNameIsTheWorkflowsName() {
        Workflow wf = mapWith("triage", MapPhase.builder());
        assertThat(wf.stages()).singleElement().matches(s -> s.name().equals("triage"));
    }

    @Test
    void badFilterAndSortByNameTheKeyTheStageAndTheWorkflow() {
        Prodigy prodigy = Engines.on(tmp).build();
        RunResult filter = prodigy.run(mapWith("triage", MapPhase.builder().filter("n >= >= 1")));
        assertThat(filter.status()).isEqualTo(RunStatus.FAILED);
        assertThat(filter.failure())
                .contains("map.filter")
                .contains("stage 'triage'")
                .contains("workflow 'triage'")
                .contains("n >= >= 1")
                .doesNotContain("'mapreduce'");
        RunResult sort = prodigy.run(mapWith("triage", MapPhase.builder().sortBy("n SIDEWAYS")));
        assertThat(sort.status()).isEqualTo(RunStatus.FAILED);
        assertThat(sort.failure())
                .contains("map.sort_by")
                .contains("stage 'triage'")
                .contains("workflow 'triage'");
    }

    @Test
    void nullsThroughTheEngineNameTheParameter() {
        Prodigy prodigy = Engines.on(tmp).build();
        assertThatThrownBy(() -> prodigy.run(null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("workflow must not be null");
        assertThatThrownBy(() ->
                        prodigy.run(Workflow.sequential("wf", Step.shell("true").build()), null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("options must not be null");
        assertThatThrownBy(() -> prodigy.resume(null, null, null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("runId");
        assertThatThrownBy(() -> Prodigy.builder().agentRunner(null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("runner");
        assertThatThrownBy(() -> Prodigy.builder().listener(null)).isInstanceOf(WorkflowDefinitionException.class);
        assertThatThrownBy(() -> Prodigy.builder().home(null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("dir");
        assertThatThrownBy(() -> ParallelWork.find(null, null)).isInstanceOf(WorkflowDefinitionException.class);
    }

    @Test
    void theDefaultEngineRefusesParallelItemsSharingOneDirectory() throws Exception {
        Prodigy noIsolation = Prodigy.builder()
                .workingDirectory(tmp)
                .home(tmp.resolve(".home"))
                .build();
        Workflow parallel = Workflow.mapReduce("par")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of(1, 2, 3)))
                        .maxParallel(3)
                        .agentTemplate(Step.shell("echo ${item} >> seen.txt")))
                .build();
        assertThatThrownBy(() -> noIsolation.run(parallel))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("the map phase of 'par' runs up to 3 items at once")
                .hasMessageContaining("DirectoryIsolation.shared()")
                .hasMessageContaining("WorktreeIsolation");
        assertThat(tmp.resolve("seen.txt")).doesNotExist();
        assertThat(tmp.resolve(".home/runs")).doesNotExist();
        // one at a time shares nothing at once: allowed
        assertThat(noIsolation
                        .run(parallel, RunOptions.builder().maxParallel(1).build())
                        .status())
                .isEqualTo(RunStatus.SUCCEEDED);
        // a parallel foreach is parallel work too
        Workflow foreach = Workflow.sequential(
                "fe",
                Step.of(StepAction.Foreach.over(List.of("a", "b"), Step.shell("echo ${item}"))
                                .withParallel(2))
                        .name("each"));
        assertThatThrownBy(() -> noIsolation.run(foreach))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("'each' runs up to 2 elements at once");
        // chosen explicitly, the directory is shared
        Prodigy shared = Prodigy.builder()
                .workingDirectory(tmp)
                .home(tmp.resolve(".home"))
                .isolation(DirectoryIsolation.shared())
                .build();
        assertThat(shared.run(parallel).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(tmp.resolve("seen.txt"))).hasSize(6);
    }
}
