package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.StepRecord;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.claude.ClaudeCodeRunner;
import io.prodigy.claude.testing.ClaudeDouble;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every complete example of the 0.1.8 whitepaper (01, 02, 03, 04, 08, 09, 10, 11, 12, 13, 14, 17, 18, 19)
 * through the real engine, in a scratch project, with the {@code claude} test double (the Claude Code CLI's
 * protocol, driven by the real {@code ClaudeCodeRunner}) standing in for Claude, a recording agent noting each
 * command and acting on the workspace where an example needs it, and stand-in tools ({@code npm}, {@code pytest},
 * {@code debtmap}...) on the PATH; checks that each means what the whitepaper says.
 */
class WhitepaperRunTest {
    @TempDir
    Path project;

    @TempDir
    Path toolDir;

    @TempDir
    Path home;

    @TempDir
    Path claudeDir;

    private Tools tools;

    @BeforeEach
    void tools() {
        tools = new Tools(toolDir)
                .recording(
                        "python", "pytest", "npm", "node", "tsc", "mypy", "pylint", "just", "generate-work-items.sh");
    }

    @Test
    void mapReduceForAiWorkflowsFiltersSortsAndValidatesEachItem() throws IOException {
        tools.script(
                "analyze-codebase",
                "printf '%s' '{\"items\": [{\"path\": \"a.py\", \"priority\": \"high\", "
                        + "\"score\": 7}, {\"path\": \"b.py\", \"priority\": \"low\", \"score\": 9}, {\"path\": \"c.py\", "
                        + "\"priority\": \"high\", \"score\": 3}]}' > \"$2\"");
        touch("a.py", "c.py");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("01-2-1-mapreduce-for-ai-workflows.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        // filter item.priority == 'high', sort item.score DESC: a (7) before c (3); b is filtered out
        assertThat(byIndex(r))
                .containsExactly(
                        "{\"path\":\"a.py\",\"priority\":\"high\",\"score\":7}",
                        "{\"path\":\"c.py\",\"priority\":\"high\",\"score\":3}");
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/process-item"))
                .containsExactlyInAnyOrder(
                        "/process-item '{\"path\":\"a.py\",\"priority\":\"high\",\"score\":7}'",
                        "/process-item '{\"path\":\"c.py\",\"priority\":\"high\",\"score\":3}'");
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/summarize "))
                .hasSize(1);
        assertThat(r.summary().succeeded()).isEqualTo(2);
    }

    @Test
    void tasksRetryTheTaskUntilItsValidationPasses() {
        // the stand-in compiler fails the first check and passes the next
        tools.script("python", "if [ ! -f .checked-once ]; then touch .checked-once; exit 1; fi");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("02-2-2-tasks.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands()).containsExactly("/modernize-python user.py", "/modernize-python user.py");
        assertThat(tools.calls()).containsExactly("python -m py_compile user.py", "python -m py_compile user.py");
    }

    @Test
    void parallelForeachRunsEachFileAsItsOwnItem() throws IOException {
        touch("a.py", "b.py", "sub/c.py");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("03-2-3-parallel-execution.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands())
                .containsExactlyInAnyOrder(
                        "/add-type-hints ./a.py", "/add-type-hints ./b.py", "/add-type-hints ./sub/c.py");
        assertThat(r.items()).hasSize(3);
    }

    @Test
    void workflowControlSkipsATaskWhoseConditionDoesNotHold() throws IOException {
        Files.writeString(project.resolve("deploy.sh"), "#!/bin/sh\ntouch deployed\n");
        project.resolve("deploy.sh").toFile().setExecutable(true);
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("04-2-4-workflow-control.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands()).containsExactly("/refactor module.py");
        assertThat(tools.calls()).containsExactly("pytest tests/");
        assertThat(r.steps())
                .extracting(StepRecord::label, StepRecord::skipped)
                .contains(org.assertj.core.groups.Tuple.tuple("Deploy if tests pass", true));
        assertThat(project.resolve("deployed")).doesNotExist();
    }

    @Test
    void mapReduceSyntaxRunsSetupMapAndReduce() throws IOException {
        tools.script(
                "analyze-codebase",
                "printf '%s' '{\"items\": [{\"path\": \"x.py\", \"priority\": 1, "
                        + "\"score\": 5}, {\"path\": \"y.py\", \"priority\": 2, \"score\": 8}, {\"path\": \"z.py\", "
                        + "\"priority\": 3, \"score\": 1}]}' > \"$2\"");
        touch("x.py", "y.py");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("08-3-2-mapreduce-syntax.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        // score >= 5, priority DESC
        assertThat(byIndex(r))
                .containsExactly(
                        "{\"path\":\"y.py\",\"priority\":2,\"score\":8}",
                        "{\"path\":\"x.py\",\"priority\":1,\"score\":5}");
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/process "))
                .containsExactlyInAnyOrder(
                        "/process '{\"path\":\"y.py\",\"priority\":2,\"score\":8}'",
                        "/process '{\"path\":\"x.py\",\"priority\":1,\"score\":5}'");
        assertThat(tools.calls()).contains("generate-work-items.sh ", "analyze-codebase --output items.json");
    }

    @Test
    void iterationConstructWithParallelTrueRunsEveryFile() throws IOException {
        touch("a.js", "b.js");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("09-3-3-iteration-constructs.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands())
                .containsExactlyInAnyOrder("/convert-to-typescript ./a.js", "/convert-to-typescript ./b.js");
    }

    @Test
    void capturedOutcomeDrivesTheNextTask() {
        RunResult r = run("10-3-4-variable-reference.yml", new RecordingAgent());
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(tools.calls()).containsExactly("npm build", "npm deploy");
    }

    @Test
    void technicalDebtEliminationCommitsEachFix() throws IOException {
        tools.script(
                "debtmap",
                "printf '%s' '{\"items\": [{\"id\": 1, \"unified_score\": {\"final_score\": 6}}, "
                        + "{\"id\": 2, \"unified_score\": {\"final_score\": 2}}, {\"id\": 3, \"unified_score\": "
                        + "{\"final_score\": 9}}]}' > \"$4\"");
        Files.createDirectories(project.resolve("src"));
        GitWorkspace git = GitWorkspace.init(project);
        RecordingAgent agent = new RecordingAgent((command, workspace) -> {
            if (command.startsWith("/fix-debt-item")) {
                git.commitFile("fix-" + agentCount(command) + ".txt", command);
            }
        });
        RunResult r = run(
                "11-5-1-mapreduce-technical-debt-elimination.yml",
                agent,
                git,
                RunOptions.builder().maxParallel(1).build());
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        // score >= 5, highest first: 3 (9), then 1 (6)
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/fix-debt-item"))
                .containsExactly(
                        "/fix-debt-item --json '{\"id\":3,\"unified_score\":{\"final_score\":9}}'",
                        "/fix-debt-item --json '{\"id\":1,\"unified_score\":{\"final_score\":6}}'");
        assertThat(agent.commands()).contains("/compare-debt-results before/after");
        assertThat(tools.calls())
                .contains(
                        "just coverage-lcov",
                        "debtmap analyze src --output debtmap.json",
                        "debtmap analyze src --output after.json");
    }

    @Test
    void largeScaleRefactoringTypeChecksEachFile() throws IOException {
        touch("m1.py", "m2.py");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("12-5-2-mapreduce-large-scale-refactoring.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands()).contains("/add-type-hints ./m1.py", "/add-type-hints ./m2.py");
        assertThat(tools.calls()).contains("mypy --strict ./m1.py", "mypy --strict ./m2.py", "mypy .");
        assertThat(agent.commands()).noneMatch(c -> c.startsWith("/fix-type-errors"));
    }

    @Test
    void complexMigrationRunsSequentialForeachTasks() throws IOException {
        Files.writeString(project.resolve("a.js"), "doIt(callback)\n");
        Files.writeString(project.resolve("b.js"), "load().then(x)\n");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("13-5-3-complex-migration.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands()).containsExactly("/convert-to-promises a.js", "/convert-to-async b.js");
        assertThat(tools.calls()).containsExactly("npm test -- a.js", "npm test -- b.js");
    }

    @Test
    void parallelExperimentsRunEachApproachInItsOwnItemThenCompare() {
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("14-5-3-parallel-experimentation.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands()).containsExactlyInAnyOrder("/optimize-with-caching", "/optimize-with-indexing");
        assertThat(r.items())
                .extracting(i -> i.itemId())
                .containsExactlyInAnyOrder("approach-caching", "approach-indexing");
        assertThat(tools.calls())
                .containsExactlyInAnyOrder("npm run benchmark", "npm run benchmark", "python compare_benchmarks.py");
        assertThat(tools.calls().get(2)).isEqualTo("python compare_benchmarks.py");
    }

    @Test
    void decomposedTaskRunsOneAgentPerFile() throws IOException {
        touch("src/api/users.js", "src/api/orders.js", "src/lib.js");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("17-future-automatically-decompose-complex-t.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands())
                .containsExactlyInAnyOrder(
                        "/add-error-handling ./src/api/users.js", "/add-error-handling ./src/api/orders.js");
    }

    @Test
    void simpleMapReduceExampleReducesTheResults() throws IOException {
        touch("src/a.py", "src/b.py");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("18-10-2-simple-mapreduce-example.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/improve-code"))
                .hasSize(2);
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/generate-refactoring-summary ["))
                .hasSize(1);
        assertThat(tools.calls()).contains("pylint src/a.py", "pylint src/b.py");
    }

    @Test
    void fullMapReduceExampleChainsItsPhases() throws IOException {
        touch("a.js", "lib/b.js", "node_modules/skip.js");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("19-appendix-a-full-mapreduce-example.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        // phase 1 leaves node_modules out; ${map.success_count} (the whitepaper's name) resolved in its reduce
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/modernize-syntax"))
                .containsExactlyInAnyOrder("/modernize-syntax ./a.js", "/modernize-syntax ./lib/b.js");
        assertThat(agent.commands())
                .filteredOn(c -> c.startsWith("/convert-to-es-modules"))
                .hasSize(3);
        assertThat(agent.commands()).contains("/summarize-all-changes");
        assertThat(tools.calls()).contains("npm run build", "tsc --noEmit", "npm test");
        assertThat(r.steps())
                .extracting(StepRecord::label, StepRecord::skipped)
                .contains(org.assertj.core.groups.Tuple.tuple("Process DLQ if needed", true));
    }

    private RunResult run(String file, RecordingAgent agent) {
        return run(file, agent, DirectoryIsolation.shared(), RunOptions.DEFAULT);
    }

    private RunResult run(String file, RecordingAgent agent, IsolationStrategy isolation, RunOptions options) {
        Workflow w = WorkflowLoader.create().loadOrThrow(Corpus.whitepaper().resolve(file));
        Workflow onPath = w.toBuilder().env("PATH", tools.path()).build();
        ClaudeCodeRunner claude;
        try {
            claude = ClaudeDouble.install(claudeDir).runner().build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AgentRunner viaDouble = request -> {
            installSlashCommand(request);
            AgentResult result = claude.run(request);
            assertThat(result.success())
                    .as("claude double on '%s': %s", request.command(), result.errorMessage())
                    .isTrue();
            agent.run(request);
            return result;
        };
        Prodigy prodigy = Prodigy.builder()
                .workingDirectory(project)
                .home(home)
                .agentRunner(viaDouble)
                .isolation(isolation)
                .build();
        return prodigy.run(onPath, options);
    }

    /** The project defines the slash commands its workflow uses, as a real one would in .claude/commands. */
    private static void installSlashCommand(AgentRequest request) {
        String command = request.command().strip();
        if (!command.startsWith("/")) {
            return;
        }
        String name = command.substring(1).split("\\s", 2)[0];
        Path file = request.workspace().resolve(".claude/commands/" + name + ".md");
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, "# " + name + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void touch(String... files) throws IOException {
        for (String f : files) {
            Path p = project.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "// " + f + "\n");
        }
    }

    private static String agentCount(String command) {
        return Integer.toHexString(command.hashCode());
    }

    /** @return the items' JSON in the order the pipeline put them (filter, then sort) */
    private static List<String> byIndex(RunResult r) {
        return r.items().stream()
                .sorted(java.util.Comparator.comparingInt(i -> i.index()))
                .map(i -> i.itemJson())
                .collect(Collectors.toList());
    }
}
