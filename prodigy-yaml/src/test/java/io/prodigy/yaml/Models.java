package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Workflow;
import java.util.List;

/** Small accessors for asserting on loaded workflows. */
final class Models {
    private Models() {}

    /** @return the steps of a workflow of one plain stage */
    static List<Step> steps(Workflow w) {
        assertThat(w.stages()).hasSize(1);
        assertThat(w.stages().get(0)).isInstanceOf(Stage.Steps.class);
        return ((Stage.Steps) w.stages().get(0)).steps();
    }

    /** @return the stage of a workflow of one MapReduce stage */
    static Stage.MapReduce mapReduce(Workflow w) {
        assertThat(w.stages()).hasSize(1);
        assertThat(w.stages().get(0)).isInstanceOf(Stage.MapReduce.class);
        return (Stage.MapReduce) w.stages().get(0);
    }

    /** @return the shell command of a step (failing when it is not a shell step) */
    static String shell(Step s) {
        assertThat(s.action()).isInstanceOf(StepAction.Shell.class);
        return ((StepAction.Shell) s.action()).command();
    }

    /** @return the agent command of a step (failing when it is not an agent step) */
    static String agent(Step s) {
        assertThat(s.action()).isInstanceOf(StepAction.Agent.class);
        return ((StepAction.Agent) s.action()).command();
    }

    /** @param yaml a workflow text @return the loaded workflow, failing with the problems when it has errors */
    static Workflow load(String yaml) {
        return load(WorkflowLoader.create(), yaml);
    }

    /** @return the loaded workflow, failing with the problems when it has errors */
    static Workflow load(WorkflowLoader loader, String yaml) {
        LoadResult r = loader.load(yaml, "test.yml");
        assertThat(r.errors()).as(r.report()).isEmpty();
        return r.workflow().orElseThrow();
    }

    /** @return the result of loading a text named test.yml with the default loader */
    static LoadResult result(String yaml) {
        return WorkflowLoader.create().load(yaml, "test.yml");
    }
}
