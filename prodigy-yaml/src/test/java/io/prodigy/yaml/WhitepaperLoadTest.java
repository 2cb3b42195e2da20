package io.prodigy.yaml;

import static io.prodigy.yaml.Models.agent;
import static io.prodigy.yaml.Models.mapReduce;
import static io.prodigy.yaml.Models.shell;
import static io.prodigy.yaml.Models.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Backoff;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.OnFailure;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 0.1.8 whitepaper's examples (§1.14 of the reference: syntax the Rust tool never implemented) load and mean
 * what the whitepaper says; the fragments load inside a minimal workflow; the configuration file and the schema
 * sketch are refused with a precise error.
 */
class WhitepaperLoadTest {

    private static LoadResult file(String name) {
        return WorkflowLoader.create().load(Corpus.whitepaper().resolve(name));
    }

    private static Workflow loaded(String name, WorkflowKind kind) {
        LoadResult r = file(name);
        assertThat(r.errors()).as(r.report()).isEmpty();
        assertThat(r.kind()).contains(kind);
        return r.workflow().orElseThrow();
    }

    /** A whitepaper task's validate repeats the task until the check passes. */
    private static void repeatsUntilValid(Step s, String check, int attempts) {
        Validation v = s.validate();
        assertThat(v.commands()).extracting(Models::shell).containsExactly(check);
        assertThat(v.threshold()).isEqualTo(100.0);
        assertThat(v.onIncomplete().commands())
                .containsExactly(Step.of(s.action()).build());
        assertThat(v.onIncomplete().maxAttempts()).isEqualTo(attempts);
        assertThat(v.onIncomplete().failWorkflow()).isTrue();
    }

    @Test
    void mapReduceForAiWorkflows() {
        Stage.MapReduce mr = mapReduce(loaded("01-2-1-mapreduce-for-ai-workflows.yml", WorkflowKind.MAPREDUCE));
        assertThat(mr.setup().steps())
                .extracting(Models::shell)
                .containsExactly("analyze-codebase --output work-items.json");
        assertThat(mr.map().input()).isEqualTo(WorkInput.detect("work-items.json", "$.items[*]"));
        // '- validate: ...' written as its own list entry applies to the step before it
        assertThat(mr.map().agentTemplate()).hasSize(1);
        Step process = mr.map().agentTemplate().get(0);
        assertThat(agent(process)).isEqualTo("/process-item '${item}'");
        assertThat(process.validate())
                .isEqualTo(Validation.of(Step.shell("test ${item.path}").build()));
        assertThat(mr.map().maxParallel()).isEqualTo(10);
        assertThat(mr.map().filter()).isEqualTo("item.priority == 'high'");
        assertThat(mr.map().sortBy()).isEqualTo("item.score DESC");
        assertThat(mr.reduce()).extracting(Models::agent).containsExactly("/summarize ${map.results}");
    }

    @Test
    void tasks() {
        Workflow w = loaded("02-2-2-tasks.yml", WorkflowKind.TASKS);
        assertThat(w.name()).isEqualTo("02-2-2-tasks");
        Step s = steps(w).get(0);
        assertThat(s.name()).isEqualTo("Modernize Python code");
        assertThat(agent(s)).isEqualTo("/modernize-python user.py");
        assertThat(s.retry().maxAttempts()).isEqualTo(3);
        repeatsUntilValid(s, "python -m py_compile user.py", 3);
    }

    @Test
    void parallelExecutionIsAMapReduceStageOverTheForeachElements() {
        Workflow w = loaded("03-2-3-parallel-execution.yml", WorkflowKind.TASKS);
        Stage.MapReduce mr = mapReduce(w);
        assertThat(mr.name()).isEqualTo("Update all modules");
        assertThat(mr.map().input()).isEqualTo(WorkInput.command("find . -name '*.py'"));
        assertThat(mr.map().maxParallel()).isEqualTo(5);
        assertThat(mr.map().agentTemplate()).extracting(Models::agent).containsExactly("/add-type-hints ${item}");
        assertThat(mr.errorPolicy().continueOnFailure()).isFalse(); // foreach's continue_on_error defaults to false
    }

