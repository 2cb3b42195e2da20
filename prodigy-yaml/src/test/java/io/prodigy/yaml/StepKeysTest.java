package io.prodigy.yaml;

import static io.prodigy.yaml.Models.load;
import static io.prodigy.yaml.Models.mapReduce;
import static io.prodigy.yaml.Models.result;
import static io.prodigy.yaml.Models.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.FileFormat;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference §1.3 (standard step keys) and §1.7 (MapReduce step keys): every key maps onto {@link Step}, in every
 * phase, including the ones the Rust tool drops on {@code run}.
 */
class StepKeysTest {

    private static Step one(String yaml) {
        return steps(load("commands:\n" + yaml)).get(0);
    }

    private static Step mapStep(String yaml) {
        return mapReduce(load("mode: mapreduce\nmap:\n  input: items.json\n  agent_template:\n" + yaml))
                .map()
                .agentTemplate()
                .get(0);
    }

    @Test
    void claudeAndShell() {
        assertThat(one("  - claude: \"/fix --all\"\n"))
                .isEqualTo(Step.agent("/fix --all").build());
        assertThat(one("  - shell: |\n      make\n      make test\n"))
                .isEqualTo(Step.shell("make\nmake test\n").build());
        // a block-scalar agent command loses its trailing newline (a slash command is one line)
        assertThat(one("  - claude: |\n      /fix-debt-item --json '${item}'\n"))
                .isEqualTo(Step.agent("/fix-debt-item --json '${item}'").build());
    }

    @Test
    void writeFileWithEveryField() {
        Step s = one("  - write_file:\n      path: out/${ARG}.json\n      content: '{\"a\": 1}'\n"
                + "      format: json\n      mode: \"0600\"\n      create_dirs: true\n");
        assertThat(s.action())
                .isEqualTo(new StepAction.WriteFile("out/${ARG}.json", "{\"a\": 1}", FileFormat.JSON, "0600", true));
        // content written as YAML structure becomes JSON text for format json
        StepAction.WriteFile structured = (StepAction.WriteFile) one("  - write_file:\n      path: a.json\n"
                        + "      format: json\n      content:\n        a: 1\n        b: [x]\n")
                .action();
        assertThat(structured.content()).isEqualTo("{\n  \"a\" : 1,\n  \"b\" : [ \"x\" ]\n}");
        // an unquoted 0644 is YAML 1.1 octal; the mode is taken as written
        assertThat(((StepAction.WriteFile) one("  - write_file: {path: a, content: b, mode: 0644}\n")
                                .action())
                        .mode())
                .isEqualTo("0644");
    }

    @Test
    void foreachInBothShapes() {
        StepAction.Foreach nested = (StepAction.Foreach) one("  - foreach:\n      foreach: \"ls *.rs\"\n"
                        + "      parallel: 4\n      continue_on_error: true\n      max_items: 7\n      do:\n"
                        + "        - shell: rustfmt ${item}\n")
                .action();
        assertThat(nested)
                .isEqualTo(new StepAction.Foreach(
                        null,
                        "ls *.rs",
                        4,
                        true,
                        7,
                        List.of(Step.shell("rustfmt ${item}").build())));
        StepAction.Foreach flat = (StepAction.Foreach)
                one("  - foreach: [a, b]\n    parallel: true\n" + "    do:\n      claude: /x ${item}\n")
                        .action();
        assertThat(flat)
                .isEqualTo(new StepAction.Foreach(
                        List.of("a", "b"),
                        null,
                        10,
                        false,
                        null,
                        List.of(Step.agent("/x ${item}").build())));
        assertThat(((StepAction.Foreach) one("  - foreach: {items: [a], parallel: false, do: [{shell: x}]}\n")
                                .action())
                        .parallel())
                .isEqualTo(1);
    }

    @Test
    void legacyTestIsShellWithTheTestDebugLoop() {
        Step s = one("  - test:\n      command: cargo test\n      on_failure:\n        claude: /debug ${shell.output}\n"
                + "        max_attempts: 2\n        fail_workflow: true\n");
        assertThat(s)
                .isEqualTo(Step.shell("cargo test")
                        .onFailure(OnFailure.run(
                                        Step.agent("/debug ${shell.output}").build())
                                .retryOriginal(true)
                                .maxAttempts(2)
                                .failWorkflow(true))
                        .build());
    }

