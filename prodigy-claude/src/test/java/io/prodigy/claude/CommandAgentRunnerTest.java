package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.testing.ClaudeDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generic runner: the Codex configuration against a Codex double, templates, and the plain-text parser. */
class CommandAgentRunnerTest {
    @TempDir
    Path tmp;

    private Path codex;
    private Path log;
    private Path workspace;
    private final List<AgentActivity> activities = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        codex = tmp.resolve("codex");
        ClaudeDouble.copyExecutable("/io/prodigy/claude/testing/codex", codex);
        log = tmp.resolve("codex.log");
        workspace = Files.createDirectories(tmp.resolve("workspace"));
    }

    private AgentResult run(AgentRunner runner, String command) throws InterruptedException {
        return runner.run(AgentRequest.builder(command, workspace)
                .timeout(Duration.ofSeconds(20))
                .runId("run-9")
                .itemId("item-2")
                .stepLabel("codex step")
                .stateDirectory(tmp.resolve("state"))
                .activity(activities::add)
                .build());
    }

    private CommandAgentRunner codexRunner() {
        return CommandAgentRunner.codex()
                .executable(codex.toString())
                .addArguments("-m", "gpt-5.5")
                .environment("FAKE_CODEX_LOG", log.toString())
                .build();
    }

    @Test
    void codexSuccess() throws Exception {
        AgentResult r = run(codexRunner(), "Fix the bug in app.py");
        assertThat(r.success()).as(r.errorMessage()).isTrue();
        assertThat(r.output()).isEqualTo("Fixed the bug in src/app.py.");
        assertThat(r.sessionId()).isEqualTo("0199a213-81c0-7800-8aa1-bbab2a035a53");
        assertThat(r.tokens()).isEqualTo(new TokenUsage(315, 122, 24448, 0));
        assertThat(r.costUsd()).isNull();
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(r.transcript())).contains("turn.completed");
        assertThat(activities)
                .extracting(AgentActivity::type)
                .containsExactly("session_started", "tool_use", "tool_use", "message", "usage");
        assertThat(activities)
                .extracting(AgentActivity::summary)
                .contains("Bash bash -lc ls", "Edit src/app.py", "Fixed the bug in src/app.py.");
        List<String> logged = Files.readAllLines(log);
        assertThat(logged.get(0)).startsWith("--- ").endsWith(" " + workspace);
        assertThat(logged.subList(1, logged.size()))
                .containsExactly(
                        "--json",
                        "--skip-git-repo-check",
                        "--sandbox",
                        "workspace-write",
                        "Fix the bug in app.py",
                        "-m",
                        "gpt-5.5");
    }

    @Test
    void codexFailureQuotaAndCrash() throws Exception {
        AgentResult failed = run(codexRunner(), "Work fake:fail");
        assertThat(failed.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(failed.errorMessage()).contains("model not supported");
        assertThat(activities).extracting(AgentActivity::type).contains("api_retry");

        Instant before = Instant.now();
        AgentResult quota = run(codexRunner(), "Work fake:quota");
        assertThat(quota.errorKind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(quota.retryAfter())
                .isBetween(before.plus(Duration.ofMinutes(125)), Instant.now().plus(Duration.ofMinutes(125)));

        AgentResult crash = run(codexRunner(), "Work fake:crash");
        assertThat(crash.errorKind()).isEqualTo(ErrorKind.CRASH);
        assertThat(crash.output()).isEqualTo("Starting");
        assertThat(crash.errorMessage()).contains("without finishing its turn").contains("panicked");
    }

    @Test
    void templatePlaceholdersAreReplacedInsideOneArgument() throws Exception {
        CommandAgentRunner runner = CommandAgentRunner.builder(
                        "printf",
                        "%s|%s|%s|%s\\n",
                        "{prompt}",
                        "run={run_id} item={item_id}",
                        "{step}",
                        "in {workspace} {unknown}")
                .build();
        AgentResult r = run(runner, "a 'quoted' $prompt; rm -rf /");
        assertThat(r.success()).isTrue();
        assertThat(r.output())
                .isEqualTo(
                        "a 'quoted' $prompt; rm -rf /|run=run-9 item=item-2|codex step|in " + workspace + " {unknown}");
        assertThat(runner.commandLine(AgentRequest.builder("p", workspace)
                        .runId("r")
                        .stepLabel("s")
                        .stateDirectory(null)
                        .build()))
                .containsExactly("printf", "%s|%s|%s|%s\\n", "p", "run=r item=", "s", "in " + workspace + " {unknown}");
        assertThatThrownBy(
                        () -> CommandAgentRunner.builder("agent", "--no-prompt").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{prompt}");
    }

    @Test
    void plainTextFailuresAreClassifiedFromTheirText() throws Exception {
        CommandAgentRunner limited = CommandAgentRunner.builder(
                        "sh",
                        "-c",
                        "echo working; echo 'API Error: Request rejected (429)' >&2; exit 1",
                        "agent",
                        "{prompt}")
                .build();
        AgentResult r = run(limited, "x");
        assertThat(r.errorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(r.output()).isEqualTo("working");
        assertThat(r.exitCode()).isEqualTo(1);

        CommandAgentRunner broken = CommandAgentRunner.builder(
                        "sh", "-c", "echo 'no such file' >&2; exit 3", "agent", "{prompt}")
                .name("Aider")
                .build();
        AgentResult b = run(broken, "x");
        assertThat(b.errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(b.errorMessage()).contains("exited with code 3").contains("no such file");
    }

    @Test
    void theClaudeParserFitsClaudeLikeClis() throws Exception {
        ClaudeDouble claude = ClaudeDouble.install(tmp.resolve("double"));
        CommandAgentRunner runner = CommandAgentRunner.builder(
                        claude.executable().toString(), "-p", "{prompt}", "--output-format", "stream-json", "--verbose")
                .name("cursor-agent")
                .parser(AgentOutputParser.claudeStreamJson())
                .environment(ClaudeDouble.LOG_VARIABLE, claude.logFile().toString())
                .build();
        AgentResult r = run(runner, "Work");
        assertThat(r.success()).isTrue();
        assertThat(r.costUsd()).isCloseTo(ClaudeDouble.SUCCESS_COST, within(1e-12));
        assertThat(r.sessionId()).isEqualTo(claude.calls().get(0).sessionId());
    }
}
