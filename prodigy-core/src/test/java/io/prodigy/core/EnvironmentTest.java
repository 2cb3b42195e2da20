package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.EnvValue;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
    @TempDir
    Path dir;

    private Workflow workflow() {
        return Workflow.builder("env")
                .envFile(".env")
                .env("FROM_ENV", "env-${FROM_FILE}")
                .env("GIT_SHA", new EnvValue.FromCommand("echo abc123"))
                .env("MODE", new EnvValue.Conditional("${FROM_FILE} == 'file-value'", "fast", "slow"))
                .profile("prod", Map.of("FROM_ENV", "prod-override"))
                .steps(Step.shell("echo \"$FROM_FILE|$FROM_ENV|$GIT_SHA|$MODE|${QUOTED}\"")
                        .capture("out")
                        .build())
                .build();
    }

    @Test
    void envFilesEnvComputedEnvAndProfilesLayerInOrder() throws Exception {
        Files.writeString(dir.resolve(".env"), "# comment\nexport FROM_FILE=file-value\nQUOTED=\"a\\tb\"\n");
        Prodigy p = Engines.on(dir).build();
        RunResult plain = p.run(workflow());
        assertThat(plain.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(plain.variables().get("out")).isEqualTo("file-value|env-file-value|abc123|fast|a\tb");
        RunResult prod = p.run(workflow(), RunOptions.builder().profile("prod").build());
        assertThat(prod.variables().get("out")).startsWith("file-value|prod-override|");
    }

    @Test
    void unknownProfileAndMissingEnvFileAreClearErrors() throws Exception {
        Prodigy p = Engines.on(dir).build();
        RunResult missing = p.run(workflow());
        assertThat(missing.status()).isEqualTo(RunStatus.FAILED);
        assertThat(missing.failure()).contains("env file not found").contains(".env");
        Files.writeString(dir.resolve(".env"), "FROM_FILE=x\nnot a line\n");
        RunResult malformed = p.run(workflow());
        assertThat(malformed.failure()).contains(".env:2").contains("expected KEY=value");
        Files.writeString(dir.resolve(".env"), "FROM_FILE=x\nQUOTED=y\n");
        RunResult unknown =
                p.run(workflow(), RunOptions.builder().profile("staging").build());
        assertThat(unknown.failure()).contains("unknown profile 'staging'").contains("prod");
    }

    @Test
    void envValuesAreOrdinaryShellVariablesSplitIntoWords() {
        Prodigy p = Engines.on(dir).build();
        RunResult r = p.run(Workflow.builder("split")
                .env("FLAGS", "--one --two")
                .steps(
                        Step.shell(
                                        "for w in $FLAGS; do echo \"[$w]\"; done > a.txt; "
                                                + "for w in ${FLAGS}; do echo \"[$w]\"; done >> a.txt; echo \"${FLAGS}\" >> a.txt")
                                .build(),
                        Step.shell("echo \"${FLAGS}\" | wc -w").capture("words").build())
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("a.txt")).hasContent("[--one]\n[--two]\n[--one]\n[--two]\n--one --two");
        assertThat(r.variables().get("words").strip()).isEqualTo("2");
    }
}
