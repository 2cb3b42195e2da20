package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.testing.MockMessagesApi;
import io.prodigy.claude.testing.MockMessagesApi.Reply;
import io.prodigy.claude.testing.RealClaudeCli;
import io.prodigy.claude.testing.RecordedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClaudeCodeRunner} driving the real Claude Code CLI ({@link RealClaudeCli#VERSION}, installed by
 * {@code .ci/run}), offline against {@link MockMessagesApi}: a text answer, a Bash tool call that commits, throttling,
 * authentication and request errors, dropped, refused and hung connections, slash commands, turn and budget limits.
 * Skipped loudly where the CLI is not installed.
 *
 * <p>With {@code -Dprodigy.claude.recordFixtures=<directory>} every run's stream-json is also written there as a
 * fixture ({@link RecordedFixtures}); the project's copies live in
 * {@code src/test/resources/io/prodigy/claude/fixtures/claude-code-<version>/}.
 */
class RealClaudeCliTest {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private RealClaudeCli cli;
    private MockMessagesApi api;
    private Path workspace;
    private Path home;
    private final List<AgentActivity> activities = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        cli = RealClaudeCli.require();
        api = MockMessagesApi.start();
        home = Files.createDirectories(tmp.resolve("home"));
        workspace = Files.createDirectories(tmp.resolve("workspace"));
        git("init", "-q", "-b", "main");
        Files.writeString(workspace.resolve("README.md"), "project\n");
        git("add", "-A");
        git("commit", "-q", "-m", "initial");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (api != null) {
            api.close();
        }
        // no process of the CLI outlives its run (the hang and timeout cases included)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!survivors().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(survivors()).as("processes of the CLI still running").isEmpty();
    }

    private List<String> survivors() {
        if (cli == null) {
            return List.of();
        }
        String exe = cli.executable().toString();
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(c -> c.contains(exe) || c.contains("claude.exe"))
                .toList();
    }

    private ClaudeCodeRunner.Builder runner(String baseUrl) {
        return ClaudeCodeRunner.builder()
                .executable(cli.executable())
                .environment(RealClaudeCli.offlineEnvironment(baseUrl, home));
    }

    private ClaudeCodeRunner.Builder runner() {
        return runner(api.baseUrl());
    }

    private AgentResult run(ClaudeCodeRunner.Builder runner, String command, Duration timeout, String fixture)
            throws Exception {
        AgentRequest request = AgentRequest.builder(command, workspace)
                .timeout(timeout)
                .runId("run-1")
                .itemId("item-1")
                .stepLabel("claude")
                .stateDirectory(tmp.resolve("state"))
                .activity(activities::add)
                .build();
        AgentResult r = runner.build().run(request);
        RecordedFixtures.recordIfAsked(fixture, r, tmp);
        return r;
    }

    private AgentResult run(ClaudeCodeRunner.Builder runner, String command, String fixture) throws Exception {
        return run(runner, command, LIMIT, fixture);
    }

    private List<AgentActivity> activities(String type) {
        synchronized (activities) {
            return activities.stream().filter(a -> a.type().equals(type)).toList();
        }
    }

    @Test
    void aTextAnswer() throws Exception {
        api.fallback(Reply.text("Hello from the mock API."));
        AgentResult r = run(runner(), "Say hello", "text");
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.output()).isEqualTo("Hello from the mock API.");
        assertThat(r.exitCode()).isZero();
        assertThat(r.tokens()).isEqualTo(new TokenUsage(120, 40, 0, 0));
        assertThat(r.costUsd()).isPositive();
        assertThat(activities("session_started"))
                .singleElement()
                .satisfies(a -> assertThat(a.details())
                        .containsEntry("claude_code_version", cli.version())
                        .containsEntry("session_id", r.sessionId())
                        .containsEntry("permission_mode", "bypassPermissions")
                        .containsEntry("cwd", workspace.toString()));
        List<MockMessagesApi.Request> calls = api.messageCalls();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).uri()).startsWith("/v1/messages");
        assertThat(calls.get(0).headers()).containsEntry("x-api-key", "test");
        assertThat(calls.get(0).body().path("stream").asBoolean()).isTrue();
        // the runner bounds the CLI's own retries; the recorded transcript is the CLI's stream
        assertThat(Files.readString(r.transcript())).contains("\"claude_code_version\":\"" + cli.version() + "\"");
    }

    @Test
    void aBashToolCallCommitsAFileAndTheAnswerFollowsTheToolResult() throws Exception {
        String before = git("rev-parse", "HEAD");
        api.enqueue(Reply.toolUse(
                "I will commit the file.",
                "Bash",
                "{\"command\":\"printf 'made by the agent\\\\n' > agent.txt && git add agent.txt && git commit -q -m "
                        + "'Add agent.txt' && git log -1 --format=%s\",\"description\":\"Commit agent.txt\"}"));
        api.fallback(Reply.text("Committed agent.txt."));
        AgentResult r = run(runner(), "Add agent.txt and commit it", "bash-commit");
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.output()).isEqualTo("Committed agent.txt.");
        assertThat(Files.readString(workspace.resolve("agent.txt"))).isEqualTo("made by the agent\n");
        assertThat(git("log", "-1", "--format=%s")).isEqualTo("Add agent.txt");
        assertThat(git("rev-parse", "HEAD~1")).isEqualTo(before);
        List<MockMessagesApi.Request> calls = api.messageCalls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).toolResults()).singleElement().asString().contains("Add agent.txt");
        assertThat(r.tokens()).isEqualTo(new TokenUsage(240, 80, 0, 0));
        assertThat(activities("tool_use"))
                .singleElement()
                .extracting(AgentActivity::summary)
                .asString()
                .startsWith("Bash printf");
        assertThat(activities("message"))
                .extracting(AgentActivity::summary)
                .containsExactly("I will commit the file.", "Committed agent.txt.");
    }

    @Test
    void a429ForTheFirstCallIsRetriedByTheCliOnceAndTheRunSucceeds() throws Exception {
        api.enqueue(Reply.error(
                429, "rate_limit_error", "Number of request tokens has exceeded your per-minute " + "rate limit", 1));
        api.fallback(Reply.text("Done after one retry."));
        AgentResult r = run(runner(), "Work", "rate-limit-then-success");
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.output()).isEqualTo("Done after one retry.");
        assertThat(api.messageCalls()).hasSize(2);
        assertThat(activities("api_retry"))
                .singleElement()
                .satisfies(a -> assertThat(a.details())
                        .containsEntry("error_status", "429")
                        .containsEntry("error", "rate_limit")
                        .containsEntry("max_retries", String.valueOf(ClaudeCodeRunner.DEFAULT_MAX_API_RETRIES)));
    }

    @Test
    void aPersistent429FailsRateLimitedAfterTheBoundedRetries() throws Exception {
        api.fallback(Reply.error(
                429, "rate_limit_error", "Number of request tokens has exceeded your per-minute " + "rate limit", 1));
        long start = System.nanoTime();
        AgentResult r = run(runner(), "Work", "rate-limit-429");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(r.errorMessage()).contains("HTTP 429").contains("Request rejected (429)");
        // CLAUDE_CODE_MAX_RETRIES=2: three calls within seconds, not ten retries over three minutes
        assertThat(api.messageCalls()).hasSize(1 + ClaudeCodeRunner.DEFAULT_MAX_API_RETRIES);
        assertThat(activities("api_retry")).hasSize(ClaudeCodeRunner.DEFAULT_MAX_API_RETRIES);
        assertThat(took).isLessThan(Duration.ofSeconds(45));
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void overloadedForMoreCallsThanTheCliRetriesFailsOverloaded() throws Exception {
        for (int i = 0; i < 3; i++) {
            api.enqueue(Reply.error(529, "overloaded_error", "Overloaded", null));
        }
        api.fallback(Reply.text("never reached"));
        AgentResult r = run(runner(), "Work", "overloaded-529");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(r.errorMessage()).contains("HTTP 529");
        assertThat(api.messageCalls()).hasSize(3);
    }

    @Test
    void aTimeoutThatCutsARetryStormReportsTheThrottling() throws Exception {
        api.fallback(Reply.error(429, "rate_limit_error", "rate limited", null));
        AgentResult r = run(runner().maxApiRetries(10), "Work", Duration.ofSeconds(6), null);
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(r.errorMessage())
                .contains("did not finish within 6s")
                .contains("api_retry")
                .contains("HTTP 429");
        assertThat(activities("api_retry"))
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a.details()).containsEntry("max_retries", "10"));
    }

    @Test
    void aRejectedKeyIsAuthentication() throws Exception {
        api.fallback(Reply.error(401, "authentication_error", "invalid x-api-key", null));
        AgentResult r = run(runner(), "Work", "auth-401");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(r.errorKind().isTransient()).isFalse();
        assertThat(r.errorMessage()).contains("HTTP 401");
    }

    @Test
    void aBadRequestIsPermanent() throws Exception {
        api.fallback(Reply.error(400, "invalid_request_error", "messages: at least one message is required", null));
        AgentResult r = run(runner(), "Work", "bad-request-400");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(r.errorMessage()).contains("HTTP 400").contains("at least one message is required");
    }

    @Test
    void aBillingErrorIsBilling() throws Exception {
        api.fallback(Reply.error(
                400,
                "invalid_request_error",
                "Your credit balance is too low to access the "
                        + "Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
                null));
        AgentResult r = run(runner(), "Work", "billing-400");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.BILLING);
    }

    @Test
    void aDroppedConnectionIsNetwork() throws Exception {
        api.fallback(Reply.drop());
        AgentResult r = run(runner(), "Work", "connection-dropped");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.NETWORK);
        assertThat(r.errorKind().isTransient()).isTrue();
        assertThat(api.messageCalls()).hasSize(1 + ClaudeCodeRunner.DEFAULT_MAX_API_RETRIES);
    }

    @Test
    void aRefusedConnectionIsNetwork() throws Exception {
        AgentResult r = run(runner(MockMessagesApi.refusingUrl()), "Work", "connection-refused");
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.NETWORK);
        assertThat(r.errorMessage()).containsIgnoringCase("refused");
        assertThat(activities("api_retry"))
                .hasSize(ClaudeCodeRunner.DEFAULT_MAX_API_RETRIES)
                .allSatisfy(a -> assertThat(a.details()).doesNotContainKey("error_status"));
    }

    @Test
    void aHungResponseIsEndedByTheTimeout() throws Exception {
        api.fallback(Reply.hang());
        AgentResult r = run(runner(), "Work", Duration.ofSeconds(6), null);
        assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(r.errorMessage()).contains("did not finish within 6s");
        assertThat(r.sessionId()).isNotNull();
        assertThat(api.awaitMessageCalls(1, Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void aNamespacedCommandRunsOnlyUnderItsFullName() throws Exception {
        Path commands = Files.createDirectories(workspace.resolve(".claude/commands/sub"));
        Files.writeString(commands.resolve("nested.md"), "Say the nested words for $ARGUMENTS\n");
        api.fallback(Reply.text("Nested words."));

        AgentResult full = run(runner(), "/sub:nested item-3", "slash-namespaced");
        assertThat(full.success()).as(full.errorMessage()).isTrue();
        assertThat(api.messageCalls().get(0).body().toString()).contains("Say the nested words for item-3");

        AgentResult shortName = run(runner(), "/nested item-3", "slash-unknown");
        assertThat(shortName.success()).isFalse();
        assertThat(shortName.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(shortName.errorMessage()).contains("/nested").contains("it knows /sub:nested");
        assertThat(api.messageCalls().get(api.messageCalls().size() - 1).body().toString())
                .doesNotContain("Say the nested words for item-3");
    }

    @Test
    void theTurnLimitIsMaxTurns() throws Exception {
        api.fallback(Reply.toolUse(null, "Bash", "{\"command\":\"echo again\",\"description\":\"Again\"}"));
        AgentResult r = run(runner().maxTurns(2), "Loop", "max-turns");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.MAX_TURNS);
        assertThat(r.errorMessage()).contains("turn limit");
        assertThat(r.costUsd()).isPositive();
        assertThat(r.tokens().inputTokens()).isPositive();
    }

    @Test
    void theBudgetStopKeepsTheTokensOfModelUsage() throws Exception {
        api.fallback(Reply.toolUse(null, "Bash", "{\"command\":\"echo again\",\"description\":\"Again\"}"));
        AgentResult r = run(runner().maxBudgetUsd(0.002), "Loop", "max-budget");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(r.errorMessage()).contains("per-call budget");
        assertThat(r.costUsd()).isGreaterThan(0.002);
        // every call reports 120 in / 40 out; the result's usage field does not hold them all, modelUsage does
        int calls = api.messageCalls().size();
        assertThat(calls).isGreaterThanOrEqualTo(2);
        assertThat(r.tokens()).isEqualTo(new TokenUsage(120L * calls, 40L * calls, 0, 0));
        String resultLine = Files.readAllLines(r.transcript(), StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("\"error_max_budget_usd\""))
                .findFirst()
                .orElseThrow();
        assertThat(resultLine).doesNotContain("\"usage\":{\"input_tokens\":" + 120L * calls + ",");
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@x.invalid"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(workspace.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }
}
