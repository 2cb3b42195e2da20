package io.prodigy.yaml;

import static io.prodigy.yaml.Models.agent;
import static io.prodigy.yaml.Models.mapReduce;
import static io.prodigy.yaml.Models.shell;
import static io.prodigy.yaml.Models.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.EnvValue;
import io.prodigy.api.OnFailure;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Loads every file of the Rust tool's 0.1.8 corpus and checks what it means: kind, steps and map settings, and, for
 * the three files that are not valid YAML, the precise error. No file is skipped: a file without an expectation here
 * fails the test.
 */
class ConformanceCorpusTest {
    private static final WorkflowLoader LOADER = WorkflowLoader.builder()
            .environment(Map.of("SECRET_API_KEY", "from-the-environment"))
            .build();

    private static final Map<String, Consumer<LoadResult>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("examples/capture-conditional-flow.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.COMMANDS, "conditional-deployment"));
            assertThat(s).hasSize(10);
            assertThat(s.get(0).capture()).isEqualTo("tests_passed");
            assertThat(s.get(0).captureFormat()).isEqualTo(CaptureFormat.BOOLEAN);
            assertThat(s.get(0).onFailure()).isEqualTo(OnFailure.ignore()); // allow_failure: true
            assertThat(s.get(1).captureFormat()).isEqualTo(CaptureFormat.NUMBER);
            assertThat(s.get(2).when()).isEqualTo("${tests_passed}");
            // the map form of capture_streams, which the Rust tool rejects in standard mode
            assertThat(s.get(6).captureStreams()).isEqualTo(new CaptureStreams(true, true, true, true, true));
            assertThat(s.get(6).when()).isEqualTo("${tests_passed}");
            // ${x|default:y} (the documentation's syntax) becomes ${x:-y}, which the engine resolves
            assertThat(shell(s.get(7)))
                    .contains("${build_output.success:-false}")
                    .contains("${build_output.exit_code:-N/A}");
            assertThat(r.problems()).isEmpty();
        });
        EXPECTED.put("examples/capture-json-processing.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.COMMANDS, "json-data-processing"));
            assertThat(s).hasSize(6);
            assertThat(s.get(0).capture()).isEqualTo("package_info");
            assertThat(s.get(0).captureFormat()).isEqualTo(CaptureFormat.JSON);
            assertThat(s.get(4).captureFormat()).isEqualTo(CaptureFormat.JSON);
            assertThat(shell(s.get(1))).isEqualTo("echo 'Package: ${package_info.name} v${package_info.version}'");
        });
        EXPECTED.put("examples/capture-output-custom-vars.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "capture-output-custom-variables"));
            assertThat(mr.setup().steps())
                    .extracting(Step::capture)
                    .containsExactly("shell.output", "file_count", null);
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("items.json", "$.items[*]"));
            assertThat(mr.map().agentTemplate())
                    .extracting(Step::capture)
                    .containsExactly("analysis_result", "todo_count", null);
            assertThat(agent(mr.map().agentTemplate().get(0))).isEqualTo("/analyze-item --id ${item.id}");
            assertThat(mr.reduce()).extracting(Step::capture).containsExactly("debtmap_output", "summary", null);
        });
        EXPECTED.put(
                "examples/capture-parallel-analysis.yml",
                r -> invalidYaml(
                        r,
                        106,
                        7,
                        "invalid YAML: expected ':' after the key that starts at line 105, column 7; a line indented no "
                                + "deeper than its parent is read as a new key"));
        EXPECTED.put("examples/mapreduce-command-input.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "analyze-rust-files"));
            assertThat(mr.setup().steps()).hasSize(2);
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("find . -name '*.rs' -type f | head -20", ""));
            assertThat(mr.map().maxParallel()).isEqualTo(5);
            assertThat(mr.map().agentTimeout()).isEqualTo(Duration.ofSeconds(30)); // timeout_per_agent
            assertThat(mr.map().agentTemplate()).hasSize(2);
            assertThat(shell(mr.map().agentTemplate().get(0))).isEqualTo("echo \"Analyzing ${item}\"");
            assertThat(mr.reduce()).hasSize(2);
        });
        EXPECTED.put(
                "examples/mapreduce-json-input.yml",
                r -> invalidYaml(
                        r, 31, 48, "invalid YAML: ':' followed by a space is not allowed inside an unquoted value"));
        EXPECTED.put("examples/standard-workflow.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "standard-workflow"));
            assertThat(s).hasSize(7).allMatch(x -> x.action() instanceof StepAction.Shell);
            assertThat(shell(s.get(0))).isEqualTo("echo \"Starting code analysis...\"");
            assertThat(shell(s.get(5))).startsWith("if [ -f README.md ]; then\n");
        });
        EXPECTED.put("examples/test-resume.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "test-resume"));
            assertThat(s)
                    .extracting(Models::shell)
                    .containsExactly(
                            "echo \"Step 1 - Starting workflow\"",
                            "echo \"Step 2 - Processing data\"",
                            "exit 1",
                            "echo \"Step 4 - This should run on resume\"",
                            "echo \"Step 5 - Final step\"");
        });
        EXPECTED.put("examples/test-sensitive-masking.yml", r -> {
            // 'steps:' instead of 'commands:' (the Rust tool fails on it)
            List<Step> s = steps(loaded(r, WorkflowKind.COMMANDS, "Test Sensitive Variable Masking"));
            assertThat(s)
                    .extracting(Step::name)
                    .containsExactly("Test sensitive variables in verbose mode", "Display results");
            assertThat(s.get(0).env())
                    .containsEntry("PASSWORD", "super_secret_password")
                    .hasSize(5);
        });
        EXPECTED.put("templates/test-template.yml", r -> {
            Workflow w = loaded(r, WorkflowKind.COMMANDS, "test-template");
            assertThat(steps(w)).isEmpty();
            assertThat(r.warnings())
                    .extracting(Problem::message)
                    .containsExactly("the workflow has no steps; running it does nothing");
        });
        EXPECTED.put("test_mapreduce_resume.yaml", r -> {
            // no 'mode: mapreduce' (the Rust tool reads it as a standard workflow and fails); the map phase says it
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "test-mapreduce-resume"));
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("test-items.json", "$[*]"));
            assertThat(mr.map().maxParallel()).isEqualTo(2);
            assertThat(mr.map().agentTemplate())
                    .extracting(Models::shell)
                    .containsExactly("echo 'Processing ${item.id}'", "sleep 1", "echo 'Completed ${item.id}'");
            assertThat(mr.reduce()).hasSize(2);
        });
        EXPECTED.put("test_workflow.yaml", r -> {
            Step s = steps(loaded(r, WorkflowKind.COMMANDS, "test-workflow")).get(0);
            assertThat(shell(s)).isEqualTo("exit 1");
            // a list of maps (the Rust tool cannot parse it): both handlers run, the failure counts as handled
            assertThat(s.onFailure().handlers())
                    .extracting(Models::shell)
                    .containsExactly("echo 'Error handler 1'", "echo 'Error handler 2'");
            assertThat(s.onFailure().retryOriginal()).isFalse();
            assertThat(s.onFailure().failWorkflow()).isFalse();
        });
        EXPECTED.put(
                "test_workflow.yml",
                r -> assertThat(steps(loaded(r, WorkflowKind.COMMANDS, "test-event-logging")))
                        .extracting(Models::agent)
                        .containsExactly("/prodigy-list-commands"));
        EXPECTED.put("test_workflow2.yaml", r -> {
            Step s = steps(loaded(r, WorkflowKind.COMMANDS, "test-workflow")).get(0);
            OnFailure f = s.onFailure();
            assertThat(f.handlers()).extracting(Models::agent).containsExactly("/fix-test");
            assertThat(f.handlers().get(0).commitRequired()).isTrue();
            assertThat(f.retryOriginal()).isTrue();
            assertThat(f.maxAttempts()).isEqualTo(3);
            assertThat(f.failWorkflow()).isFalse();
        });
        EXPECTED.put("test_workflow3.yaml", r -> {
            Step s = steps(loaded(r, WorkflowKind.COMMANDS, "test-workflow")).get(0);
            assertThat(s.onFailure().handlers()).extracting(Models::shell).containsExactly("echo failed");
        });
        EXPECTED.put("workflows/analysis-workflow.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "analysis-workflow"));
            assertThat(s)
                    .extracting(Models::agent)
                    .containsExactly(
                            "/prodigy-implement-spec $ARG",
                            "/prodigy-lint",
                            "/prodigy-code-review",
                            "/prodigy-cleanup-tech-debt",
                            "/prodigy-generate-docs");
            assertThat(s.get(0).commitRequired()).isTrue();
            assertThat(r.warnings())
                    .hasSize(3)
                    .allMatch(p -> p.path().endsWith(".analyze")
                            && p.message().startsWith("'analyze' is accepted but not acted on"));
        });
        EXPECTED.put("workflows/code-review.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "code-review"));
            assertThat(s).hasSize(3);
            assertThat(s.get(0).id()).isEqualTo("review");
            assertThat(agent(s.get(1))).isEqualTo("/prodigy-implement-spec ${review.spec}");
            assertThat(s.get(0).outputs()).isNotEmpty();
            assertThat(r.warnings()).extracting(Problem::path).doesNotContain("[0].outputs");
        });
        EXPECTED.put("workflows/complex-build-pipeline.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "complex-build-pipeline"));
            assertThat(s).hasSize(3);
            Step build = s.get(0).onSuccess().get(0);
            assertThat(shell(build)).isEqualTo("cargo build --release");
            Step test = build.onSuccess().get(0);
            assertThat(shell(test)).isEqualTo("cargo test --release");
            assertThat(test.onFailure().handlers())
                    .extracting(Models::agent)
                    .containsExactly("/prodigy-debug-and-fix '${shell.output}'");
            assertThat(s.get(1).capture()).isEqualTo("clippy_warnings");
            assertThat(s.get(2).timeout()).isEqualTo(Duration.ofMinutes(10));
            assertThat(s.get(2).capture()).isEqualTo("benchmark_results");
            assertThat(s.get(2).onExitCode()).containsOnlyKeys(0, 101);
            assertThat(agent(s.get(2).onExitCode().get(101).get(0)))
                    .isEqualTo("/prodigy-fix-compilation-errors '${benchmark_results}'");
        });
        EXPECTED.put("workflows/coverage-simplified.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "coverage-simplified"));
            assertThat(s).hasSize(4);
            testDebugLoop(s.get(2), "just test", 3);
            assertThat(s.get(0).outputs()).containsEntry("spec", "*-coverage-improvements.md");
            notActedOn(r, "[0].analysis");
        });
        EXPECTED.put("workflows/coverage-with-test-debug.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "coverage-with-test-debug"));
            assertThat(s).hasSize(5);
            testDebugLoop(s.get(2), "cargo test", 3);
            testDebugLoop(s.get(3), "cargo test --doc", 2);
        });
        EXPECTED.put("workflows/coverage.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "coverage"));
            assertThat(s).hasSize(4); // the trailing analyze step is left out, with a warning
            assertThat(s.get(0).outputs()).containsEntry("spec", "*-coverage-improvements.md");
            notActedOn(r, "[4].analyze");
        });
        EXPECTED.put(
                "workflows/custom-analyzer.yml",
                r -> assertThat(steps(loaded(r, WorkflowKind.STEP_LIST, "custom-analyzer")))
                        .extracting(Models::agent)
                        .containsExactly(
                                "/custom-code-analyzer", "/custom-fixer ${analyze.spec}", "/custom-validator"));
        EXPECTED.put("workflows/debtmap-reduce.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "debtmap-parallel-elimination"));
            assertThat(mr.setup().steps()).hasSize(2);
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("debtmap.json", "$.items[*]"));
            List<Step> t = mr.map().agentTemplate();
            assertThat(agent(t.get(0))).isEqualTo("/fix-debt-item --json '${item}'");
            assertThat(t.get(0).commitRequired()).isTrue();
            // in a MapReduce phase the handler runs once, and a handled failure lets the item go on
            assertThat(t.get(1).onFailure().handlers())
                    .extracting(Models::agent)
                    .containsExactly("/prodigy-debug-test-failure --output '${shell.output}'");
            assertThat(t.get(1).onFailure().retryOriginal()).isFalse();
            assertThat(t.get(1).onFailure().maxAttempts()).isEqualTo(1);
            assertThat(mr.map().maxParallel()).isEqualTo(5);
            assertThat(mr.map().filter()).isEqualTo("unified_score.final_score >= 5");
            assertThat(mr.map().sortBy()).isEqualTo("unified_score.final_score DESC");
            assertThat(mr.map().maxItems()).isEqualTo(10);
            assertThat(mr.reduce()).hasSize(5);
            assertThat(agent(mr.reduce().get(4))).startsWith("/prodigy-compare-debt-results \\\n");
            assertThat(mr.reduce().get(4).commitRequired()).isTrue();
        });
        EXPECTED.put("workflows/debtmap.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "debtmap"));
            assertThat(s).hasSize(5);
            Validation v = s.get(2).validate();
            assertThat(v.commands()).hasSize(2);
            assertThat(shell(v.commands().get(0))).startsWith("debtmap analyze .");
            assertThat(agent(v.commands().get(1))).startsWith("/prodigy-validate-debtmap-improvement");
            assertThat(v.resultFile()).isEqualTo(".prodigy/debtmap-validation.json");
            assertThat(v.threshold()).isEqualTo(75.0);
            assertThat(v.onIncomplete().maxAttempts()).isEqualTo(3);
            assertThat(v.onIncomplete().failWorkflow()).isFalse();
            assertThat(v.onIncomplete().commands().get(0).commitRequired()).isTrue();
            assertThat(agent(v.onIncomplete().commands().get(0)))
                    .isEqualTo("/prodigy-complete-debtmap-fix --gaps ${validation.gaps}");
            testDebugLoop(s.get(3), "just test", 3);
        });
        EXPECTED.put("workflows/debug-with-spec.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "debug-with-spec"));
            testDebugLoop(s.get(0), "just test", 3);
            assertThat(s.get(0).onFailure().handlers().get(0).commitRequired()).isTrue();
        });
        EXPECTED.put("workflows/debug.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "debug"));
            assertThat(s.get(0).onFailure().failWorkflow()).isTrue();
            assertThat(s.get(0).onFailure().retryOriginal()).isTrue();
        });
        EXPECTED.put("workflows/documentation-drift-mapreduce.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "documentation-drift-parallel"));
            assertThat(mr.setup().steps()).hasSize(3);
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect(".prodigy/doc-areas.json", "$.areas[*]"));
            assertThat(mr.map().agentTemplate()).hasSize(4);
            assertThat(mr.map().agentTemplate().subList(0, 3))
                    .allMatch(t -> Duration.ofMinutes(5).equals(t.timeout()));
            assertThat(mr.map().maxParallel()).isEqualTo(4);
            assertThat(mr.reduce()).hasSize(5);
        });
        EXPECTED.put("workflows/documentation-drift.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "documentation-drift"));
            assertThat(s).hasSize(9);
            assertThat(s.get(7).timeout()).isEqualTo(Duration.ofSeconds(300));
            testDebugLoop(s.get(7), "cargo test --doc", 3);
        });
        EXPECTED.put("workflows/documentation-maintain.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "documentation-maintain"));
            assertThat(s).hasSize(12);
            assertThat(s.get(0).name()).isEqualTo("Save baseline for comparison"); // description is the label
            assertThat(s.get(1).onFailure().handlers())
                    .extracting(Models::shell)
                    .containsExactly("echo 'Initial analysis failed'; exit 1");
            assertThat(s.get(11).onFailure()).isEqualTo(OnFailure.ignore()); // step-level fail_workflow: false
            notActedOn(r, "[2].output");
        });
        EXPECTED.put(
                "workflows/documentation-workflow.yml",
                r -> assertThat(steps(loaded(r, WorkflowKind.STEP_LIST, "documentation-workflow")))
                        .hasSize(7)
                        .allMatch(x -> x.action() instanceof StepAction.Agent));
        EXPECTED.put("workflows/environment-example.yml", r -> {
            // the Rust tool silently drops env, secrets and profiles here and runs the named steps as /commands
            Workflow w = loaded(r, WorkflowKind.COMMANDS, "environment-example");
            assertThat(w.env())
                    .containsExactly(
                            Map.entry("NODE_ENV", "production"), Map.entry("API_URL", "https://api.example.com"));
            assertThat(w.computedEnv())
                    .containsEntry("WORKERS", new EnvValue.FromCommand("nproc 2>/dev/null || echo 4"))
                    .containsEntry(
                            "DEPLOY_ENV", new EnvValue.Conditional("${branch} == 'main'", "production", "staging"));
            assertThat(w.secrets()).containsExactly(Map.entry("API_KEY", "from-the-environment"));
            assertThat(w.envFiles()).containsExactly(".env.production");
            assertThat(w.profiles()).containsOnlyKeys("development", "testing");
            assertThat(w.profiles().get("development")).containsEntry("DEBUG", "true");
            List<Step> s = steps(w);
            assertThat(s)
                    .extracting(Step::name)
                    .containsExactly(
                            "Show environment", "Build frontend", "Run tests", "Deploy application", "Cleanup");
            assertThat(s).allMatch(x -> x.action() instanceof StepAction.Shell);
            assertThat(s.get(1).env()).containsEntry("OPTIMIZE", "true");
            assertThat(s.get(1).workingDir()).isEqualTo("./frontend");
            assertThat(s.get(3).workingDir()).isEqualTo("${DEPLOY_DIR}"); // ${env.DEPLOY_DIR}
            notActedOn(r, "commands[4].clear_env");
        });
        EXPECTED.put("workflows/fix-files-mapreduce.yml", r -> {
            // the infix 'matches' filter, which the Rust tool rejects at run time
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "fix-rust-files-parallel"));
            assertThat(mr.map().filter()).isEqualTo("path matches '\\.rs$' && has_issues == true");
            assertThat(mr.map().sortBy()).isEqualTo("complexity DESC");
            assertThat(mr.map().maxParallel()).isEqualTo(4);
            assertThat(mr.map().agentTemplate().get(0).timeout()).isEqualTo(Duration.ofSeconds(300));
            assertThat(mr.reduce()).hasSize(4);
        });
        EXPECTED.put("workflows/goal-seeking-examples.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "goal-seeking-examples"));
            assertThat(s).hasSize(9);
            goalSeek(s.get(0), "/prodigy-coverage --improve", "Achieve 90% test coverage", 90, 5, true);
            goalSeek(
                    s.get(1),
                    "/optimize-performance --target 100ms",
                    "Optimize algorithm performance to under 100ms",
                    90,
                    4,
                    false);
            goalSeek(s.get(3), "/add-missing-docs", "Document all public APIs", 100, 3, false);
            // a goal_seek as the handler of a failing step
            Step handler = s.get(5).onFailure().handlers().get(0);
            goalSeek(handler, "/debug-test-failures", "Fix all failing tests", 100, 3, true);
            assertThat(s.get(6).name()).isEqualTo("Complete feature implementation with quality checks");
            notActedOn(
                    r,
                    "[0].goal_seek.timeout_seconds",
                    "[1].goal_seek.timeout_seconds",
                    "[4].goal_seek.timeout_seconds");
        });
        EXPECTED.put("workflows/implement-goal.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "implement-goal"));
            goalSeek(s.get(0), "/prodigy-implement-spec $ARG", "Implement specification: $ARG", 90, 3, false);
            goalSeek(s.get(1), "/prodigy-debug-test-failure --spec $ARG", "Fix all test failures", 100, 5, true);
            assertThat(s).allMatch(Step::commitRequired);
        });
        EXPECTED.put(
                "workflows/implement-with-tests.yml",
                r -> invalidYaml(
                        r,
                        66,
                        1,
                        "invalid YAML: expected the end of the list that starts at line 20, column 1, but found a mapping "
                                + "key; a YAML document is either a list or a mapping"));
        EXPECTED.put("workflows/implement.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "implement"));
            Validation v = s.get(0).validate();
            assertThat(v.commands())
                    .extracting(Models::agent)
                    .containsExactly("/prodigy-validate-spec $ARG --output .prodigy/validation-result.json");
            assertThat(v.resultFile()).isEqualTo(".prodigy/validation-result.json");
            assertThat(v.threshold()).isEqualTo(100.0);
            assertThat(v.onIncomplete().maxAttempts()).isEqualTo(5);
            assertThat(v.onIncomplete().failWorkflow()).isFalse();
            testDebugLoop(s.get(1), "just test", 5);
            testDebugLoop(s.get(2), "just fmt-check && just lint", 5);
        });
        EXPECTED.put("workflows/mapreduce-example.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "parallel-debt-elimination"));
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("debt_items.json", "$.debt_items[*]"));
            assertThat(mr.map().filter()).isEqualTo("severity == 'high' || severity == 'critical'");
            assertThat(mr.map().sortBy()).isEqualTo("priority");
            assertThat(mr.map().maxParallel()).isEqualTo(10);
            assertThat(mr.reduce()).hasSize(3);
            assertThat(mr.reduce().get(1).commitRequired()).isTrue();
        });
        EXPECTED.put(
                "workflows/performance-workflow.yml",
                r -> assertThat(steps(loaded(r, WorkflowKind.STEP_LIST, "performance-workflow")))
                        .extracting(Models::agent)
                        .containsExactly(
                                "/prodigy-performance --focus performance",
                                "/prodigy-implement-spec",
                                "/prodigy-lint"));
        EXPECTED.put("workflows/product-enhancement-workflow.yml", r -> {
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "product-enhancement-workflow"));
            assertThat(agent(s.get(0))).isEqualTo("/prodigy-product-enhance --area cli-ux --max-enhancements 8");
            assertThat(s.get(2).onFailure()).isEqualTo(OnFailure.ignore()); // metadata.continue_on_error
            notActedOn(r, "[0].options", "[1].args", "[2].options");
        });
        EXPECTED.put(
                "workflows/security.yml",
                r -> assertThat(steps(loaded(r, WorkflowKind.STEP_LIST, "security")))
                        .extracting(Step::id)
                        .containsExactly("audit", null, null));
        EXPECTED.put("workflows/spec.yml", r -> {
            // ${shell.spec_number} reads the shell step's capture 'spec_number' (the evident meaning; the Rust tool
            // itself defines only ${spec_number}): no error and no undefined-variable warning
            assertThat(r.errors()).isEmpty();
            assertThat(r.warnings()).extracting(Problem::message).noneMatch(m -> m.contains("undefined"));
            List<Step> s = steps(loaded(r, WorkflowKind.STEP_LIST, "spec"));
            assertThat(s).hasSize(7);
            assertThat(s.get(1).capture()).isEqualTo("spec_number");
            Validation v = s.get(2).validate();
            // the step itself writes result_file; validation only reads it
            assertThat(v.commands()).extracting(Models::shell).containsExactly("true");
            assertThat(v.resultFile()).isEqualTo(".prodigy/spec-validation.json");
            assertThat(v.onIncomplete().maxAttempts()).isEqualTo(5);
            assertThat(s.get(3).capture()).isEqualTo("final_result");
        });
        EXPECTED.put(
                "workflows/tech-debt.yml",
                r -> assertThat(steps(loaded(r, WorkflowKind.STEP_LIST, "tech-debt")))
                        .extracting(Models::agent)
                        .containsExactly(
                                "/prodigy-cleanup-tech-debt",
                                "/prodigy-implement-spec ${cleanup.spec}",
                                "/prodigy-lint"));
        EXPECTED.put("workflows/test-mapreduce-context.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "test-mapreduce-context"));
            assertThat(mr.setup().steps()).hasSize(4);
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("test-items.json", "$[*]"));
            assertThat(mr.map().maxParallel()).isEqualTo(2);
            assertThat(mr.reduce()).hasSize(2);
        });
        EXPECTED.put("workflows/test-mapreduce.yml", r -> {
            Stage.MapReduce mr = mapReduce(loaded(r, WorkflowKind.MAPREDUCE, "test-mapreduce-simple"));
            assertThat(mr.map().input()).isEqualTo(WorkInput.detect("test_items.json", "$.test_items[*]"));
            assertThat(mr.map().filter()).isEqualTo("severity == 'high' || severity == 'critical'");
            assertThat(mr.map().sortBy()).isEqualTo("severity DESC");
            assertThat(mr.map().maxParallel()).isEqualTo(3);
            assertThat(mr.map().agentTemplate().get(0).timeout()).isEqualTo(Duration.ofSeconds(60));
        });
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFileLoadsWithTheExpectedMeaning() {
        List<String> files = Corpus.yamlFiles(Corpus.prodigy());
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : files) {
            tests.add(DynamicTest.dynamicTest(file, () -> {
                assertThat(EXPECTED)
                        .as("no expectation for corpus file %s: every file must be checked", file)
                        .containsKey(file);
                EXPECTED.get(file).accept(LOADER.load(Corpus.prodigy().resolve(file)));
            }));
        }
        return tests.stream();
    }

    @Test
    void everyExpectationNamesAFileOfTheCorpus() {
        assertThat(Corpus.yamlFiles(Corpus.prodigy())).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    private static Workflow loaded(LoadResult r, WorkflowKind kind, String name) {
        assertThat(r.errors()).as(r.report()).isEmpty();
        assertThat(r.kind()).contains(kind);
        Workflow w = r.workflow().orElseThrow();
        assertThat(w.name()).isEqualTo(name);
        return w;
    }

    private static void invalidYaml(LoadResult r, int line, int column, String message) {
        assertThat(r.workflow()).isEmpty();
        assertThat(r.kind()).isEmpty();
        assertThat(r.problems()).hasSize(1);
        Problem p = r.problems().get(0);
        assertThat(p.severity()).isEqualTo(Problem.Severity.ERROR);
        assertThat(p.line()).isEqualTo(line);
        assertThat(p.column()).isEqualTo(column);
        assertThat(p.message()).startsWith(message);
        assertThat(p.source()).endsWith(".yml");
        assertThat(p.toString()).startsWith(p.source() + ":" + line + ":" + column + ": error: invalid YAML: ");
    }

    /** The Rust tool's test/debug loop: run the fixer, then the step again, up to maxAttempts rounds. */
    private static void testDebugLoop(Step s, String command, int maxAttempts) {
        assertThat(shell(s)).isEqualTo(command);
        OnFailure f = s.onFailure();
        assertThat(f.handlers()).hasSize(1);
        assertThat(f.handlers().get(0).action()).isInstanceOf(StepAction.Agent.class);
        assertThat(f.retryOriginal()).isTrue();
        assertThat(f.maxAttempts()).isEqualTo(maxAttempts);
    }

    private static void goalSeek(
            Step s, String command, String goal, double threshold, int attempts, boolean failOnIncomplete) {
        assertThat(agent(s)).isEqualTo(command);
        assertThat(s.name()).isEqualTo(goal);
        Validation v = s.validate();
        assertThat(v.threshold()).isEqualTo(threshold);
        assertThat(shell(v.commands().get(0))).contains("score:").contains("completion_percentage");
        assertThat(v.onIncomplete().commands()).extracting(Models::agent).containsExactly(command);
        assertThat(v.onIncomplete().maxAttempts()).isEqualTo(attempts);
        assertThat(v.onIncomplete().failWorkflow()).isEqualTo(failOnIncomplete);
    }

    private static void notActedOn(LoadResult r, String... paths) {
        assertThat(r.warnings()).extracting(Problem::path).contains(paths);
        for (Problem p : r.warnings()) {
            if (List.of(paths).contains(p.path())) {
                assertThat(p.message()).contains("is accepted but not acted on");
            }
        }
    }
}