    @Test
    void goalSeekIsAStepWithValidateAndOnIncomplete() {
        Step s = one("  - goal_seek:\n      goal: Reach 90%\n      shell: ./improve.sh\n"
                + "      validate: ./score.sh\n      threshold: 90\n      max_attempts: 4\n"
                + "      fail_on_incomplete: true\n");
        assertThat(s.name()).isEqualTo("Reach 90%");
        assertThat(s.action()).isEqualTo(new StepAction.Shell("./improve.sh"));
        Validation v = s.validate();
        assertThat(v.threshold()).isEqualTo(90.0);
        assertThat(((StepAction.Shell) v.commands().get(0).action()).command()).contains("./score.sh");
        assertThat(v.onIncomplete())
                .isEqualTo(new Validation.OnIncomplete(
                        List.of(Step.shell("./improve.sh").build()), 4, true));
    }

    @Test
    void idCommitRequiredWhenTimeoutOutputFileAndOnSuccess() {
        Step s = one("  - shell: make\n    id: build\n    commit_required: true\n    when: \"${ready} == true\"\n"
                + "    timeout: 600\n    output_file: build.log\n    on_success:\n      shell: echo ok\n");
        assertThat(s)
                .isEqualTo(Step.shell("make")
                        .id("build")
                        .commitRequired(true)
                        .when("${ready} == true")
                        .timeout(Duration.ofMinutes(10))
                        .outputFile("build.log")
                        .onSuccess(Step.shell("echo ok").build())
                        .build());
    }

