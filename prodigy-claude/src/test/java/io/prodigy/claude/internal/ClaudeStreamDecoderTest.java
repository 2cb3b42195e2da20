package io.prodigy.claude.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.ProcessExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoder on hand-written streams: old and odd shapes, and the classification table. */
class ClaudeStreamDecoderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private final List<AgentActivity> activities = new ArrayList<>();

    private ClaudeStreamDecoder decoder(String command) {
        AgentRequest request = AgentRequest.builder(command, Path.of("/w"))
                .runId("r")
                .stepLabel("s")
                .stateDirectory(null)
                .activity(activities::add)
                .build();
        return new ClaudeStreamDecoder(request, null, null, new ClaudeStreamDecoder.Options(true, false, CLOCK));
    }

    private static ProcessExit exit(int code, String stderr) {
        return new ProcessExit(code, false, false, false, stderr, Duration.ofSeconds(1), null);
    }

    private AgentResult decode(int code, String... lines) {
        ClaudeStreamDecoder d = decoder("do it");
        boolean terminal = false;
        for (String line : lines) {
            terminal |= d.onLine(line);
        }
        assertThat(terminal).isEqualTo(String.join("\n", lines).contains("\"type\":\"result\""));
        return d.finish(exit(code, ""));
    }

    @Test
    void oldBuildsWithTopLevelMessageFieldsAndCostUsd() {
        AgentResult r = decode(
                0,
                "{\"type\":\"assistant\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                        + "\"session_id\":\"s-1\"}",
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"cost_usd\":0.5,\"num_turns\":1,"
                        + "\"result\":\"ok\"}");
        assertThat(r.success()).isTrue();
        assertThat(r.sessionId()).isEqualTo("s-1");
        assertThat(r.costUsd()).isEqualTo(0.5);
        assertThat(r.output()).isEqualTo("ok");
        assertThat(activities).extracting(AgentActivity::type).containsExactly("message", "usage");
    }

    @Test
    void missingAndMistypedFieldsAreTolerated() {
        AgentResult r = decode(
                1,
                "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":42,\"tools\":\"all\","
                        + "\"slash_commands\":null}",
                "{\"type\":\"assistant\",\"message\":{\"content\":\"text, not blocks\"}}",
                "{\"type\":\"user\",\"message\":[]}",
                "{\"type\":\"rate_limit_event\"}",
                "[1,2,3]",
                "{\"no_type\":true}",
                "{\"type\":\"result\",\"is_error\":true,\"api_error_status\":\"429\",\"usage\":{\"input_tokens\":-5,"
                        + "\"output_tokens\":\"many\"},"
                        + "\"result\":\"API Error: Request rejected (429) · Rate limited\"}");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(r.tokens()).isEqualTo(TokenUsage.NONE);
        assertThat(r.sessionId()).isNull();
    }

    @Test
    void successSubtypeWithIsErrorIsAFailureAndErrorSubtypeWithoutIsErrorToo() {
        assertThat(decode(
                                0,
                                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
                                        + "\"result\":\"API Error: 500 Internal server error\"}")
                        .errorKind())
                .isEqualTo(ErrorKind.SERVER_ERROR);
        AgentResult r = decode(
                0,
                "{\"type\":\"result\",\"subtype\":\"error_during_execution\",\"is_error\":false,"
                        + "\"errors\":[\"Tool crashed\", {\"message\":\"and more\"}]}");
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(r.errorMessage()).contains("Tool crashed; and more");
    }

    @Test
    void budgetAndContextFailures() {
        assertThat(decode(1, "{\"type\":\"result\",\"subtype\":\"error_max_budget_usd\",\"is_error\":true}")
                        .errorMessage())
                .contains("per-call budget");
        AgentResult context = decode(
                1,
                "{\"type\":\"result\",\"subtype\":\"error_during_execution\","
                        + "\"is_error\":true,\"terminal_reason\":\"prompt_too_long\"}");
        assertThat(context.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(context.errorMessage()).contains("context");
    }

    @Test
    void aBadRequestIsNotTransient() {
        AgentResult r = decode(
                1,
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
                        + "\"terminal_reason\":\"api_error\",\"api_error_status\":404,\"result\":\"API Error: 404 model: "
                        + "claude-nope not found\"}");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(r.errorMessage()).contains("HTTP 404").contains("claude-nope");
    }

    @Test
    void quotaFromTextUsesTheClock() {
        AgentResult r = decode(
                1,
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
                        + "\"result\":\"You've hit your session limit · resets 3:45pm\"}");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(r.retryAfter()).isEqualTo(Instant.parse("2026-11-25T15:45:00Z"));
    }

    @Test
    void withoutAResultLineStderrDecides() {
        ClaudeStreamDecoder d = decoder("do it");
        d.onLine("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}");
        assertThat(d.finish(exit(1, "Error: When using --print, --output-format=stream-json requires --verbose"))
                        .errorKind())
                .isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(decoder("x")
                        .finish(exit(1, "API Error: 401 Invalid bearer token"))
                        .errorKind())
                .isEqualTo(ErrorKind.AUTHENTICATION);
        ClaudeStreamDecoder quota = decoder("x");
        quota.onLine("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\","
                + "\"resetsAt\":1800000000}}");
        AgentResult q = quota.finish(exit(1, ""));
        assertThat(q.errorKind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(q.retryAfter()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
        AgentResult killed = decoder("x").finish(exit(137, ""));
        assertThat(killed.errorKind()).isEqualTo(ErrorKind.CRASH);
        assertThat(killed.errorMessage()).contains("was killed by signal 9").contains("wrote nothing to stdout");
    }

    @Test
    void slashCommandsAreMatchedByNameOrNamespace() {
        String init = "{\"type\":\"system\",\"subtype\":\"init\",\"slash_commands\":[\"compact\",\"review\","
                + "\"plugin:fix-item\"]}";
        String result = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"ok\"}";
        for (String known : new String[] {"/review the diff", "/fix-item 3", "/compact"}) {
            ClaudeStreamDecoder d = decoder(known);
            d.onLine(init);
            d.onLine(result);
            assertThat(d.finish(exit(0, "")).success()).as(known).isTrue();
        }
        ClaudeStreamDecoder unknown = decoder("/prodigy-fix --json '{}'");
        unknown.onLine(init);
        unknown.onLine(result);
        AgentResult r = unknown.finish(exit(0, ""));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(r.errorMessage()).contains("/prodigy-fix ").contains("in /w");
    }

    @Test
    void aSubdirectoryCommandAnswersOnlyToItsNamespacedName(@TempDir Path workspace) throws Exception {
        Files.createDirectories(workspace.resolve(".claude/commands/sub"));
        Files.writeString(workspace.resolve(".claude/commands/sub/nested.md"), "Do $ARGUMENTS\n");
        String init = "{\"type\":\"system\",\"subtype\":\"init\",\"slash_commands\":[\"compact\",\"sub:nested\"]}";
        String result = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"ok\"}";
        ClaudeStreamDecoder full = new ClaudeStreamDecoder(
                AgentRequest.of("/sub:nested x", workspace, Map.of(), null),
                null,
                null,
                new ClaudeStreamDecoder.Options(true, false, Clock.systemUTC()));
        full.onLine(init);
        full.onLine(result);
        assertThat(full.finish(exit(0, "")).success()).isTrue();
        ClaudeStreamDecoder shortName = new ClaudeStreamDecoder(
                AgentRequest.of("/nested x", workspace, Map.of(), null),
                null,
                null,
                new ClaudeStreamDecoder.Options(true, false, Clock.systemUTC()));
        shortName.onLine(init);
        shortName.onLine(result);
        AgentResult r = shortName.finish(exit(0, ""));
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(r.errorMessage())
                .contains("/nested")
                .contains("it knows /sub:nested")
                .contains(".claude/commands/nested.md");
    }

    @Test
    void cli2197ApiErrorShapesWithTerminalReasonCompleted() {
        // as CLI 2.1.197 printed them (issue 14): subtype success, is_error, terminal_reason completed, no errors[]
        AgentResult refused = decode(
                1,
                "{\"type\":\"system\",\"subtype\":\"api_retry\",\"attempt\":1,\"max_retries\":10,"
                        + "\"retry_delay_ms\":600,\"error_status\":null,\"error\":\"unknown\",\"session_id\":\"s\"}",
                "{\"type\":\"assistant\",\"message\":{\"model\":\"<synthetic>\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"API Error: Unable to connect to API (ConnectionRefused)\"}]},\"error\":\"server_error\"}",
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"terminal_reason\":\"completed\","
                        + "\"api_error_status\":null,\"result\":\"API Error: Unable to connect to API (ConnectionRefused)\","
                        + "\"total_cost_usd\":0,\"session_id\":\"s\"}");
        assertThat(refused.errorKind()).isEqualTo(ErrorKind.NETWORK);
        AgentResult noCode = decode(
                1,
                "{\"type\":\"assistant\",\"message\":{\"model\":\"<synthetic>\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"API Error: Unable to connect to API. Check your internet connection\"}]},"
                        + "\"error\":\"server_error\"}",
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"terminal_reason\":\"completed\","
                        + "\"api_error_status\":null,\"result\":\"API Error: Unable to connect to API. Check your "
                        + "internet connection\",\"session_id\":\"s\"}");
        assertThat(noCode.errorKind()).isEqualTo(ErrorKind.NETWORK);
        AgentResult overloaded = decode(
                1,
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"terminal_reason\":\"completed\","
                        + "\"api_error_status\":529,\"result\":\"API Error: 529 Overloaded\",\"session_id\":\"s\"}");
        assertThat(overloaded.errorKind()).isEqualTo(ErrorKind.OVERLOADED);
        AgentResult unknownServerError = decode(
                1,
                "{\"type\":\"assistant\",\"message\":{\"model\":\"<synthetic>\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"API Error\"}]},\"error\":\"server_error\"}",
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"terminal_reason\":\"completed\","
                        + "\"api_error_status\":null,\"result\":\"API Error\",\"session_id\":\"s\"}");
        assertThat(unknownServerError.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
    }

    @Test
    void theBudgetStopWithZeroUsageTakesTheTokensFromModelUsage() {
        AgentResult r = decode(
                1,
                "{\"type\":\"result\",\"subtype\":\"error_max_budget_usd\",\"is_error\":true,\"session_id\":\"s\","
                        + "\"total_cost_usd\":0.31,\"usage\":{\"input_tokens\":0,\"output_tokens\":0,"
                        + "\"cache_read_input_tokens\":0,\"cache_creation_input_tokens\":0},\"modelUsage\":{"
                        + "\"claude-opus-4-7\":{\"inputTokens\":10,\"outputTokens\":2000,\"cacheReadInputTokens\":30000,"
                        + "\"cacheCreationInputTokens\":4000,\"costUSD\":0.3},\"claude-haiku-4-5\":{\"inputTokens\":5,"
                        + "\"outputTokens\":7,\"cacheReadInputTokens\":0,\"cacheCreationInputTokens\":0,\"costUSD\":0.01}},"
                        + "\"errors\":[\"Reached maximum budget ($0.3)\"]}");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(r.tokens()).isEqualTo(new TokenUsage(15, 2007, 30000, 4000));
        assertThat(activities)
                .filteredOn(a -> a.type().equals("usage"))
                .singleElement()
                .satisfies(a -> assertThat(a.details()).containsEntry("output_tokens", "2007"));
    }

    @Test
    void aTimeoutDuringApiRetriesReportsTheThrottling() {
        ClaudeStreamDecoder d = decoder("x");
        d.onLine("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}");
        for (int i = 1; i <= 4; i++) {
            d.onLine("{\"type\":\"system\",\"subtype\":\"api_retry\",\"attempt\":" + i + ",\"max_retries\":10,"
                    + "\"retry_delay_ms\":1000,\"error_status\":429,\"error\":\"rate_limit\"}");
        }
        AgentResult r = d.finish(new ProcessExit(143, true, false, false, "", Duration.ofSeconds(60), null));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(r.errorMessage()).contains("4 api_retry lines").contains("HTTP 429");
        ClaudeStreamDecoder network = decoder("x");
        network.onLine("{\"type\":\"system\",\"subtype\":\"api_retry\",\"attempt\":1,\"max_retries\":10,"
                + "\"retry_delay_ms\":1000,\"error_status\":null,\"error\":\"unknown\"}");
        AgentResult n = network.finish(new ProcessExit(143, true, false, false, "", Duration.ofSeconds(60), null));
        assertThat(n.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(n.errorMessage()).contains("1 api_retry line,").contains("without an HTTP status");
    }
}
