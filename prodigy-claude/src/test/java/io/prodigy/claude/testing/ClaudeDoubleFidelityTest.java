package io.prodigy.claude.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the test double to what the real CLI printed: for every scenario both cover, the double's stream-json must
 * have the {@linkplain RecordedFixtures#shape(List) shape} of the recorded fixture (event types and subtypes, the
 * fields the runner reads) and the same exit code. Runs without the real CLI.
 */
class ClaudeDoubleFidelityTest {
    @TempDir
    Path tmp;

    private ClaudeDouble claude;
    private Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        claude = ClaudeDouble.install(tmp.resolve("double"));
        workspace = Files.createDirectories(tmp.resolve("workspace"));
        Files.createDirectories(workspace.resolve(".claude/commands/sub"));
        Files.writeString(workspace.resolve(".claude/commands/sub/nested.md"), "Say the nested words for $ARGUMENTS\n");
        git("init", "-q");
    }

    /** fixture, double scenario, prompt, extra arguments. */
    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("text", "text", "Say hello", List.of()),
                Arguments.of("bash-commit", "commit", "Add a file and commit it", List.of()),
                Arguments.of("bash-commit", "success", "Look at the README", List.of()),
                Arguments.of("bash-commit", "edit", "Edit a file", List.of()),
                Arguments.of("rate-limit-429", "rate_limit", "Work", List.of()),
                Arguments.of("overloaded-529", "overloaded", "Work", List.of()),
                Arguments.of("auth-401", "auth", "Work", List.of()),
                Arguments.of("bad-request-400", "bad_request", "Work", List.of()),
                Arguments.of("billing-400", "credit", "Work", List.of()),
                Arguments.of("connection-refused", "network", "Work", List.of()),
                Arguments.of("connection-dropped", "connection_reset", "Work", List.of()),
                Arguments.of("max-turns", "max_turns", "Loop", List.of("--max-turns", "2")),
                Arguments.of("max-budget", "budget", "Loop", List.of("--max-budget-usd", "0.002")),
                Arguments.of("slash-unknown", "", "/nested item-3", List.of()),
                Arguments.of("slash-namespaced", "", "/sub:nested item-3 fake:text", List.of()));
    }

    @ParameterizedTest(name = "{1} vs the recorded {0}")
    @MethodSource("pairs")
    void theDoubleStreamsWhatTheRealCliStreamed(String fixture, String scenario, String prompt, List<String> extra)
            throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                claude.executable().toString(),
                "-p",
                prompt,
                "--output-format",
                "stream-json",
                "--verbose",
                "--permission-mode",
                "bypassPermissions"));
        argv.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workspace.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(claude.environment());
        pb.environment().remove("CLAUDECODE");
        // what the runner passes by default, and what the fixtures were recorded with
        pb.environment().put("CLAUDE_CODE_MAX_RETRIES", "2");
        pb.environment().put("ANTHROPIC_API_KEY", "test");
        if (!scenario.isEmpty()) {
            pb.environment().put(ClaudeDouble.SCENARIO_VARIABLE, scenario);
        }
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);

        List<String> real = RecordedFixtures.shape(RecordedFixtures.load(fixture));
        List<String> fake = RecordedFixtures.shape(out.lines().toList());
        assertThat(fake)
                .as("the double's %s stream (stderr: %s) against the real CLI's %s", scenario, stderr, fixture)
                .containsExactlyElementsOf(real);
        assertThat(p.exitValue()).as("exit code").isEqualTo(RecordedFixtures.exitCode(fixture));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void everyFixtureIsFreeOfMachinePaths(String fixture) {
        for (String line : RecordedFixtures.load(fixture)) {
            assertThat(line)
                    .doesNotContain("/tmp/")
                    .doesNotContain("-tmp-junit")
                    .doesNotContain("/root/");
        }
    }

    private void git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(workspace.toFile())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
    }
}
