package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.EnvValue;
import io.prodigy.api.RunOptions;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunEnvironmentTest {
    @TempDir
    Path project;

    private Workflow.Builder workflow() {
        return Workflow.builder("env").steps(Step.shell("true").build());
    }

    @Test
    void laterSourcesOverrideEarlierOnesInTheDocumentedOrder() throws Exception {
        Files.writeString(project.resolve("vars.env"), "FROM_FILE=file\nA=file\nB=file\nC=file\nD=file\nS=file\n");
        Workflow wf = workflow()
                .envFile("vars.env")
                .env("B", "env")
                .env("C", "env ${FROM_FILE}")
                .env("D", "env")
                .env("E", "env")
                .env("F", new EnvValue.FromCommand("echo computed-$C"))
                .profile("ci", Map.of("D", "profile", "E", "profile"))
                .secret("S", "secret")
                .build();
        RunOptions options = RunOptions.builder()
                .args("first")
                .args("second")
                .profile("ci")
                .variable("D", "caller")
                .build();
        Path state = project.resolve("state");

        RunEnvironment env = RunEnvironment.of(wf, options, "run-1", project, state);

        assertThat(env.processEnv())
                .containsEntry("A", "file")
                .containsEntry("B", "env")
                .containsEntry("C", "env file")
                .containsEntry("F", "computed-env file")
                .containsEntry("D", "profile")
                .containsEntry("E", "profile")
                .containsEntry("S", "secret")
                .containsEntry("ARG", "first")
                .containsEntry("ARG_1", "first")
                .containsEntry("ARG_2", "second")
                .containsEntry("PRODIGY_AUTOMATION", "true")
                .containsEntry("PRODIGY_RUN_ID", "run-1")
                .containsEntry("PRODIGY_RUN_STATE_DIR", state.toString());
        // the caller's variables are variables only, over everything else
        assertThat(env.variables().resolve("D").asText()).isEqualTo("caller");
        assertThat(env.variables().resolve("S").asText()).isEqualTo("secret");
        assertThat(env.variables().resolve("1").asText()).isEqualTo("first");
        assertThat(env.variables().resolve("workflow.run_id").asText()).isEqualTo("run-1");
        assertThat(env.variables().resolve("workflow.name").asText()).isEqualTo("env");
    }

    @Test
    void anUnknownProfileNamesTheProfilesTheWorkflowDefines() {
        Workflow wf = workflow()
                .profile("ci", Map.of("X", "1"))
                .profile("dev", Map.of("X", "2"))
                .build();
        RunOptions options = RunOptions.builder().profile("prod").build();

        assertThatThrownBy(() -> RunEnvironment.of(wf, options, "run-1", project, project))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageStartingWith("unknown profile 'prod'; the workflow defines profiles ")
                .hasMessageContaining("ci")
                .hasMessageContaining("dev");
    }

    @Test
    void aFailingCommandComputingAValueSaysWhichAndWhy() {
        Workflow wf = workflow()
                .env("TOKEN", new EnvValue.FromCommand("echo no token >&2; exit 3"))
                .build();

        assertThatThrownBy(() -> RunEnvironment.of(wf, RunOptions.DEFAULT, "run-1", project, project))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessage("the command computing env TOKEN failed with exit code 3: no token");
    }
}