    @Test
    void durationsAsNumbersOrText() {
        assertThat(one("  - shell: a\n    timeout: \"10m\"\n").timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(one("  - shell: a\n    timeout: 600s\n").timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(one("  - shell: a\n    timeout: 1h30m\n").timeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(one("  - shell: a\n    timeout: 1.5\n").timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(one("  - shell: a\n    timeout: {secs: 5, nanos: 0}\n").timeout())
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void captureOutputAsBooleanOrName() {
        assertThat(one("  - shell: a\n    capture_output: true\n"))
                .isEqualTo(Step.shell("a").build());
        assertThat(one("  - shell: a\n    capture_output: spec_number\n").capture())
                .isEqualTo("spec_number");
        Step s = one("  - shell: a\n    capture: out\n    capture_format: lines\n    capture_streams: stderr\n");
        assertThat(s.captureFormat()).isEqualTo(CaptureFormat.LINES);
        assertThat(s.captureStreams()).isEqualTo(CaptureStreams.named("stderr"));
    }

    @Test
    void structuredCommandsAndBareStrings() {
        Step structured = one("  - name: prodigy-code-review\n    args: [\"$ARG\", two words]\n"
                + "    options:\n      focus: security\n      verbose: true\n      quiet: false\n"
                + "    metadata:\n      retries: 2\n      timeout: 300\n      continue_on_error: true\n"
                + "      env: {A: b}\n    commit_required: true\n");
        assertThat(structured)
                .isEqualTo(Step.agent("/prodigy-code-review $ARG 'two words' --focus security " + "--verbose")
                        .retry(RetryPolicy.builder().maxAttempts(3).build())
                        .timeout(Duration.ofMinutes(5))
                        .onFailure(OnFailure.ignore())
                        .env("A", "b")
                        .commitRequired(true)
                        .build());
        assertThat(steps(load("- prodigy-lint\n- \"/prodigy-implement-spec $ARG\"\n")))
                .containsExactly(
                        Step.agent("/prodigy-lint").build(),
                        Step.agent("/prodigy-implement-spec $ARG").build());
        assertThat(one("  - name: lint\n    focus: performance\n"))
                .isEqualTo(Step.agent("/lint --focus performance").build());
    }

    @Test
    void analyzeAndAnalysisAreIgnoredAsTheRustToolIgnoresThemAndOutputsAreActedOn() {
        LoadResult r = result(
                "- analyze: {force_refresh: true}\n- claude: /x\n  id: x\n"
                        + "  analysis: {max_cache_age: 60}\n  outputs:\n    spec: {file_pattern: \"*.md\"}\n    plan: \"plan\"\n");
        assertThat(steps(r.orThrow()))
                .containsExactly(Step.agent("/x")
                        .id("x")
                        .output("spec", "*.md")
                        .output("plan", "plan")
                        .build());
        assertThat(r.warnings()).extracting(Problem::path).containsExactly("[0].analyze", "[1].analysis");
        assertThat(r.warnings())
                .allSatisfy(p -> assertThat(p.message()).contains("the Rust tool 0.4.x ignores it too"));
    }

    @Test
    void mapReduceStepKeysWorkInTheMapPhase() {
        Step s = mapStep("    - name: check\n      shell: cargo check\n      capture: check\n"
                + "      capture_format: json\n      capture_streams: {stdout: true, stderr: true, exit_code: false}\n"
                + "      timeout: 60\n      working_dir: sub\n      env: {RUST_LOG: debug}\n"
                + "      on_exit_code:\n        101: {claude: /fix}\n      auto_commit: true\n"
                + "      commit_config: {message_template: \"fix ${item.id}\"}\n      when: \"${item.score} > 3\"\n");
        assertThat(s)
                .isEqualTo(Step.shell("cargo check")
                        .name("check")
                        .capture("check")
                        .captureFormat(CaptureFormat.JSON)
                        .captureStreams(new CaptureStreams(true, true, false, true, true))
                        .timeout(Duration.ofMinutes(1))
                        .workingDir("sub")
                        .env("RUST_LOG", "debug")
                        .onExitCode(101, List.of(Step.agent("/fix").build()))
                        .autoCommit(true)
                        .commitMessage("fix ${item.id}")
                        .when("${item.score} > 3")
                        .build());
    }

    @Test
    void oncePerWorktreeIsAControlOfAnyStepButNotOfAStepAnotherStepRuns() {
        assertThat(mapStep("    - shell: npm ci\n      once_per_worktree: true\n"))
                .isEqualTo(Step.shell("npm ci").oncePerWorktree(true).build());
        assertThat(one("  - shell: npm ci\n    once_per_worktree: false\n"))
                .isEqualTo(Step.shell("npm ci").build());
        // setup and plain steps run once anyway: accepted
        assertThat(mapReduce(load("mode: mapreduce\nsetup:\n  - shell: npm ci\n    once_per_worktree: true\n"
                                + "map:\n  input: items.json\n  agent_template:\n    - shell: x\n"))
                        .setup()
                        .steps()
                        .get(0)
                        .oncePerWorktree())
                .isTrue();

        LoadResult typo = result("commands:\n  - shell: npm ci\n    once_per_worktre: true\n");
        assertThat(typo.errors()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("did you mean 'once_per_worktree'");
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isEqualTo(5);
        });
        LoadResult badType = result("commands:\n  - shell: npm ci\n    once_per_worktree: always\n");
        assertThat(badType.errors()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("expected true or false");
            assertThat(p.line()).isEqualTo(3);
        });
        LoadResult nested = result("commands:\n  - shell: make\n    on_failure:\n      shell: npm ci\n"
                + "      once_per_worktree: true\n");
        assertThat(nested.errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("once_per_worktree applies to the steps of a phase"));
    }

    @Test
    void stepValidateAndItsSwitches() {
        Step s = mapStep("    - shell: make\n      step_validate: [\"test -f out\", \"/check\"]\n"
                + "      validation_timeout: 30\n");
        assertThat(s.validate())
                .isEqualTo(new Validation(
                        List.of(
                                Step.shell("test -f out").build(),
                                Step.agent("/check").build()),
                        null,
                        100.0,
                        Duration.ofSeconds(30),
                        null));
        Step map = mapStep("    - shell: make\n      step_validate:\n        commands:\n"
                + "          - {command: \"test -f a\"}\n          - {command: /verify, command_type: claude}\n"
                + "        success_criteria: all\n");
        assertThat(map.validate().commands())
                .containsExactly(
                        Step.shell("test -f a").build(), Step.agent("/verify").build());
        assertThat(mapStep("    - shell: make\n      validate: \"test -f out\"\n      skip_validation: true\n")
                        .validate())
                .isNull();
    }

    @Test
    void handlerAndLegacyCommand() {
        assertThat(mapStep("    - handler: {name: shell, attributes: {command: make}}\n"))
                .isEqualTo(Step.shell("make").build());
        assertThat(mapStep("    - handler: {name: git, attributes: {command: status}}\n"))
                .isEqualTo(Step.shell("git status").build());
        assertThat(mapStep("    - command: /legacy-fix\n"))
                .isEqualTo(Step.agent("/legacy-fix").build());
    }

    @Test
    void envWorkingDirAndFailureSwitchesOnStandardSteps() {
        // keys the Rust tool only parses in MapReduce setup work in standard steps too
        Step s = one("  - shell: npm test\n    env: {CI: \"true\", N: 3}\n    working_dir: ./web\n"
                + "    allow_failure: true\n    temporary: true\n");
        assertThat(s)
                .isEqualTo(Step.shell("npm test")
                        .env("CI", "true")
                        .env("N", "3")
                        .workingDir("./web")
                        .onFailure(OnFailure.ignore())
                        .build());
        assertThat(one("  - shell: x\n    continue_on_error: true\n").onFailure())
                .isEqualTo(OnFailure.ignore());
        assertThat(one("  - shell: x\n    fail_workflow: false\n").onFailure()).isEqualTo(OnFailure.ignore());
    }
}
