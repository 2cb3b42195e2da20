package io.prodigy.claude.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.ProcessExit;
import io.prodigy.claude.testing.RecordedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decoder on what the real Claude Code CLI printed (the recorded fixtures): every defect found with the real CLI
 * is pinned here on its real output, so it stays fixed where the CLI is not installed.
 */
class RecordedStreamsTest {
    @TempDir
    Path workspace;

    private AgentResult decode(String fixture, String command) throws Exception {
        Files.createDirectories(workspace.resolve(".claude/commands/sub"));
        Files.writeString(workspace.resolve(".claude/commands/sub/nested.md"), "Say the nested words for $ARGUMENTS\n");
        ClaudeStreamDecoder d = new ClaudeStreamDecoder(
                AgentRequest.of(command, workspace, Map.of(), null),
                null,
                null,
                new ClaudeStreamDecoder.Options(true, false, Clock.systemUTC()));
        boolean terminal = false;
        for (String line : RecordedFixtures.load(fixture)) {
            terminal |= d.onLine(line);
        }
        assertThat(terminal).as("a result line in " + fixture).isTrue();
        return d.finish(new ProcessExit(
                RecordedFixtures.exitCode(fixture), false, false, false, "", Duration.ofSeconds(1), null));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "rate-limit-429, RATE_LIMITED",
        "overloaded-529, OVERLOADED",
        "auth-401, AUTHENTICATION",
        "bad-request-400, COMMAND_FAILED",
        "billing-400, BILLING",
        "connection-refused, NETWORK",
        "connection-dropped, NETWORK",
        "max-turns, MAX_TURNS",
        "max-budget, COMMAND_FAILED",
    })
    void failuresAreClassified(String fixture, ErrorKind kind) throws Exception {
        AgentResult r = decode(fixture, "Work");
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).as(r.errorMessage()).isEqualTo(kind);
        assertThat(r.sessionId()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"text", "bash-commit", "rate-limit-then-success"})
    void successes(String fixture) throws Exception {
        AgentResult r = decode(fixture, "Work");
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.costUsd()).isPositive();
        assertThat(r.tokens().outputTokens()).isPositive();
    }

    @Test
    void aRefusedConnectionIsANetworkFailureNotACommandFailure() throws Exception {
        AgentResult r = decode("connection-refused", "Work");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.NETWORK);
        assertThat(r.errorKind().isTransient()).isTrue();
        assertThat(r.errorMessage()).contains("ECONNREFUSED");
    }

    @Test
    void theBudgetStopCountsTheTokensOfEveryCall() throws Exception {
        AgentResult r = decode("max-budget", "Loop");
        // two calls of 120 in / 40 out; the result's usage field holds only the last
        assertThat(r.tokens()).isEqualTo(new TokenUsage(240, 80, 0, 0));
        assertThat(r.costUsd()).isPositive();
    }

    @Test
    void aShortNameOfANamespacedCommandNeverRan() throws Exception {
        AgentResult unknown = decode("slash-unknown", "/nested item-3");
        assertThat(unknown.success()).isFalse();
        assertThat(unknown.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(unknown.errorMessage()).contains("it knows /sub:nested");
        AgentResult full = decode("slash-namespaced", "/sub:nested item-3");
        assertThat(full.success()).as(full.errorMessage()).isTrue();
    }
}