    @Test
    void workflowControl() {
        List<Step> s = steps(loaded("04-2-4-workflow-control.yml", WorkflowKind.TASKS));
        repeatsUntilValid(s.get(0), "pytest tests/", 2);
        assertThat(s.get(1).when()).isEqualTo("${tests.passed}");
        assertThat(shell(s.get(1))).isEqualTo("./deploy.sh");
    }

    @Test
    void mapReduceSyntax() {
        Stage.MapReduce mr = mapReduce(loaded("08-3-2-mapreduce-syntax.yml", WorkflowKind.MAPREDUCE));
        assertThat(mr.setup().steps()).hasSize(2);
        assertThat(mr.map().filter()).isEqualTo("item.score >= 5");
        assertThat(mr.map().sortBy()).isEqualTo("item.priority DESC");
        assertThat(mr.map().maxItems()).isEqualTo(100);
        assertThat(mr.reduce()).hasSize(2);
    }

    @Test
    void iterationConstructWithParallelTrueRunsTenAtOnce() {
        Stage.MapReduce mr = mapReduce(loaded("09-3-3-iteration-constructs.yml", WorkflowKind.TASKS));
        assertThat(mr.name()).isEqualTo("foreach-1");
        assertThat(mr.map().maxParallel()).isEqualTo(10);
        assertThat(mr.map().input()).isEqualTo(WorkInput.command("find . -name '*.js'"));
    }

    @Test
    void variableReference() {
        List<Step> s = steps(loaded("10-3-4-variable-reference.yml", WorkflowKind.TASKS));
        assertThat(s.get(0).capture()).isEqualTo("build_output");
        assertThat(s.get(1).when()).isEqualTo("${build_output.success}");
    }

    @Test
    void technicalDebtElimination() {
        Stage.MapReduce mr =
                mapReduce(loaded("11-5-1-mapreduce-technical-debt-elimination.yml", WorkflowKind.MAPREDUCE));
        assertThat(mr.map().agentTemplate().get(0).commitRequired()).isTrue();
        assertThat(mr.map().filter()).isEqualTo("unified_score.final_score >= 5");
        assertThat(mr.map().maxItems()).isEqualTo(10);
        assertThat(mr.map().maxParallel()).isEqualTo(5);
    }

    @Test
    void largeScaleRefactoringAttachesTheFailureHandlerToTheStepBefore() {
        Stage.MapReduce mr = mapReduce(loaded("12-5-2-mapreduce-large-scale-refactoring.yml", WorkflowKind.MAPREDUCE));
        assertThat(mr.map().agentTemplate()).hasSize(2);
        Step mypy = mr.map().agentTemplate().get(1);
        assertThat(shell(mypy)).isEqualTo("mypy --strict ${item}");
        assertThat(mypy.onFailure().handlers()).extracting(Models::agent).containsExactly("/fix-type-errors ${item}");
        assertThat(mr.map().maxParallel()).isEqualTo(20);
    }

    @Test
    void complexMigrationKeepsSequentialForeachAsSteps() {
        Workflow w = loaded("13-5-3-complex-migration.yml", WorkflowKind.TASKS);
        assertThat(w.name()).isEqualTo("migrate-to-async");
        List<Step> s = steps(w);
        StepAction.Foreach f = (StepAction.Foreach) s.get(0).action();
        assertThat(f.command()).isEqualTo("grep -l 'callback' *.js");
        assertThat(f.parallel()).isEqualTo(1);
        repeatsUntilValid(f.steps().get(0), "npm test -- ${item}", 2);
        assertThat(((StepAction.Foreach) s.get(1).action()).command()).isEqualTo("grep -l '\\.then' *.js");
        assertThat(s.get(2).when()).isEqualTo("${all_tests.pass}");
    }

