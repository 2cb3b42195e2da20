package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A variable that holds a secret comes back with the real value after a resume, and the journal never holds it. */
class SecretResumeTest {
    private static final String SECRET = "s3cr3t-\"quoted\"-value";

    @TempDir
    Path dir;

    private Workflow workflow() {
        return Workflow.builder("secretive")
                .secret("TOKEN", SECRET)
                .steps(
                        Step.shell("printf 'token=%s' \"$TOKEN\"")
                                .capture("line")
                                .build(),
                        Step.shell("test -e go && printf '%s' \"${line}\" > out.txt")
                                .build())
                .build();
    }

    @Test
    void aResumedRunUsesTheSecretNotItsMask() throws IOException {
        Prodigy p = Engines.on(dir).build();
        RunResult first = p.run(workflow());
        assertThat(first.status()).isEqualTo(RunStatus.FAILED);
        assertThat(first.variables().get("line")).as("results stay masked").isEqualTo("token=***");
        Files.writeString(dir.resolve("go"), "");
        RunResult resumed = p.resume(first.runId(), workflow(), ResumeOptions.DEFAULT);
        assertThat(resumed.status()).as(resumed.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("token=" + SECRET);
        try (Stream<Path> files = Files.walk(dir.resolve(".prodigy-home"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                // bytes as Latin-1: every file, the binary journal snapshot included
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("%s", f)
                        .doesNotContain("s3cr3t");
            }
        }
    }
}
