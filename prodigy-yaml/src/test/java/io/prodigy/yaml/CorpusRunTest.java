package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.StepRecord;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs corpus files through the real engine in a scratch project: the shell-only ones as they are, and the ones
 * whose meaning the loader decides (the test/debug loop, goal seeking, the infix {@code matches} filter) with
 * stand-in tools and a recording agent.
 */
class CorpusRunTest {
    @TempDir
    Path project;

    @TempDir
    Path toolDir;

    @TempDir
    Path home;

    private Tools tools;

    @BeforeEach
    void tools() {
        tools = new Tools(toolDir);
    }

    private RunResult run(Workflow w, RecordingAgent agent) {
        return run(w, agent, DirectoryIsolation.shared());
    }

    private RunResult run(Workflow w, RecordingAgent agent, IsolationStrategy isolation) {
        return Prodigy.builder()
                .workingDirectory(project)
                .home(home)
                .agentRunner(agent)
                .isolation(isolation)
                .build()
                .run(w.toBuilder().env("PATH", tools.path()).build());
    }

    private RunResult run(String file, RecordingAgent agent) {
        return run(WorkflowLoader.create().loadOrThrow(Corpus.prodigy().resolve(file)), agent);
    }

    @Test
    void standardWorkflowRunsEveryShellStep() {
        tools.recording("cargo");
        RunResult r = run("examples/standard-workflow.yml", new RecordingAgent());
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.steps()).hasSize(7).allMatch(StepRecord::success);
    }

    @Test
    void aFailingStepStopsTheWorkflow() {
        RunResult r = run("examples/test-resume.yml", new RecordingAgent());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.steps())
                .extracting(StepRecord::index, StepRecord::success)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, true),
                        org.assertj.core.groups.Tuple.tuple(1, true),
                        org.assertj.core.groups.Tuple.tuple(2, false));
    }

    @Test
    void mapReduceContextProcessesTheItemsTheSetupWrote() {
        RunResult r = run("workflows/test-mapreduce-context.yml", new RecordingAgent());
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).extracting(ItemResult::itemJson).containsExactlyInAnyOrder("\"item1\"", "\"item2\"");
    }

    @Test
    void mapReduceWithoutModeRunsAsMapReduce() throws IOException {
        Files.writeString(project.resolve("test-items.json"), "[{\"id\": 1}, {\"id\": 2}]");
        RunResult r = run("test_mapreduce_resume.yaml", new RecordingAgent());
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.summary().succeeded()).isEqualTo(2);
    }

    @Test
    void filterAndSortPickTheItems() {
        tools.script("cargo", "echo 'test result: ok. 1 passed'");
        RunResult r = run("workflows/test-mapreduce.yml", new RecordingAgent());
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        // severity == 'high' || severity == 'critical', then severity DESC (strings: "high" before "critical")
        assertThat(byIndex(r))
                .extracting(j -> j.replaceAll(".*\"id\":(\\d+).*", "$1"))
                .containsExactly("1", "3", "5");
    }

    @Test
    void theInfixMatchesFilterThatTheRustToolRejectsWorks() {
        tools.script("cargo", "echo 'test result: ok. 3 passed'");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run("workflows/fix-files-mapreduce.yml", agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(byIndex(r))
                .extracting(j -> j.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1"))
                .containsExactly(
                        "src/cook/execution/mapreduce.rs",
                        "src/cook/workflow/executor.rs",
                        "src/main.rs",
                        "src/analyze/context.rs",
                        "tests/integration_test.rs");
        assertThat(agent.commands()).hasSize(5);
    }

    @Test
    void testDebugLoopFixesThenRunsTheTestsAgain() {
        tools.script("just", "if [ \"$1\" = test ] && [ ! -f fixed ]; then echo 'FAILED: 1 test'; exit 1; fi");
        GitWorkspace git = GitWorkspace.init(project);
        RecordingAgent agent = new RecordingAgent((command, workspace) -> {
            if (command.startsWith("/prodigy-debug-test-failure")) {
                git.commitFile("fixed", "yes"); // the handler has commit_required: true
            }
        });
        RunResult r =
                run(WorkflowLoader.create().loadOrThrow(Corpus.prodigy().resolve("workflows/debug.yml")), agent, git);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(tools.calls()).containsExactly("just test", "just test");
        assertThat(agent.commands()).hasSize(2);
        assertThat(agent.commands().get(0))
                .startsWith("/prodigy-debug-test-failure --output ")
                .contains("FAILED: 1 test");
        assertThat(agent.commands().get(1)).isEqualTo("/prodigy-lint");
    }

    @Test
    void goalSeekingRepeatsUntilTheScoreReachesTheThreshold() {
        tools.script(
                "score",
                "n=$(cat tries 2>/dev/null || echo 0); n=$((n + 1)); echo $n > tries; "
                        + "if [ $n -ge 3 ]; then echo 'score: 95'; else echo 'score: 40'; fi");
        Workflow w = Models.load("- goal_seek:\n    goal: Reach 90\n    claude: /improve\n    validate: score\n"
                + "    threshold: 90\n    max_attempts: 5\n");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run(w, agent);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(agent.commands()).containsExactly("/improve", "/improve", "/improve");
        assertThat(r.variables()).containsEntry("validation.completion", "95");
    }

    @Test
    void goalSeekingFailsWhenTheThresholdIsNeverReached() {
        tools.script("score", "echo 'no score printed'");
        Workflow w = Models.load("- goal_seek:\n    goal: Reach 90\n    claude: /improve\n    validate: score\n"
                + "    threshold: 90\n    max_attempts: 2\n    fail_on_incomplete: true\n");
        RecordingAgent agent = new RecordingAgent();
        RunResult r = run(w, agent);
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).contains("below the threshold of 90.0%");
        assertThat(agent.commands()).hasSize(3);
    }

    private static List<String> byIndex(RunResult r) {
        return r.items().stream()
                .sorted(Comparator.comparingInt(ItemResult::index))
                .map(ItemResult::itemJson)
                .collect(Collectors.toList());
    }
}