    @Test
    void parallelExperimentationRunsNamedWorktreesAsItemsOfOneStage() {
        Workflow w = loaded("14-5-3-parallel-experimentation.yml", WorkflowKind.TASKS);
        assertThat(w.stages()).hasSize(2);
        Stage.MapReduce experiments = (Stage.MapReduce) w.stages().get(0);
        assertThat(experiments.map().input())
                .isEqualTo(WorkInput.values(List.of(
                        Map.of("worktree", "approach-caching", "task", "Approach 1: Caching"),
                        Map.of("worktree", "approach-indexing", "task", "Approach 2: Indexing"))));
        assertThat(experiments.map().idField()).isEqualTo("worktree");
        assertThat(experiments.map().maxParallel()).isEqualTo(2);
        assertThat(experiments.map().agentTemplate())
                .extracting(Step::when)
                .containsExactly(
                        "${item.worktree} == 'approach-caching'", "${item.worktree} == 'approach-caching'",
                        "${item.worktree} == 'approach-indexing'", "${item.worktree} == 'approach-indexing'");
        Stage.Steps compare = (Stage.Steps) w.stages().get(1);
        assertThat(compare.name()).isEqualTo("steps-2");
        assertThat(compare.steps()).extracting(Models::shell).containsExactly("python compare_benchmarks.py");
    }

    @Test
    void decomposedTaskIsAMapReduceStageWithParallelAndOperation() {
        Stage.MapReduce mr = mapReduce(loaded("17-future-automatically-decompose-complex-t.yml", WorkflowKind.TASKS));
        assertThat(mr.name()).isEqualTo("Add error handling to API endpoints");
        assertThat(mr.map().input()).isEqualTo(WorkInput.detect("find . -path '*/api/*.js' -type f", ""));
        assertThat(mr.map().maxParallel()).isEqualTo(15);
        repeatsUntilValid(mr.map().agentTemplate().get(0), "npm test ${item}", 2);
    }

    @Test
    void simpleMapReduceExample() {
        Workflow w = loaded("18-10-2-simple-mapreduce-example.yml", WorkflowKind.TASKS);
        assertThat(w.name()).isEqualTo("simple-refactor");
        Stage.MapReduce mr = mapReduce(w);
        assertThat(mr.map().maxParallel()).isEqualTo(10);
        Step op = mr.map().agentTemplate().get(0);
        assertThat(op.retry().maxAttempts()).isEqualTo(2);
        repeatsUntilValid(op, "pylint ${item}", 2);
        assertThat(mr.reduce())
                .extracting(Models::agent)
                .containsExactly("/generate-refactoring-summary ${map.results}");
    }

