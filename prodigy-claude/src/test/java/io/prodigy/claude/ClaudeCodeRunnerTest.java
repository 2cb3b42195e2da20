package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.testing.ClaudeDouble;
import io.prodigy.testkit.GitRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against every scenario of the claude test double: outcome class, extracted fields, transcript. */
class ClaudeCodeRunnerTest {
    @TempDir
    Path tmp;

    private ClaudeDouble claude;
    private Path workspace;
    private Path state;
    private final List<AgentActivity> activities = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        claude = ClaudeDouble.install(tmp.resolve("double"));
        workspace = Files.createDirectories(tmp.resolve("workspace"));
        state = tmp.resolve("state");
    }

    private AgentResult run(ClaudeCodeRunner runner, String command) throws InterruptedException {
        return runner.run(AgentRequest.builder(command, workspace)
                .environment(Map.of("PRODIGY_ITEM_ID", "item-7"))
                .timeout(Duration.ofSeconds(20))
                .runId("run-1")
                .itemId("item-7")
                .stepLabel("claude: fix")
                .stateDirectory(state)
                .activity(activities::add)
                .build());
    }

    private AgentResult run(String command) throws InterruptedException {
        return run(claude.runner().build(), command);
    }

    private List<AgentActivity> activities(String type) {
        synchronized (activities) {
            return activities.stream().filter(a -> a.type().equals(type)).collect(Collectors.toList());
        }
    }

    private ClaudeDouble.Call onlyCall() {
        assertThat(claude.calls()).hasSize(1);
        return claude.calls().get(0);
    }

    @Test
    void successExtractsTheResultAndKeepsTheTranscript() throws Exception {
        AgentResult r = run("Fix the flaky test in util");

        assertThat(r.success()).isTrue();
        assertThat(r.errorKind()).isNull();
        assertThat(r.output()).isEqualTo("Done: Fix the flaky test in util");
        assertThat(r.exitCode()).isZero();
        assertThat(r.costUsd()).isEqualTo(ClaudeDouble.SUCCESS_COST);
        assertThat(r.tokens()).isEqualTo(new TokenUsage(12, 345, 1000, 200));
        assertThat(r.duration()).isPositive();
        ClaudeDouble.Call call = onlyCall();
        assertThat(r.sessionId())
                .isEqualTo(call.sessionId())
                .isEqualTo(call.option("--session-id"))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

        Path transcript = r.transcript();
        assertThat(transcript)
                .isEqualTo(state.resolve("transcripts").resolve("item-7.claude_fix." + r.sessionId() + ".jsonl"));
        List<String> lines = Files.readAllLines(transcript, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0))
                .startsWith("{\"type\":\"system\",\"subtype\":\"init\"")
                .contains(r.sessionId());
        assertThat(lines.get(5)).contains("\"type\":\"result\"").contains("\"total_cost_usd\":0.0425");
        assertThat(Files.exists(transcript.resolveSibling("item-7.claude_fix." + r.sessionId() + ".stderr.txt")))
                .isFalse();

        assertThat(activities)
                .extracting(AgentActivity::type)
                .containsExactly("session_started", "message", "tool_use", "message", "usage");
        AgentActivity started = activities.get(0);
        assertThat(started.details())
                .containsEntry("model", ClaudeDouble.DEFAULT_MODEL)
                .containsEntry("session_id", r.sessionId())
                .containsEntry("transcript", transcript.toString())
                .containsEntry("cwd", workspace.toString())
                .containsEntry("permission_mode", "bypassPermissions");
        assertThat(activities.get(1).summary()).isEqualTo("Working on: Fix the flaky test in util");
        assertThat(activities.get(2).summary()).isEqualTo("Read " + workspace.resolve("README.md"));
        assertThat(activities.get(2).details())
                .containsEntry("tool", "Read")
                .containsEntry("tool_use_id", "toolu_fake01");
        assertThat(activities.get(4).details())
                .containsEntry("num_turns", "2")
                .containsEntry("cost_usd", "0.0425")
                .containsEntry("output_tokens", "345");
    }

    @Test
    void argumentsAndEnvironmentFollowTheProtocol() throws Exception {
        ClaudeCodeRunner runner = claude.runner()
                .model("opus")
                .maxTurns(12)
                .allowedTools("Read", "Bash(git commit:*)")
                .disallowedTools("WebFetch")
                .appendSystemPrompt("Commit when done.")
                .maxBudgetUsd(0.75)
                .mcpConfig("{\"mcpServers\":{}}", true)
                .extraArgs("--add-dir", tmp.toString())
                .environment("CLAUDECODE", "1")
                .environment("ANTHROPIC_API_KEY", "sk-test")
                .build();
        AgentResult r = runner.run(AgentRequest.builder("/fix-item {\"id\": 3}", workspace)
                .environment(Map.of("CLAUDE_CODE_ENTRYPOINT", "cli", "PRODIGY_ITEM_ID", "item-3"))
                .runId("run-1")
                .itemId("item-3")
                .stepLabel("fix")
                .stateDirectory(state)
                .build());

        ClaudeDouble.Call call = onlyCall();
        assertThat(call.argv())
                .containsExactly(
                        "-p",
                        "/fix-item {\"id\": 3}",
                        "--output-format",
                        "stream-json",
                        "--verbose",
                        "--permission-mode",
                        "bypassPermissions",
                        "--model",
                        "opus",
                        "--max-turns",
                        "12",
                        "--max-budget-usd",
                        "0.75",
                        "--append-system-prompt",
                        "Commit when done.",
                        "--allowedTools",
                        "Read,Bash(git commit:*)",
                        "--disallowedTools",
                        "WebFetch",
                        "--mcp-config",
                        "{\"mcpServers\":{}}",
                        "--strict-mcp-config",
                        "--session-id",
                        r.sessionId(),
                        "--add-dir",
                        tmp.toString());
        assertThat(call.cwd()).isEqualTo(workspace.toString());
        assertThat(call.stdinBytes()).isZero();
        assertThat(call.env())
                .doesNotContainKeys("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT")
                .containsEntry("DISABLE_AUTOUPDATER", "1")
                .containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("PRODIGY_AUTOMATION", "true")
                .containsEntry("PRODIGY_ITEM_ID", "item-3")
                .containsEntry("ANTHROPIC_API_KEY", "true");
        // the slash command is unknown in this workspace: the CLI answers it with prose and reports success
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(r.errorMessage()).contains("/fix-item").contains(".claude/commands/fix-item.md");
        assertThat(r.output()).contains("no /fix-item command");
    }

    @Test
    void aKnownSlashCommandRunsAndTheCheckCanBeTurnedOff() throws Exception {
        assertThat(run(claude.runner().verifySlashCommands(false).build(), "/fix-item 3")
                        .success())
                .isTrue();
        Files.createDirectories(workspace.resolve(".claude/commands"));
        Files.writeString(workspace.resolve(".claude/commands/fix-item.md"), "Fix item $ARGUMENTS\n");
        AgentResult r = run("/fix-item 3");
        assertThat(r.success()).isTrue();
        assertThat(r.output()).isEqualTo("Done: /fix-item 3");
    }

    @Test
    void legacyBypassFlagAndAPromptThatLooksLikeAnOption() throws Exception {
        AgentResult r = run(
                claude.runner()
                        .dangerouslySkipPermissions()
                        .preassignSessionId(false)
                        .build(),
                "--help me");
        assertThat(r.success()).isTrue();
        assertThat(r.output()).isEqualTo("Done: --help me");
        ClaudeDouble.Call call = onlyCall();
        assertThat(call.argv())
                .containsExactly(
                        "-p",
                        "--output-format",
                        "stream-json",
                        "--verbose",
                        "--dangerously-skip-permissions",
                        "--",
                        "--help me");
        assertThat(r.sessionId()).isEqualTo(call.sessionId());
    }

    @Test
    void editChangesTheWorkspace() throws Exception {
        AgentResult r = run("Add a line " + ClaudeDouble.scenario("edit"));
        assertThat(r.success()).isTrue();
        assertThat(r.costUsd()).isEqualTo(ClaudeDouble.EDIT_COST);
        assertThat(Files.readString(workspace.resolve("fake-item-7.txt"))).startsWith("Add a line fake:edit");
        assertThat(activities("tool_use"))
                .extracting(AgentActivity::summary)
                .containsExactly("Edit " + workspace.resolve("fake-item-7.txt"));
    }

    @Test
    void commitCreatesACommit() throws Exception {
        try (GitRepository repo = GitRepository.create(tmp)) {
            workspace = repo.directory();
            AgentResult r = run("Fix and commit " + ClaudeDouble.scenario("commit"));
            assertThat(r.success()).as(r.errorMessage()).isTrue();
            assertThat(r.output()).isEqualTo("Committed: fake: update fake-item-7.txt");
            assertThat(repo.log(GitRepository.MAIN))
                    .extracting(GitRepository.Commit::subject)
                    .containsExactly("fake: update fake-item-7.txt", GitRepository.INITIAL_COMMIT);
            assertThat(activities("tool_use"))
                    .extracting(AgentActivity::summary)
                    .last()
                    .asString()
                    .startsWith("Bash printf")
                    .contains("&& git add -A && git commit");
        }
    }

    @Test
    void failIsAnExecutionErrorThatStillCosts() throws Exception {
        AgentResult r = run("Run the tests " + ClaudeDouble.scenario("fail"));
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(r.errorMessage())
                .contains("error_during_execution")
                .contains("Tool execution failed")
                .contains("transcript: " + r.transcript());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.costUsd()).isEqualTo(ClaudeDouble.FAIL_COST);
        assertThat(r.sessionId()).isNotNull();
        assertThat(activities("tool_error"))
                .extracting(AgentActivity::summary)
                .containsExactly("make: *** [test] Error 1");
    }

    @Test
    void maxTurnsFromTheCapAndFromTheScenario() throws Exception {
        AgentResult capped = run(claude.runner().maxTurns(1).build(), "Long task");
        assertThat(capped.success()).isFalse();
        assertThat(capped.errorKind()).isEqualTo(ErrorKind.MAX_TURNS);
        assertThat(capped.errorMessage()).contains("turn limit").contains("Reached maximum number of turns (1)");
        assertThat(claude.calls().get(0).option("--max-turns")).isEqualTo("1");

        AgentResult scenario = run("Long task " + ClaudeDouble.scenario("max_turns"));
        assertThat(scenario.errorKind()).isEqualTo(ErrorKind.MAX_TURNS);
        assertThat(scenario.costUsd()).isEqualTo(0.0087);
    }

    @Test
    void rateLimitIsTransientAndForwardsTheRetries() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("rate_limit"));
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(r.errorKind().isTransient()).isTrue();
        assertThat(r.errorMessage()).contains("HTTP 429").contains("Request rejected (429)");
        assertThat(r.retryAfter()).isNull();
        assertThat(r.costUsd()).isEqualTo(0.0);
        // the runner bounds the CLI's own retries (CLAUDE_CODE_MAX_RETRIES=2): the engine's throttle owns retrying
        assertThat(onlyCall().env()).containsEntry("CLAUDE_CODE_MAX_RETRIES", "2");
        assertThat(activities("api_retry"))
                .hasSize(2)
                .first()
                .extracting(AgentActivity::summary)
                .isEqualTo("API retry 1/2 after HTTP 429 (rate_limit)");
    }

    @Test
    void overloaded() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("overloaded"));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(r.errorMessage()).contains("HTTP 529").contains("Overloaded");
    }

    @Test
    void quotaCarriesTheResetTime() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("quota:1800000000"));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(r.retryAfter()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
        assertThat(r.errorMessage())
                .contains("quota is exhausted until 2027-01-15T08:00:00Z")
                .contains("You've hit your session limit");
        assertThat(activities("rate_limit"))
                .singleElement()
                .satisfies(a -> assertThat(a.details())
                        .containsEntry("status", "rejected")
                        .containsEntry("rate_limit_type", "five_hour")
                        .containsEntry("resets_at", "2027-01-15T08:00:00Z"));
    }

    @Test
    void legacyQuotaTextCarriesTheResetTime() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("quota_legacy:1800003600"));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(r.retryAfter()).isEqualTo(Instant.ofEpochSecond(1_800_003_600L));
    }

    @Test
    void authenticationAndBillingArePermanent() throws Exception {
        AgentResult auth = run("Work " + ClaudeDouble.scenario("auth"));
        assertThat(auth.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(auth.errorKind().isTransient()).isFalse();
        assertThat(auth.errorMessage())
                .contains("HTTP 401")
                .contains("Invalid API key")
                .contains("ANTHROPIC_API_KEY");

        AgentResult credit = run("Work " + ClaudeDouble.scenario("credit"));
        assertThat(credit.errorKind()).isEqualTo(ErrorKind.BILLING);
        assertThat(credit.errorMessage()).contains("Credit balance is too low");
    }

    @Test
    void anErrorResultWithExitCodeZeroIsAFailure() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("api_error_exit0"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
    }

    @Test
    void permissionDenialsAreReportedAndCanFailTheRun() throws Exception {
        AgentResult lenient = run("Clean " + ClaudeDouble.scenario("denied"));
        assertThat(lenient.success()).isTrue();
        assertThat(activities("permission_denied"))
                .singleElement()
                .extracting(AgentActivity::summary)
                .isEqualTo("1 tool call(s) were denied: Bash");

        AgentResult strict =
                run(claude.runner().failOnPermissionDenials(true).build(), "Clean " + ClaudeDouble.scenario("denied"));
        assertThat(strict.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(strict.errorMessage()).contains("denied 1 tool call(s) (Bash)");
    }

    @Test
    void crashWithoutAResultLine() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("crash"));
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CRASH);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errorMessage())
                .contains("exited with code 1 without a result line after 2 output lines")
                .contains("TypeError: Cannot read properties of undefined");
        assertThat(r.sessionId()).isEqualTo(onlyCall().sessionId());
        assertThat(r.output()).isEqualTo("Starting");
        Path stderr = r.transcript()
                .resolveSibling(r.transcript().getFileName().toString().replace(".jsonl", ".stderr.txt"));
        assertThat(Files.readString(stderr)).contains("at processMessage");
    }

    @Test
    void configurationRaceIsATransientCrash() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("config_race"));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CRASH);
        assertThat(r.errorMessage()).contains("~/.claude.json race").contains("configDirectoryPerWorker");
    }

    @Test
    void noiseIsSurvived() throws Exception {
        AgentResult r = run("Work " + ClaudeDouble.scenario("noise"));
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.output()).isEqualTo("Done: Work fake:noise");
        assertThat(r.costUsd()).isEqualTo(ClaudeDouble.SUCCESS_COST);
        assertThat(Files.size(r.transcript())).isGreaterThan(1_100_000);
        assertThat(activities("session_started")).hasSize(1);
        assertThat(activities("message"))
                .extracting(AgentActivity::summary)
                .containsExactly("Working on: Work fake:noise", "Done: Work fake:noise");
    }

    @Test
    void aResultLineOverOneMebibyteIsReadBackFromTheTranscript() throws Exception {
        AgentResult r = run("Write a lot " + ClaudeDouble.scenario("big_result"));
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.output()).hasSize(1_200_000);
        assertThat(r.costUsd()).isEqualTo(0.0333);
        assertThat(r.sessionId()).isEqualTo(onlyCall().sessionId());
    }

    @Test
    void flakyFailsNTimesThenSucceeds() throws Exception {
        String command = "Work " + ClaudeDouble.scenario("flaky:2");
        assertThat(run(command).errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(run(command).errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(run(command).success()).isTrue();
        assertThat(claude.calls())
                .extracting(ClaudeDouble.Call::effective)
                .containsExactly("rate_limit", "rate_limit", "success");
        assertThat(run("Other " + ClaudeDouble.scenario("flaky:1:overloaded")).errorKind())
                .isEqualTo(ErrorKind.OVERLOADED);
    }

    @Test
    void activityIsForwardedWhileTheAgentRuns() throws Exception {
        List<Long> at = Collections.synchronizedList(new ArrayList<>());
        ClaudeCodeRunner runner = claude.runner().build();
        long start = System.nanoTime();
        AgentResult r = runner.run(AgentRequest.builder("Slowly " + ClaudeDouble.scenario("slow:250"), workspace)
                .timeout(Duration.ofSeconds(20))
                .runId("run-1")
                .stepLabel("slow")
                .stateDirectory(state)
                .activity(a -> at.add(System.nanoTime()))
                .build());
        long end = System.nanoTime();
        assertThat(r.success()).isTrue();
        assertThat(at).hasSize(5);
        // the session start arrived about a second before the end: it was forwarded live, not after the exit
        assertThat(Duration.ofNanos(end - at.get(0))).isGreaterThan(Duration.ofMillis(800));
        assertThat(Duration.ofNanos(at.get(0) - start))
                .isLessThan(Duration.ofNanos(end - start).dividedBy(2));
    }

    @Test
    void unknownOptionsAreAConfigurationError() throws Exception {
        AgentResult r = run(claude.runner().extraArgs("--no-such-flag").build(), "Work");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(r.errorMessage()).contains("rejected the arguments").contains("--no-such-flag");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void bypassAsRootIsRefusedWithAHint() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "the CLI only refuses bypass permissions as root");
        AgentResult refused = run(
                claude.runner()
                        .environment(ClaudeDouble.ROOT_CHECK_VARIABLE, "1")
                        .environment("IS_SANDBOX", "0")
                        .build(),
                "Work");
        assertThat(refused.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(refused.errorMessage()).contains("IS_SANDBOX=1").contains("non-root");
        AgentResult sandboxed = run(
                claude.runner()
                        .environment(ClaudeDouble.ROOT_CHECK_VARIABLE, "1")
                        .environment("IS_SANDBOX", "1")
                        .build(),
                "Work");
        assertThat(sandboxed.success()).isTrue();
    }

    @Test
    void aMissingExecutableCannotRunAtAll() {
        ClaudeCodeRunner runner =
                claude.runner().executable(tmp.resolve("nowhere/claude")).build();
        assertThatThrownBy(() -> run(runner, "Work"))
                .isInstanceOf(AgentExecutionException.class)
                .hasMessageContaining("Claude Code could not be started")
                .satisfies(e ->
                        assertThat(((AgentExecutionException) e).retryable()).isFalse());
        ClaudeCodeRunner onPath = ClaudeCodeRunner.builder()
                .executable("claude-not-installed-here")
                .build();
        assertThatThrownBy(() -> run(onPath, "Work"))
                .isInstanceOf(AgentExecutionException.class)
                .hasMessageContaining("on the PATH");
    }

    @Test
    void theDefaultExecutableIsFoundOnTheChildsPath() throws Exception {
        ClaudeCodeRunner runner =
                ClaudeCodeRunner.builder().environment(claude.environment()).build();
        assertThat(runner.commandLine("Work").get(0)).isEqualTo("claude");
        AgentResult r = run(runner, "Work");
        assertThat(r.success()).isTrue();
        assertThat(onlyCall().argv()).startsWith("-p", "Work");
    }

    @Test
    void commandsTooLongForOneArgumentAreRefusedBeforeStarting() throws Exception {
        AgentResult r = run("x".repeat(140_000));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(r.errorMessage()).contains("128 KiB").contains("write_file");
        assertThat(claude.calls()).isEmpty();
        assertThat(run(" ").errorKind()).isEqualTo(ErrorKind.CONFIGURATION);
    }

    @Test
    void withoutAStateDirectoryThereIsNoTranscript() throws Exception {
        AgentResult r = claude.runner()
                .build()
                .run(AgentRequest.builder("Work", workspace)
                        .runId("r")
                        .stepLabel("s")
                        .stateDirectory(null)
                        .build());
        assertThat(r.success()).isTrue();
        assertThat(r.transcript()).isNull();
        assertThat(r.costUsd()).isCloseTo(ClaudeDouble.SUCCESS_COST, within(1e-12));
    }
}
