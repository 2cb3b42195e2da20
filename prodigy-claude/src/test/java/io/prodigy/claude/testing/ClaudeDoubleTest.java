package io.prodigy.claude.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The double itself speaks the CLI's protocol where other modules may lean on it: formats, checks, stdin. */
class ClaudeDoubleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private ClaudeDouble claude;

    @BeforeEach
    void setUp() throws Exception {
        claude = ClaudeDouble.install(tmp);
    }

    private record Outcome(int exit, String stdout, String stderr) {}

    private Outcome run(String stdin, Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(claude.executable().toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile());
        pb.environment().putAll(claude.environment());
        pb.environment().remove("CLAUDECODE");
        pb.environment().putAll(env);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
        }
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), out, new String(err.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    @Test
    void versionAndAuthStatus() throws Exception {
        assertThat(run(null, Map.of(), "--version").stdout()).isEqualTo("2.1.332 (Claude Code)\n");
        assertThat(JSON.readTree(run(null, Map.of(), "auth", "status", "--json").stdout())
                        .path("loggedIn")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void outputFormats() throws Exception {
        Outcome text = run(null, Map.of(), "-p", "hello");
        assertThat(text.exit()).isZero();
        assertThat(text.stdout()).isEqualTo("Done: hello\n");

        JsonNode object = JSON.readTree(
                run(null, Map.of(), "-p", "hello", "--output-format", "json").stdout());
        assertThat(object.path("type").asText()).isEqualTo("result");
        assertThat(object.path("result").asText()).isEqualTo("Done: hello");

        JsonNode array = JSON.readTree(run(null, Map.of(), "-p", "hello", "--output-format=json", "--verbose")
                .stdout());
        assertThat(array.isArray()).isTrue();
        assertThat(array.get(0).path("subtype").asText()).isEqualTo("init");
        assertThat(array.get(array.size() - 1).path("type").asText()).isEqualTo("result");
    }

    @Test
    void checksTheRealCliMakes() throws Exception {
        Outcome noVerbose = run(null, Map.of(), "-p", "x", "--output-format", "stream-json");
        assertThat(noVerbose.exit()).isEqualTo(1);
        assertThat(noVerbose.stdout()).isEmpty();
        assertThat(noVerbose.stderr()).contains("requires --verbose");

        Outcome nested = run(null, Map.of("CLAUDECODE", "1"), "-p", "x");
        assertThat(nested.exit()).isEqualTo(1);
        assertThat(nested.stderr()).contains("cannot be launched inside another Claude Code session");

        Outcome unknown = run(null, Map.of(), "-p", "x", "--frobnicate");
        assertThat(unknown.stderr()).isEqualTo("error: unknown option '--frobnicate'\n");

        Outcome missing = run(null, Map.of(), "-p", "x", "--model");
        assertThat(missing.stderr()).contains("argument missing");

        Outcome noPrompt = run(null, Map.of(), "-p");
        assertThat(noPrompt.stderr()).contains("Input must be provided");

        Outcome two = run(null, Map.of(), "-p", "x", "y");
        assertThat(two.stderr()).contains("too many arguments");
        assertThat(claude.calls()).extracting(ClaudeDouble.Call::exitCode).containsOnly(1);
    }

    @Test
    void promptFromStdinAndStreamJsonInput() throws Exception {
        Outcome piped = run("from stdin", Map.of(), "-p");
        assertThat(piped.stdout()).isEqualTo("Done: from stdin\n");
        assertThat(claude.calls().get(0).stdinBytes()).isEqualTo(10);

        Outcome turns = run(
                "{\"type\":\"user\"}\nnot json\n{\"type\":\"user\"}\n",
                Map.of(),
                "-p",
                "--input-format",
                "stream-json",
                "--output-format",
                "stream-json",
                "--verbose");
        assertThat(turns.exit()).isZero();
        assertThat(turns.stdout().lines().filter(l -> l.contains("\"type\":\"result\"")))
                .hasSize(2);
        assertThat(turns.stderr()).contains("Error parsing stream-json input line: not json");
    }

    @Test
    void theLogRecordsArgumentsEnvironmentAndTheEnd() throws Exception {
        run(
                null,
                Map.of("PRODIGY_ITEM_ID", "i-1", "ANTHROPIC_API_KEY", "secret"),
                "-p",
                "quote \" and \\ and\ttab",
                "--session-id=3f2a9c40-0000-4000-8000-000000000000");
        ClaudeDouble.Call call = claude.calls().get(0);
        assertThat(call.argv())
                .containsExactly("-p", "quote \" and \\ and\ttab", "--session-id=3f2a9c40-0000-4000-8000-000000000000");
        assertThat(call.sessionId()).isEqualTo("3f2a9c40-0000-4000-8000-000000000000");
        assertThat(call.option("--session-id")).isEqualTo("3f2a9c40-0000-4000-8000-000000000000");
        assertThat(call.env()).containsEntry("PRODIGY_ITEM_ID", "i-1").containsEntry("ANTHROPIC_API_KEY", "true");
        assertThat(call.exitCode()).isZero();
        assertThat(call.endMs()).isGreaterThanOrEqualTo(call.startMs());
        assertThat(Files.readString(claude.logFile())).doesNotContain("secret");
    }
}