    @Test
    void fullMapReduceExampleChainsFourStages() {
        LoadResult r = file("19-appendix-a-full-mapreduce-example.yml");
        assertThat(r.errors()).isEmpty();
        Workflow w = r.workflow().orElseThrow();
        assertThat(w.name()).isEqualTo("modernize-js");
        assertThat(w.stages())
                .extracting(Stage::name)
                .containsExactly(
                        "Convert var to let/const across all files",
                        "Update imports across codebase",
                        "Convert to TypeScript",
                        "steps-4");
        Stage.MapReduce phase1 = (Stage.MapReduce) w.stages().get(0);
        assertThat(phase1.map().maxParallel()).isEqualTo(20); // capped by settings.parallel_worktrees: 20
        assertThat(phase1.map().agentTemplate()).hasSize(2);
        Step modernize = phase1.map().agentTemplate().get(1);
        assertThat(modernize.validate().commands()).extracting(Models::shell).containsExactly("node --check ${item}");
        assertThat(modernize.onFailure().handlers())
                .extracting(Models::shell)
                .containsExactly("mv ${item}.backup ${item}");
        // the whitepaper's ${map.success_count} is the engine's ${map.successful}
        assertThat(shell(phase1.reduce().get(0))).isEqualTo("echo 'Modernized ${map.successful} files'");
        assertThat(((Stage.MapReduce) w.stages().get(1)).map().maxParallel()).isEqualTo(15);
        List<Step> last = ((Stage.Steps) w.stages().get(3)).steps();
        // settings.continue_on_error: a failed task does not stop the workflow
        assertThat(last).allMatch(s -> OnFailure.ignore().equals(s.onFailure()));
        assertThat(last.get(1).outputFile()).isEqualTo("MODERNIZATION_SUMMARY.md");
        assertThat(last.get(2).when()).isEqualTo("${dlq.has_items}");
        assertThat(r.warnings()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("tasks[2].when");
            assertThat(p.line()).isEqualTo(42);
            assertThat(p.message()).contains("accepted but not acted on");
        });
    }

    @Test
    void retryFragmentOnATask() {
        Workflow w = Models.load("tasks:\n  - claude: /fix\n" + indent(body("05-2-5-retry-strategies.yml"), 4));
        Step s = steps(w).get(0);
        assertThat(s.retry().maxAttempts()).isEqualTo(3);
        assertThat(s.retry().backoff()).isEqualTo(Backoff.exponential(2.0));
        assertThat(s.onFailure()).isEqualTo(OnFailure.ignore()); // retry's on_failure: continue
    }

    @Test
    void failureDirectivesFragmentInATasksMapReduceBlock() {
        Workflow w = Models.load("tasks:\n  - name: fan out\n" + indent(body("06-2-6-dead-letter-queue-dlq.yml"), 4)
                + "      map:\n        input: ls\n        operation:\n          shell: echo ${item}\n");
        Stage.MapReduce mr = mapReduce(w);
        assertThat(mr.errorPolicy().onItemFailure()).isEqualTo(ItemFailureAction.DLQ);
        assertThat(mr.errorPolicy().continueOnFailure()).isTrue();
    }

    @Test
    void minimalSyntaxSketchNamesTwoActionsInOneTask() {
        LoadResult r = file("07-3-1-minimal-yaml-syntax.yml");
        assertThat(r.workflow()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.path()).isEqualTo("tasks[0]");
            assertThat(p.message())
                    .isEqualTo("a step has exactly one action, but this one has 'claude' and 'shell'; "
                            + "split it into 2 steps");
        });
        // every other key of the sketch maps onto the model
        Workflow w = Models.load(body("07-3-1-minimal-yaml-syntax.yml")
                .replace("    shell: \"command\"       # Shell " + "command\n", ""));
        Step s = steps(w).get(0);
        assertThat(agent(s)).isEqualTo("/command");
        assertThat(s.retry().maxAttempts()).isEqualTo(3);
        repeatsUntilValid(s, "command", 3);
        assertThat(s.when()).isEqualTo("${condition}");
    }

    @Test
    void claudeAndShellFragmentsAreSteps() {
        assertThat(steps(Models.load("tasks:\n"
                                + indent(
                                        "- "
                                                + body("15-6-1-claude-code-integration.yml")
                                                        .strip(),
                                        2)))
                        .get(0))
                .isEqualTo(Step.agent("/refactor --style functional").build());
        assertThat(steps(Models.load("tasks:\n"
                                + indent(
                                        "- " + body("16-6-2-shell-commands.yml").strip(), 2)))
                        .get(0))
                .isEqualTo(Step.shell("pytest tests/ && mypy src/").build());
        assertThat(file("15-6-1-claude-code-integration.yml").errors())
                .singleElement()
                .extracting(Problem::message)
                .isEqualTo("this is a single step (it has 'claude'), not a workflow; write the workflow as a list of "
                        + "steps: '- claude: ...'");
    }

    @Test
    void configurationFileIsNotAWorkflow() {
        LoadResult r = file("20-appendix-b-configuration-reference.yml");
        assertThat(r.workflow()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message())
                    .startsWith("this looks like Prodigy's global configuration file " + "(~/.prodigy/config.yml");
        });
    }

    /** @return a whitepaper file without its first comment line */
    private static String body(String name) {
        String text = Corpus.whitepaperText(name);
        return text.substring(text.indexOf('\n') + 1);
    }

    private static String indent(String text, int spaces) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.stripLeading().startsWith("#")) {
                sb.append(" ".repeat(spaces)).append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
