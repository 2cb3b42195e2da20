package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.OnFailure;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.Validation;
import io.prodigy.api.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order in which a step's controls apply, as {@code Step}'s Javadoc and docs/semantics.md describe it: the
 * capture right after the action (failed or not), then {@code on_exit_code}, {@code on_failure},
 * {@code on_success}, {@code validate}. Each control appends a line to a file, with what it saw.
 */
class StepControlOrderTest {
    @TempDir
    Path dir;

    private static Step note(String text) {
        return Step.shell("echo \"" + text + "\" >> order.txt").build();
    }

    private List<String> order() throws Exception {
        return Files.readAllLines(dir.resolve("order.txt"));
    }

    @Test
    void aSucceededStepIsCapturedThenOnSuccessThenValidated() throws Exception {
        Step step = Step.shell("echo action >> order.txt; echo hello")
                .capture("greeting")
                .onSuccess(note("on_success saw ${greeting}"))
                .validate(Validation.of(
                        Step.shell("echo \"validate saw ${greeting}\" >> order.txt; " + "echo '{\"completion\": 100}'")
                                .build()))
                .build();
        RunResult r = Engines.on(dir).build().run(Workflow.sequential("order", step, note("next step")));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(order()).containsExactly("action", "on_success saw hello", "validate saw hello", "next step");
    }

    @Test
    void aFailedStepIsCapturedThenHandledByItsExitCodeThenByOnFailure() throws Exception {
        Step step = Step.shell("echo action >> order.txt; echo partial; exit 3")
                .capture("out")
                .onExitCode(
                        3,
                        List.of(Step.shell("echo \"on_exit_code saw ${out}\" >> order.txt; exit 1")
                                .build()))
                .onFailure(OnFailure.run(note("on_failure saw ${out}")).failWorkflow(false))
                .onSuccess(note("on_success"))
                .build();
        RunResult r = Engines.on(dir).build().run(Workflow.sequential("order", step, note("next step")));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(order())
                .containsExactly(
                        "action", "on_exit_code saw partial", "on_failure saw partial", "on_success", "next step");
    }

    @Test
    void anExitCodeHandlerThatSucceedsMakesTheStepSucceedWithoutOnFailure() throws Exception {
        Step step = Step.shell("echo action >> order.txt; exit 4")
                .onExitCode(4, List.of(note("on_exit_code")))
                .onFailure(OnFailure.run(note("on_failure")))
                .onSuccess(note("on_success"))
                .build();
        RunResult r = Engines.on(dir).build().run(Workflow.sequential("order", step));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(order()).containsExactly("action", "on_exit_code", "on_success");
    }
}
