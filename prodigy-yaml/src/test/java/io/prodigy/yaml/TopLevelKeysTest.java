package io.prodigy.yaml;

import static io.prodigy.yaml.Models.load;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.EnvValue;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §1.2: the top-level keys of a standard workflow (and, through them, of every other form). */
class TopLevelKeysTest {

    @Test
    void envInEveryShape() {
        Workflow w = load("env:\n  PLAIN: text\n  NUMBER: 8\n  FLAG: yes\n  COMPUTED:\n    command: nproc\n"
                + "    cache: true\n  CHOSEN:\n    condition: \"${CI} == 'true'\"\n    when_true: ci\n"
                + "    when_false: local\n  SECRET:\n    secret: true\n    value: hunter2\n  VISIBLE:\n"
                + "    secret: false\n    value: shown\ncommands: [{shell: env}]\n");
        assertThat(w.env())
                .containsExactly(
                        Map.entry("PLAIN", "text"),
                        Map.entry("NUMBER", "8"),
                        Map.entry("FLAG", "yes"),
                        Map.entry("VISIBLE", "shown"));
        assertThat(w.computedEnv())
                .containsExactly(
                        Map.entry("COMPUTED", new EnvValue.FromCommand("nproc")),
                        Map.entry("CHOSEN", new EnvValue.Conditional("${CI} == 'true'", "ci", "local")));
        assertThat(w.secrets()).containsExactly(Map.entry("SECRET", "hunter2"));
    }

    @Test
    void secretsInEveryShape(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("token.txt"), "from-a-file\n");
        Files.writeString(
                dir.resolve("wf.yml"),
                "secrets:\n  LITERAL: abc\n  FROM_ENV: \"${env:API_KEY}\"\n"
                        + "  PROVIDER_ENV: {provider: env, key: API_KEY}\n  FROM_FILE: {provider: file, key: token.txt}\n"
                        + "  VAULT: {provider: vault, key: secret/x}\n  MISSING: ${NOT_SET}\ncommands: [{shell: x}]\n");
        LoadResult r = WorkflowLoader.builder()
                .environment(Map.of("API_KEY", "k-123"))
                .build()
                .load(dir.resolve("wf.yml"));
        Workflow w = r.orThrow();
        assertThat(w.secrets())
                .containsExactly(
                        Map.entry("LITERAL", "abc"),
                        Map.entry("FROM_ENV", "k-123"),
                        Map.entry("PROVIDER_ENV", "k-123"),
                        Map.entry("FROM_FILE", "from-a-file"));
        assertThat(r.warnings())
                .extracting(Problem::message)
                .containsExactly(
                        "'provider' is accepted but not acted on: secrets from provider 'vault' are not supported (only env "
                                + "and file); the secret is left out",
                        "secret 'MISSING' refers to the environment variable NOT_SET, which is not set; the secret is left out");
    }

    @Test
    void envFilesProfilesMergeAndRetryDefaults() {
        Workflow w = load("name: release\nenv_files: [.env, .env.local]\nprofiles:\n  prod:\n    description: live\n"
                + "    URL: https://x\n  dev: {URL: http://localhost}\nretry_defaults: {attempts: 4}\n"
                + "commands: [{shell: deploy}]\nmerge:\n  - shell: git merge ${merge.source_branch}\n");
        assertThat(w.name()).isEqualTo("release");
        assertThat(w.envFiles()).containsExactly(".env", ".env.local");
        assertThat(w.profiles())
                .containsExactly(
                        Map.entry("prod", Map.of("URL", "https://x")),
                        Map.entry("dev", Map.of("URL", "http://localhost")));
        assertThat(w.defaultRetry())
                .isEqualTo(RetryPolicy.builder().maxAttempts(4).build());
        assertThat(w.merge())
                .containsExactly(Step.shell("git merge ${merge.source_branch}").build());
        assertThat(w.mergeTimeout()).isNull();
        Workflow timed = load("commands: [{shell: x}]\nmerge:\n  commands: [{claude: /merge}]\n  timeout: 600\n");
        assertThat(timed.merge()).containsExactly(Step.agent("/merge").build());
        assertThat(timed.mergeTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theNameDefaultsToTheFileName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("nightly-build.yml"), "- shell: make\n");
        assertThat(WorkflowLoader.create()
                        .loadOrThrow(dir.resolve("nightly-build.yml"))
                        .name())
                .isEqualTo("nightly-build");
    }

    @Test
    void documentationAliasesResolveAsTheirAuthorsMeant() {
        Workflow w = load("env:\n  OUT: \"${env.HOME}/out\"\ncommands:\n"
                + "  - shell: echo ${env:USER} ${missing|default:none}\n");
        assertThat(w.env()).containsEntry("OUT", "${HOME}/out");
        assertThat(Models.shell(Models.steps(w).get(0))).isEqualTo("echo ${USER} ${missing:-none}");
    }
}
