package io.prodigy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One builder grammar: wherever a built value is accepted, its builder is too, with the same result; factories of
 * results and requests give the values the canonical constructors give.
 */
class BuilderGrammarTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private static MapPhase.Builder map() {
        return MapPhase.builder()
                .input(WorkInput.jsonFile("items.json", "$.items[*]"))
                .maxParallel(3)
                .agentTemplate(Step.agent("/fix ${item.path}"));
    }

    @Test
    void workflowsAcceptStepBuildersWhereTheyAcceptSteps() {
        assertThat(Workflow.sequential(
                        "wf", Step.shell("make"), Step.shell("make test").timeout(Duration.ofMinutes(1))))
                .isEqualTo(Workflow.sequential(
                        "wf",
                        Step.shell("make").build(),
                        Step.shell("make test").timeout(Duration.ofMinutes(1)).build()));
        assertThat(Workflow.builder("wf")
                        .steps(Step.shell("a"))
                        .merge(Step.shell("git merge x"))
                        .defaultRetry(RetryPolicy.builder().maxAttempts(2))
                        .build())
                .isEqualTo(Workflow.builder("wf")
                        .steps(Step.shell("a").build())
                        .merge(List.of(Step.shell("git merge x").build()))
                        .defaultRetry(RetryPolicy.builder().maxAttempts(2).build())
                        .build());
        assertThat(Workflow.mapReduce("mr")
                        .map(map())
                        .merge(Step.shell("m"))
                        .errorPolicy(ErrorPolicy.builder().maxFailures(2))
                        .build())
                .isEqualTo(Workflow.mapReduce("mr")
                        .map(map().build())
                        .merge(Step.shell("m").build())
                        .errorPolicy(ErrorPolicy.builder().maxFailures(2).build())
                        .build());
    }

    @Test
    void stepControlsAcceptBuilders() {
        Step withBuilders = Step.shell("make test")
                .retry(RetryPolicy.builder().maxAttempts(3))
                .onFailure(OnFailure.run(Step.agent("/fix ${error.message}")).retryOriginal(true))
                .onSuccess(Step.shell("echo ok"))
                .onExitCode(2, Step.shell("echo two"))
                .validate(Validation.of(Step.shell("./check.sh"))
                        .withOnIncomplete(Validation.OnIncomplete.of(Step.agent("/complete"))))
                .build();
        Step withValues = Step.shell("make test")
                .retry(RetryPolicy.builder().maxAttempts(3).build())
                .onFailure(OnFailure.run(Step.agent("/fix ${error.message}").build())
                        .retryOriginal(true)
                        .build())
                .onSuccess(Step.shell("echo ok").build())
                .onExitCode(2, List.of(Step.shell("echo two").build()))
                .validate(new Validation(
                        List.of(Step.shell("./check.sh").build()),
                        null,
                        100.0,
                        null,
                        new Validation.OnIncomplete(
                                List.of(Step.agent("/complete").build()), 2, true)))
                .build();
        assertThat(withBuilders).isEqualTo(withValues);
        assertThat(Validation.OnIncomplete.of(Step.shell("x"))
                        .withMaxAttempts(5)
                        .withFailWorkflow(false))
                .isEqualTo(new Validation.OnIncomplete(List.of(Step.shell("x").build()), 5, false));
        assertThat(Validation.of(Step.shell("x"))
                        .withTimeout(Duration.ofSeconds(9))
                        .timeout())
                .isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void aMapReduceStageIsBuiltOnItsOwnAndAddedToAWorkflowOfStages() {
        Workflow oneStage = Workflow.mapReduce("triage")
                .setup(Step.shell("./list.sh"))
                .captureOutput("count", SetupCapture.of(0))
                .setupTimeout(Duration.ofMinutes(5))
                .map(map())
                .reduce(Step.shell("echo ${map.successful}"))
                .build();
        Stage.MapReduce stage = Stage.mapReduce("triage")
                .setup(Step.shell("./list.sh"))
                .captureOutput("count", SetupCapture.of(0))
                .setupTimeout(Duration.ofMinutes(5))
                .map(map())
                .reduce(Step.shell("echo ${map.successful}"))
                .build();
        assertThat(stage).isEqualTo(oneStage.stages().get(0));

        Workflow pipeline = Workflow.builder("pipeline")
                .stage(Stage.steps("prepare", Step.shell("./prepare.sh").capture("prep")))
                .stage(Stage.mapReduce("triage").map(map()).reduce(Step.shell("echo done")))
                .build();
        assertThat(pipeline.stages()).hasSize(2);
        assertThat(pipeline.stages().get(0))
                .isEqualTo(new Stage.Steps(
                        "prepare",
                        List.of(Step.shell("./prepare.sh").capture("prep").build())));
        assertThat(pipeline.stages().get(1)).isInstanceOfSatisfying(Stage.MapReduce.class, mr -> {
            assertThat(mr.name()).isEqualTo("triage");
            assertThat(mr.setup().steps()).isEmpty();
            assertThat(mr.errorPolicy()).isEqualTo(ErrorPolicy.DEFAULT);
        });
        assertThat(pipeline.isMapReduce()).isTrue();
    }

    @Test
    void aMapReduceStageWithoutAMapPhaseIsRefusedByName() {
        assertThatThrownBy(
                        () -> Stage.mapReduce("triage").reduce(Step.shell("x")).build())
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessage("MapReduce stage 'triage' needs a map phase");
        assertThatThrownBy(() -> Workflow.mapReduce("triage").build())
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessage("MapReduce workflow 'triage' needs a map phase");
    }

    @Test
    void actionFactoriesGiveTheCanonicalValues() {
        assertThat(StepAction.Foreach.over(List.of("a", "b"), Step.shell("echo ${item}"))
                        .withParallel(2)
                        .withContinueOnError(true)
                        .withMaxItems(1))
                .isEqualTo(new StepAction.Foreach(
                        List.of("a", "b"),
                        null,
                        2,
                        true,
                        1,
                        List.of(Step.shell("echo ${item}").build())));
        assertThat(StepAction.Foreach.overLines(
                        "ls", Step.shell("wc -l ${item}").build()))
                .isEqualTo(new StepAction.Foreach(
                        null,
                        "ls",
                        1,
                        false,
                        null,
                        List.of(Step.shell("wc -l ${item}").build())));
        assertThat(StepAction.WriteFile.of("out/a.json", "{}")
                        .withFormat(FileFormat.JSON)
                        .withMode("0600")
                        .withCreateDirs(true))
                .isEqualTo(new StepAction.WriteFile("out/a.json", "{}", FileFormat.JSON, "0600", true));
        assertThat(StepAction.WriteFile.of("a.txt", "x"))
                .isEqualTo(Step.writeFile("a.txt", "x").build().action());
        assertThatThrownBy(() -> StepAction.WriteFile.of("a", "x").withMode("999"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("octal");
    }

    @Test
    void anItemResultBuilderFillsTheDocumentedDefaults() {
        ItemResult built = ItemResult.builder("item-3", ItemStatus.FAILED)
                .index(3)
                .itemJson("{\"id\":3}")
                .attempts(2)
                .startedAt(T0)
                .duration(Duration.ofSeconds(4))
                .error(new ItemError(ErrorKind.TIMEOUT, "timed out", null, "claude: /fix"))
                .deadLettered(true)
                .costUsd(0.5)
                .build();
        assertThat(built)
                .isEqualTo(new ItemResult(
                        "item-3",
                        3,
                        "{\"id\":3}",
                        ItemStatus.FAILED,
                        2,
                        T0,
                        Duration.ofSeconds(4),
                        null,
                        new ItemError(ErrorKind.TIMEOUT, "timed out", null, "claude: /fix"),
                        true,
                        null,
                        List.of(),
                        0.5,
                        TokenUsage.NONE,
                        List.of(),
                        null,
                        null));
        assertThat(built.toBuilder().status(ItemStatus.SUCCEEDED).error(null).build())
                .isEqualTo(new ItemResult(
                        "item-3",
                        3,
                        "{\"id\":3}",
                        ItemStatus.SUCCEEDED,
                        2,
                        T0,
                        Duration.ofSeconds(4),
                        null,
                        null,
                        true,
                        null,
                        List.of(),
                        0.5,
                        TokenUsage.NONE,
                        List.of(),
                        null,
                        null));
        assertThat(ItemResult.builder("a", ItemStatus.NOT_RUN).build().itemJson())
                .isEqualTo("{}");
    }

    @Test
    void runResultsAndSummariesHaveBuilders() {
        RunSummary summary = RunSummary.builder()
                .total(3)
                .succeeded(2)
                .failed(1)
                .costUsd(1.25)
                .build();
        assertThat(summary)
                .isEqualTo(new RunSummary(3, 2, 1, 0, 0, Duration.ZERO, 0, 0, Duration.ZERO, 1.25, TokenUsage.NONE));
        assertThat(RunSummary.EMPTY).isEqualTo(RunSummary.builder().build());
        RunResult failed = RunResult.builder("run-1", "wf", RunStatus.FAILED, T0)
                .failure("no such file")
                .build();
        assertThat(failed)
                .isEqualTo(new RunResult(
                        "run-1",
                        "wf",
                        RunStatus.FAILED,
                        T0,
                        Duration.ZERO,
                        List.of(),
                        List.of(),
                        Map.of(),
                        RunSummary.EMPTY,
                        "no such file"));
        assertThat(failed.toBuilder()
                        .status(RunStatus.SUCCEEDED)
                        .failure(null)
                        .build()
                        .succeeded())
                .isTrue();
    }

    @Test
    void requestsAndRecordsOfTheSpiHaveBuilders() {
        Path ws = Path.of("work");
        assertThat(AgentRequest.builder("/fix", ws).build())
                .usingRecursiveComparison()
                .ignoringFields("activity")
                .isEqualTo(AgentRequest.of("/fix", ws, Map.of(), null));
        AgentRequest request = AgentRequest.builder("/fix a", ws)
                .runId("run-1")
                .itemId("item-1")
                .stepLabel("claude: /fix")
                .timeout(Duration.ofMinutes(2))
                .environment(Map.of("K", "v"))
                .build();
        assertThat(request.runId()).isEqualTo("run-1");
        assertThat(request.itemId()).isEqualTo("item-1");
        assertThat(request.stepLabel()).isEqualTo("claude: /fix");
        assertThat(request.stateDirectory()).isEqualTo(ws.resolve(".prodigy-agent"));
        assertThat(request.environment()).containsEntry("K", "v");

        RunRecord record = RunRecord.builder("run-1", "wf", Path.of("project"), T0)
                .workflowHash("h")
                .build();
        assertThat(record)
                .isEqualTo(new RunRecord(
                        "run-1", "wf", "h", RunStatus.RUNNING, Path.of("project"), null, T0, T0, Map.of()));
        assertThat(record.toBuilder().updatedAt(T0.plusSeconds(1)).build().updatedAt())
                .isEqualTo(T0.plusSeconds(1));

        FailedAttempt first = FailedAttempt.of(1, T0, ErrorKind.TIMEOUT, "timed out");
        FailedAttempt second = FailedAttempt.of(2, T0.plusSeconds(60), ErrorKind.COMMAND_FAILED, "exit 1")
                .withExitCode(1)
                .withStep("shell: make")
                .withLogLocation("logs/2.log");
        assertThat(second)
                .isEqualTo(new FailedAttempt(
                        2, T0.plusSeconds(60), ErrorKind.COMMAND_FAILED, "exit 1", 1, "shell: make", "logs/2.log"));
        DlqEntry entry = DlqEntry.builder("run-1", "item-1")
                .itemJson("{\"id\":1}")
                .attempt(first)
                .attempt(second)
                .build();
        assertThat(entry)
                .isEqualTo(new DlqEntry(
                        "run-1", "item-1", "{\"id\":1}", List.of(first, second), null, false, T0, T0.plusSeconds(60)));
        assertThat(entry.toBuilder().resolved(true).build().resolved()).isTrue();
        assertThatThrownBy(() -> DlqEntry.builder("run-1", "item-1").build())
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("at least one failed attempt");

        assertThat(MapAttempt.builder("run-1", "wf", "item-1", "{}").attempt(2).build())
                .isEqualTo(new MapAttempt("run-1", "wf", "", 0, "item-1", 0, "{}", 2, Map.of(), Map.of(), null));
    }

    @Test
    void mapAttemptOutcomesHaveFactories() {
        Workspace ws = new Workspace() {
            @Override
            public Path directory() {
                return Path.of("w");
            }

            @Override
            public String name() {
                return "w";
            }
        };
        assertThat(MapAttemptOutcome.succeeded(ws, "done"))
                .isEqualTo(new MapAttemptOutcome(ws, null, null, "done", null, TokenUsage.NONE, null, 1));
        ItemError error = new ItemError(ErrorKind.COMMAND_FAILED, "agent failed", 1, null);
        assertThat(MapAttemptOutcome.failed(null, error))
                .isEqualTo(new MapAttemptOutcome(null, null, error, "", null, TokenUsage.NONE, null, 1));
        assertThat(MapAttemptOutcome.builder()
                        .workspace(ws)
                        .baseRevision("abc")
                        .costUsd(0.25)
                        .dispatches(2)
                        .build())
                .isEqualTo(new MapAttemptOutcome(ws, "abc", null, "", 0.25, TokenUsage.NONE, null, 2));
    }

    @Test
    void hintsAndCapturesHaveWithers() {
        assertThat(IsolationHints.NONE
                        .withMode(IsolationHints.Mode.POOLED)
                        .withPoolSize(8)
                        .withOnConflict(IsolationHints.OnConflict.AGENT)
                        .withConflictCommand("/resolve")
                        .withConflictTimeout(Duration.ofMinutes(3)))
                .isEqualTo(new IsolationHints(
                        IsolationHints.Mode.POOLED,
                        8,
                        null,
                        IsolationHints.OnConflict.AGENT,
                        "/resolve",
                        Duration.ofMinutes(3)));
        assertThat(IsolationHints.dedicated("long-lived"))
                .isEqualTo(new IsolationHints(IsolationHints.Mode.DEDICATED, null, "long-lived", null, null, null));
        assertThat(IsolationHints.NONE.withName("x").withName(null)).isEqualTo(IsolationHints.NONE);
        assertThat(SetupCapture.of(1)
                        .withSource(SetupCapture.Source.STDERR)
                        .withPattern("v=(\\d+)")
                        .withJsonPath("$.v")
                        .withDefaultValue("0")
                        .withMultiline(SetupCapture.Multiline.LAST_LINE))
                .isEqualTo(new SetupCapture(
                        1, SetupCapture.Source.STDERR, "v=(\\d+)", "$.v", "0", SetupCapture.Multiline.LAST_LINE));
    }

    @Test
    void hintsCarryWarmAndColdDirectoriesCheckedAndNormalized() {
        IsolationHints h = IsolationHints.NONE
                .withMode(IsolationHints.Mode.REUSE)
                .withWarmDirectories(List.of("target/", "node_modules", "target"))
                .withColdDirectories(List.of("build", "tools/target/"));
        assertThat(h.warmDirectories()).containsExactly("target", "node_modules");
        assertThat(h.coldDirectories()).containsExactly("build", "tools/target");
        assertThat(h.withMode(IsolationHints.Mode.POOLED).warmDirectories()).isEqualTo(h.warmDirectories());
        assertThat(h.withConflictTimeout(Duration.ofSeconds(1)).coldDirectories())
                .isEqualTo(h.coldDirectories());
        assertThat(new IsolationHints(null, null, null, null, null, null)).isEqualTo(IsolationHints.NONE);
        assertThat(IsolationHints.NONE.withWarmDirectories(List.of()).isEmpty())
                .as("an empty list keeps nothing warm: it is asked for")
                .isFalse();
        for (String bad : List.of("", " ", "a/b", "*.o", ".git", "..", "x\ny", "!x", "/abs")) {
            assertThatThrownBy(() -> IsolationHints.NONE.withWarmDirectories(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(WorkflowDefinitionException.class)
                    .hasMessageContaining("plain directory name");
        }
        for (String bad : List.of("", "/abs", "a//b", "a/../b", "src/*", ".git/x", "a\\b")) {
            assertThatThrownBy(() -> IsolationHints.NONE.withColdDirectories(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(WorkflowDefinitionException.class)
                    .hasMessageContaining("cold directory");
        }
        assertThatThrownBy(() -> IsolationHints.NONE.withWarmDirectories(java.util.Arrays.asList("a", null)))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("warm_directories[1]");
    }
}
