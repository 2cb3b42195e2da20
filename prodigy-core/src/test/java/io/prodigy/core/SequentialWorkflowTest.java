package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.FileFormat;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequentialWorkflowTest {
    @TempDir
    Path dir;

    private RunResult run(Workflow wf) {
        return Engines.on(dir).build().run(wf);
    }

    @Test
    void stepsRunInOrderInTheProjectDirectoryAndCaptureOutput() {
        RunResult r = run(Workflow.sequential(
                "seq",
                Step.shell("pwd").capture("where").build(),
                Step.shell("echo hello > greeting.txt").build(),
                Step.shell("cat greeting.txt").capture("greeting").build(),
                Step.shell("echo ${greeting}-${where.exit_code}")
                        .capture("combined")
                        .build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.variables().get("where")).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(r.variables().get("combined")).isEqualTo("hello-0");
        assertThat(r.steps()).hasSize(4).allMatch(s -> s.success() && !s.skipped());
    }

    @Test
    void aFailingStepFailsTheRunAndStopsIt() {
        RunResult r = run(Workflow.sequential(
                "fail",
                Step.shell("echo boom >&2; exit 3").build(),
                Step.shell("touch never").build()));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).contains("exited with code 3").contains("boom");
        assertThat(dir.resolve("never")).doesNotExist();
        assertThat(r.steps()).hasSize(1);
        assertThat(r.steps().get(0).exitCode()).isEqualTo(3);
        assertThat(r.steps().get(0).error().kind()).isEqualTo(ErrorKind.COMMAND_FAILED);
    }

    @Test
    void envWorkingDirAndArgsReachTheProcess() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Workflow wf = Workflow.builder("env")
                .env("GREETING", "hi ${ARG_1}")
                .steps(Step.shell("echo \"$GREETING/$STEP_VAR/$1/${ARG}\" > out.txt")
                        .env("STEP_VAR", "from-step")
                        .workingDir("sub")
                        .build())
                .build();
        RunResult r =
                Engines.on(dir).build().run(wf, RunOptions.builder().args("bob").build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("sub/out.txt")).strip()).isEqualTo("hi bob/from-step/bob/bob");
    }

    @Test
    void captureFormatsConvertOutput() {
        RunResult r = run(Workflow.sequential(
                "formats",
                Step.shell("echo '{\"a\": [1, 2, 3]}'")
                        .capture("j")
                        .captureFormat(CaptureFormat.JSON)
                        .build(),
                Step.shell("printf 'x\\n\\ny\\n'")
                        .capture("l")
                        .captureFormat(CaptureFormat.LINES)
                        .build(),
                Step.shell("echo 42")
                        .capture("n")
                        .captureFormat(CaptureFormat.NUMBER)
                        .build(),
                Step.shell("exit 0")
                        .capture("b")
                        .captureFormat(CaptureFormat.BOOLEAN)
                        .build(),
                Step.shell("echo ${j.a[1]} ${l[1]} ${n} ${b}").capture("all").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.variables().get("all")).isEqualTo("2 y 42 true");
        assertThat(r.variables().get("l")).isEqualTo("x, y");
    }

    @Test
    void aShellCaptureIsAlsoReadAsShellDotName() {
        // the Rust tool's spec.yml captures 'spec_number' and reads it as ${shell.spec_number}
        RunResult r = run(Workflow.sequential(
                "shell-capture",
                Step.shell("printf 42").capture("spec_number").build(),
                Step.shell("echo 'spec ${shell.spec_number}'").capture("said").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.variables().get("said")).isEqualTo("spec 42");
    }

    @Test
    void captureStreamsStoreStderrExitCodeSuccessAndDuration() {
        RunResult r = run(Workflow.sequential(
                "streams",
                Step.shell("echo out; echo err >&2")
                        .capture("c")
                        .captureStreams(CaptureStreams.ALL)
                        .build(),
                Step.shell("echo ${c} ${c.stderr} ${c.exit_code} ${c.success}")
                        .capture("seen")
                        .build()));
        assertThat(r.variables().get("seen")).isEqualTo("out err 0 true");
        assertThat(r.variables()).containsKey("c.duration");
    }

    @Test
    void outputFileReceivesStandardOutput() throws Exception {
        RunResult r = run(Workflow.sequential(
                "of",
                Step.shell("echo one; echo two").outputFile("logs/out.log").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("logs/out.log"))).isEqualTo("one\ntwo\n");
    }

    @Test
    void whenSkipsStepsWhoseConditionIsFalse() {
        RunResult r = run(Workflow.sequential(
                "when",
                Step.shell("echo 3")
                        .capture("count")
                        .captureFormat(CaptureFormat.NUMBER)
                        .build(),
                Step.shell("echo big > big").when("${count} > 5").build(),
                Step.shell("echo small > small")
                        .when("${count} <= 5 && ${count.success}")
                        .build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("big")).doesNotExist();
        assertThat(dir.resolve("small")).exists();
        assertThat(r.steps().get(1).skipped()).isTrue();
    }

    @Test
    void undefinedVariableFailsTheStepNamingTheVariableAndTheStep() {
        RunResult r = run(Workflow.sequential(
                "undef", Step.shell("echo ${nope.value}").name("say it").build()));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).contains("nope.value").contains("say it");
        assertThat(r.steps().get(0).error().kind()).isEqualTo(ErrorKind.CONFIGURATION);
    }

    @Test
    void maxIterationsRunsTheStepsAgainWithTheIterationNumber() {
        RunResult r = Engines.on(dir)
                .build()
                .run(
                        Workflow.sequential(
                                "iterate",
                                Step.shell("echo \"${ITERATION} ${workflow.iteration}\" >> iterations.txt")
                                        .build()),
                        io.prodigy.api.RunOptions.builder().maxIterations(3).build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        // a plain directory has no commits to tell "no changes" by: every iteration runs
        assertThat(dir.resolve("iterations.txt")).hasContent("1 1\n2 2\n3 3");
        assertThatThrownBy(() ->
                        io.prodigy.api.RunOptions.builder().maxIterations(0).build())
                .hasMessageContaining("at least 1");
    }

    @Test
    void aPlainNameNoWorkflowVariableDefinesIsTheShellsOwn() {
        RunResult r = run(Workflow.sequential(
                "shell vars",
                Step.shell("percentage=42; echo \"${percentage}%\" > pct.txt").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("pct.txt")).hasContent("42%");
    }

    @Test
    void defaultsApplyToUndefinedVariables() {
        RunResult r = run(Workflow.sequential(
                "def", Step.shell("echo ${nope:-fallback}").capture("v").build()));
        assertThat(r.variables().get("v")).isEqualTo("fallback");
    }

    @Test
    void timeoutKillsTheStep() {
        long start = System.nanoTime();
        RunResult r = run(Workflow.sequential(
                "timeout",
                Step.shell("sleep 30").timeout(Duration.ofMillis(300)).build()));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.steps().get(0).error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void writeFileWritesTextAndPrettyJsonWithModeAndDirs() throws Exception {
        RunResult r = run(Workflow.sequential(
                "wf",
                Step.shell("echo world").capture("who").build(),
                Step.of(new StepAction.WriteFile("out/hello.txt", "hello ${who}\n", FileFormat.TEXT, "0600", true))
                        .build(),
                Step.of(new StepAction.WriteFile(
                                "out/data.json", "{\"who\": \"${who}\", \"n\": [1,2]}", FileFormat.JSON, null, true))
                        .build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("out/hello.txt"))).isEqualTo("hello world\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("out/hello.txt"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("out/data.json")))
                .contains("\"who\" : \"world\"")
                .contains("\n");
    }

    @Test
    void writeFileRefusesPathsOutsideTheWorkspaceAndInvalidJson() {
        RunResult escape = run(Workflow.sequential(
                "esc",
                Step.of(new StepAction.WriteFile("../evil.txt", "x", FileFormat.TEXT, null, false))
                        .build()));
        assertThat(escape.status()).isEqualTo(RunStatus.FAILED);
        assertThat(escape.failure()).contains("outside the workspace");
        assertThat(dir.resolveSibling("evil.txt")).doesNotExist();
        RunResult json = run(Workflow.sequential(
                "json",
                Step.of(new StepAction.WriteFile("bad.json", "{nope", FileFormat.JSON, null, false))
                        .build()));
        assertThat(json.failure()).contains("not valid JSON");
    }

    @Test
    void writeFileWithoutCreateDirsFailsOnMissingDirectory() {
        RunResult r = run(Workflow.sequential(
                "nodir", Step.writeFile("missing/x.txt", "x").build()));
        assertThat(r.failure()).contains("create_dirs");
    }

    @Test
    void foreachRunsItsStepsPerElementSequentiallyAndInParallel() throws Exception {
        RunResult r = run(Workflow.sequential(
                "foreach",
                Step.of(StepAction.Foreach.over(
                        List.of("a", "b", "c"), Step.shell("echo ${index}/${total}:${item} >> seq.txt"))),
                Step.of(StepAction.Foreach.overLines("printf 'x\\ny\\nz\\nw\\n'", Step.shell("touch par-${item}"))
                        .withParallel(3)
                        .withMaxItems(3))));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("seq.txt"))).containsExactly("0/3:a", "1/3:b", "2/3:c");
        assertThat(dir.resolve("par-x")).exists();
        assertThat(dir.resolve("par-z")).exists();
        assertThat(dir.resolve("par-w")).doesNotExist();
    }

    @Test
    void foreachStopsAtTheFirstFailureUnlessContinueOnError() throws Exception {
        RunResult stop = run(Workflow.sequential(
                "fe-stop",
                Step.of(StepAction.Foreach.over(
                        List.of("1", "2", "3"), Step.shell("echo ${item} >> stop.txt; [ ${item} != 2 ]")))));
        assertThat(stop.status()).isEqualTo(RunStatus.FAILED);
        assertThat(Files.readAllLines(dir.resolve("stop.txt"))).containsExactly("1", "2");
        RunResult cont = run(Workflow.sequential(
                "fe-cont",
                Step.of(StepAction.Foreach.over(
                                List.of("1", "2", "3"), Step.shell("echo ${item} >> cont.txt; [ ${item} != 2 ]"))
                        .withContinueOnError(true))));
        assertThat(cont.status()).isEqualTo(RunStatus.FAILED);
        assertThat(cont.failure()).contains("1 of 3 element(s) failed");
        assertThat(Files.readAllLines(dir.resolve("cont.txt"))).containsExactly("1", "2", "3");
    }

    @Test
    void agentStepsGoThroughTheAgentRunnerWithWorkspaceAndEnvironment() {
        Engines.Recorder rec = new Engines.Recorder();
        Prodigy p = Engines.on(
                dir,
                req -> AgentResult.builder()
                        .success(true)
                        .output("ran " + req.command() + " in "
                                + req.workspace().getFileName() + " auto="
                                + req.environment().get("PRODIGY_AUTOMATION"))
                        .costUsd(0.25)
                        .build(),
                rec);
        RunResult r = p.run(Workflow.sequential(
                "agent",
                Step.shell("echo src/a.rs").capture("file").build(),
                Step.agent("/fix ${file}").build(),
                Step.shell("echo '${claude.output}'").capture("echoed").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.variables().get("echoed")).isEqualTo("ran /fix src/a.rs in " + dir.getFileName() + " auto=true");
        assertThat(rec.of(RunEvent.StepFinished.class)).hasSize(3);
    }

    @Test
    void agentStepWithoutRunnerFailsWithAnActionableMessage() {
        RunResult r = run(Workflow.sequential("noagent", Step.agent("/fix").build()));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).contains("no AgentRunner is configured");
    }

    @Test
    void validateRunsOnIncompleteUntilTheThresholdIsReached() throws Exception {
        // the validator reports 50% until the fixer has created done.txt
        String validator = "if [ -f done.txt ]; then echo '{\"completion_percentage\": 100, \"status\": \"complete\"}';"
                + " else echo '{\"completion_percentage\": 50, \"status\": \"incomplete\", \"missing\": [\"done.txt\"]}'; fi";
        Step step = Step.shell("echo work")
                .validate(Validation.of(Step.shell(validator))
                        .withThreshold(90)
                        .withOnIncomplete(Validation.OnIncomplete.of(
                                        Step.shell("echo fixing ${validation.missing_count} > fix.log; touch done.txt"))
                                .withMaxAttempts(3)))
                .build();
        RunResult r = run(Workflow.sequential("goal", step));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("fix.log")).strip()).isEqualTo("fixing 1");
        assertThat(r.variables().get("validation.completion")).isEqualTo("100");
    }

    @Test
    void validateFailsBelowTheThresholdAndReadsResultFiles() throws Exception {
        Step step = Step.shell("echo work")
                .validate(Validation.of(Step.shell("echo '{\"completion_percentage\": 40}' > result.json"))
                        .withResultFile("result.json")
                        .withThreshold(80))
                .build();
        RunResult r = run(Workflow.sequential("goal-fail", step));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.steps().get(0).error().kind()).isEqualTo(ErrorKind.VALIDATION_FAILED);
        assertThat(r.failure()).contains("40.0%").contains("80.0%");
    }

    @Test
    void multipleStagesSeeEachOthersVariables() {
        Workflow wf = Workflow.builder("stages")
                .steps(Step.shell("echo first").capture("a").build())
                .stage(new Stage.Steps(
                        "second",
                        List.of(Step.shell("echo ${a}-second").capture("b").build())))
                .build();
        RunResult r = run(wf);
        assertThat(r.variables().get("b")).isEqualTo("first-second");
    }

    @Test
    void secretsAreMaskedInResultsButReachTheProcess() throws Exception {
        Workflow wf = Workflow.builder("secret")
                .secret("API_TOKEN", "s3cr3t-value")
                .steps(
                        Step.shell("echo token=$API_TOKEN > seen.txt; echo token=$API_TOKEN")
                                .capture("out")
                                .build(),
                        Step.shell("echo failing with $API_TOKEN >&2; exit 1").build())
                .build();
        Engines.Recorder rec = new Engines.Recorder();
        Prodigy p = Engines.on(dir).listener(rec).build();
        RunResult r = p.run(wf);
        assertThat(Files.readString(dir.resolve("seen.txt")).strip()).isEqualTo("token=s3cr3t-value");
        assertThat(r.variables().get("out")).isEqualTo("token=***");
        assertThat(r.variables().values()).noneMatch(v -> v.contains("s3cr3t-value"));
        assertThat(r.failure()).doesNotContain("s3cr3t-value").contains("***");
        assertThat(p.checkpoints().journal(r.runId()).toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void listenerFailuresNeverBreakTheRun() {
        Prodigy p = Engines.on(dir)
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .build();
        RunResult r = p.run(Workflow.sequential("l", Step.shell("true").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void runIsJournaledInTheCheckpointStore() {
        Prodigy p = Engines.on(dir).build();
        RunResult r =
                p.run(Workflow.sequential("j", Step.shell("echo x").capture("x").build()));
        assertThat(p.checkpoints().findRun(r.runId())).get().satisfies(rec -> {
            assertThat(rec.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(rec.workflowHash()).hasSize(64);
        });
        assertThat(p.checkpoints().journal(r.runId())).isNotEmpty();
    }

    @Test
    void capturedJsonOfLargeOutputSurvives() throws Exception {
        Files.writeString(dir.resolve("big.txt"), "y\n".repeat(100_000), StandardCharsets.UTF_8);
        RunResult r = run(Workflow.sequential(
                "big",
                Step.shell("cat big.txt")
                        .capture("big")
                        .captureFormat(CaptureFormat.LINES)
                        .build(),
                Step.shell("echo ${big[99999]}").capture("last").build()));
        assertThat(r.variables().get("last")).isEqualTo("y");
    }

    @Test
    void agentOutputGoesToOutputFile() throws Exception {
        Prodigy p = Engines.on(dir)
                .agentRunner(req -> AgentResult.success("# Summary\nall good\n"))
                .build();
        RunResult r = p.run(Workflow.sequential(
                "agent-out",
                Step.agent("/summarize").outputFile("docs/SUMMARY.md").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("docs/SUMMARY.md"))).isEqualTo("# Summary\nall good\n");
    }

    @Test
    void aStageNameWithASlashIsRecordedWhole() {
        Prodigy p = Engines.on(dir).build();
        RunResult r = p.run(Workflow.builder("slashes")
                .stage(Stage.steps("lint/fix", Step.shell("true")))
                .build());
        assertThat(r.steps()).extracting(io.prodigy.api.StepRecord::stage).containsExactly("lint/fix");
    }
}
