package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Backoff;
import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.CircuitBreakerPolicy;
import io.prodigy.api.EnvValue;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.FileFormat;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.MapPhase;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Load → write → load gives an equal workflow, for the whole corpus and for a workflow using every model field. */
class RoundTripTest {
    private static final WorkflowLoader LOADER = WorkflowLoader.builder()
            .environment(Map.of("SECRET_API_KEY", "s3cret", "TOKEN", "hunter2"))
            .build();

    @TestFactory
    Stream<DynamicTest> everyLoadableCorpusAndWhitepaperFile() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : List.of(Corpus.prodigy(), Corpus.whitepaper())) {
            for (String file : Corpus.yamlFiles(dir)) {
                LoadResult first = LOADER.load(dir.resolve(file));
                if (first.workflow().isEmpty()) {
                    continue; // invalid YAML, fragments and the configuration file: see their own tests
                }
                tests.add(DynamicTest.dynamicTest(
                        dir.getFileName() + "/" + file,
                        () -> roundTrip(first.workflow().get())));
            }
        }
        assertThat(tests).hasSize(41 + 14);
        return tests.stream();
    }

    @Test
    void aWorkflowUsingEveryFieldOfTheModel() {
        Step handler = Step.agent("/fix ${error.message}").commitRequired(true).build();
        Step full = Step.shell("make test\nmake lint\n")
                .name("check")
                .id("check")
                .when("${ready} == true")
                .oncePerWorktree(true)
                .timeout(Duration.ofMillis(1500))
                .retry(RetryPolicy.builder()
                        .maxAttempts(4)
                        .backoff(Backoff.linear(Duration.ofSeconds(5)))
                        .initialDelay(Duration.ofMillis(250))
                        .maxDelay(Duration.ofMinutes(2))
                        .jitter(true)
                        .jitterFactor(0.5)
                        .retryOn(RetryCondition.of(RetryCondition.Kind.TIMEOUT), RetryCondition.pattern("5\\d\\d"))
                        .retryBudget(Duration.ofHours(1)))
                .onFailure(OnFailure.run(handler)
                        .retryOriginal(true)
                        .maxAttempts(3)
                        .failWorkflow(true))
                .onSuccess(Step.shell("echo ok"))
                .onExitCode(2, Step.shell("echo two"))
                .onExitCode(101, Step.agent("/fix-compile"))
                .capture("out")
                .captureFormat(CaptureFormat.JSON)
                .captureStreams(new CaptureStreams(true, false, true, false, true))
                .outputFile("out.log")
                .env("A", "1")
                .env("B", "yes")
                .workingDir("sub")
                .commitRequired(true)
                .autoCommit(true)
                .commitMessage("chore: ${item.id}")
                .validate(Validation.of(Step.shell("true"), Step.agent("/validate"))
                        .withResultFile("r.json")
                        .withThreshold(87.5)
                        .withTimeout(Duration.ofMinutes(2))
                        .withOnIncomplete(Validation.OnIncomplete.of(Step.agent("/complete"))
                                .withMaxAttempts(5)
                                .withFailWorkflow(false)))
                .build();
        Step foreach = Step.of(StepAction.Foreach.over(
                                List.of("a", "true", "0644", "x: y"),
                                Step.writeFile("out/${item}.txt", "value: ${item}\n"))
                        .withParallel(3)
                        .withContinueOnError(true)
                        .withMaxItems(2))
                .build();
        Step foreachCommand = Step.of(StepAction.Foreach.overLines("ls *.rs", Step.shell("rustfmt ${item}")))
                .onFailure(OnFailure.ignore())
                .build();
        Step write = Step.of(StepAction.WriteFile.of("cfg.json", "{\"a\": 1}")
                        .withFormat(FileFormat.JSON)
                        .withMode("0600")
                        .withCreateDirs(true))
                .onFailure(OnFailure.fail())
                .build();
        Stage.MapReduce mr = Stage.mapReduce("fan-out")
                .setup(Step.shell("./gen.sh"), Step.shell("./meta.sh"))
                .setupTimeout(Duration.ofMinutes(10))
                .captureOutput("COUNT", SetupCapture.of(0))
                .captureOutput(
                        "META",
                        SetupCapture.of(1)
                                .withSource(SetupCapture.Source.COMBINED)
                                .withPattern("v(\\d+)")
                                .withJsonPath("$.v")
                                .withDefaultValue("none")
                                .withMultiline(SetupCapture.Multiline.ARRAY))
                .map(MapPhase.builder()
                        .input(WorkInput.jsonFile("items.json", "$.items[*]"))
                        .filter("score >= 5")
                        .sortBy("score DESC NULLS LAST")
                        .distinct("path")
                        .offset(2)
                        .maxItems(9)
                        .maxParallel(3)
                        .agentTimeout(Duration.ofMillis(90_500))
                        .idField("path")
                        .agentTemplate(full, foreach))
                .reduce(Step.shell("echo ${map.successful}"))
                .errorPolicy(ErrorPolicy.builder()
                        .onItemFailure(ItemFailureAction.RETRY)
                        .continueOnFailure(false)
                        .maxFailures(4)
                        .failureThreshold(0.3)
                        .circuitBreaker(new CircuitBreakerPolicy(2, 1, Duration.ofSeconds(45), 2))
                        .itemRetry(RetryPolicy.builder().maxAttempts(2).backoff(Backoff.fibonacci())))
                .build();
        Stage.MapReduce values = Stage.mapReduce("values")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of("a", 1, true, Map.of("k", List.of(1, 2)))))
                        .agentTemplate(Step.shell("echo ${item}")))
                .build();
        Stage.MapReduce command = Stage.mapReduce("command")
                .map(MapPhase.builder()
                        .input(new WorkInput.Command("./list.sh", "$[*]"))
                        .agentTemplate(Step.agent("/x")))
                .errorPolicy(ErrorPolicy.builder().onItemFailure(ItemFailureAction.RETRY))
                .build();
        Workflow w = Workflow.builder("everything")
                .env("PLAIN", "text")
                .env("NUMBERISH", "007")
                .env("BOOLISH", "on")
                .env("CPUS", new EnvValue.FromCommand("nproc"))
                .env("STAGE", new EnvValue.Conditional("${CI} == 'true'", "ci", "local"))
                .secret("TOKEN", "hunter2")
                .envFile(".env")
                .profile("ci", Map.of("PLAIN", "other"))
                .defaultRetry(RetryPolicy.builder()
                        .backoff(Backoff.custom(List.of(Duration.ofSeconds(1), Duration.ofMillis(1500))))
                        .build())
                .steps(full, foreachCommand, write)
                .stage(mr)
                .stage(values)
                .stage(command)
                .stage(new Stage.Steps(
                        "last words", List.of(Step.agent("/summarize").build())))
                .merge(List.of(Step.shell("git merge ${merge.source_branch}").build()))
                .mergeTimeout(Duration.ofMinutes(5))
                .isolation(io.prodigy.api.IsolationHints.NONE
                        .withMode(io.prodigy.api.IsolationHints.Mode.POOLED)
                        .withPoolSize(2)
                        .withWarmDirectories(List.of("target", ".venv"))
                        .withColdDirectories(List.of("tools/target")))
                .build();
        roundTrip(w);
    }

    @Test
    void singleStageWorkflowsUseTheRustToolsForms() {
        roundTrip(Workflow.sequential("seq", Step.shell("a").build()));
        roundTrip(Workflow.mapReduce("mr")
                .map(MapPhase.builder().input(WorkInput.detect("a.json", "")).agentTemplate(Step.shell("x")))
                .build());
        assertThat(WorkflowWriter.write(
                        Workflow.sequential("seq", Step.shell("a").build())))
                .isEqualTo("name: seq\ncommands:\n  - shell: a\n");
    }

    @Test
    void secretsAreWrittenAsTheirReferenceNeverTheirValue() {
        WorkflowLoader loader = WorkflowLoader.builder()
                .environment(Map.of("MY_KEY", "supersecret-1"))
                .build();
        Workflow w = loader.load(
                        "name: s\nsecrets:\n  API_KEY: \"${MY_KEY}\"\n  OTHER: {provider: env, key: UNSET}\n"
                                + "commands:\n  - shell: \"echo hi\"\n",
                        "s.yml")
                .orThrow();
        assertThat(w.secrets()).containsExactly(Map.entry("API_KEY", "supersecret-1"));
        assertThat(w.secretSources()).containsEntry("API_KEY", "env:MY_KEY").containsEntry("OTHER", "env:UNSET");
        String yaml = WorkflowWriter.write(w);
        assertThat(yaml)
                .doesNotContain("supersecret-1")
                .contains("provider: env")
                .contains("key: MY_KEY")
                .contains("key: UNSET");
        Workflow again = loader.load(yaml, "again.yml").orThrow();
        assertThat(again.secrets()).isEqualTo(w.secrets());
        assertThat(again.secretSources()).isEqualTo(w.secretSources());
        // a secret given as a value in Java is written as a reference to the variable of its own name
        String fromCode = WorkflowWriter.write(Workflow.builder("c")
                .secret("TOKEN", "hunter2-value")
                .steps(Step.shell("true").build())
                .build());
        assertThat(fromCode).doesNotContain("hunter2-value").contains("key: TOKEN");
    }

    private static void roundTrip(Workflow w) {
        String yaml = WorkflowWriter.write(w);
        LoadResult again = LOADER.load(yaml, "written.yml");
        // nothing is lost or unknown: the only warning possible is the one for a workflow without steps
        assertThat(again.problems())
                .as(yaml + "\n" + again.report())
                .allMatch(p -> p.message().equals("the workflow has no steps; running it does nothing"));
        assertThat(again.workflow()).as(yaml).contains(w);
        assertThat(WorkflowWriter.write(again.workflow().get())).isEqualTo(yaml);
    }
}
