package io.prodigy.yaml;

import static io.prodigy.yaml.Models.load;
import static io.prodigy.yaml.Models.mapReduce;
import static io.prodigy.yaml.Models.result;
import static io.prodigy.yaml.Models.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Backoff;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.Validation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference §1.8 ({@code on_failure} in every shape), §1.9 ({@code validate} and {@code on_incomplete}) and §1.10
 * (step {@code retry}).
 */
class HandlerKeysTest {

    private static Step phase(String stepYaml) {
        return mapReduce(load("mode: mapreduce\nmap:\n  input: a\n  agent_template:\n" + stepYaml))
                .map()
                .agentTemplate()
                .get(0);
    }

    private static Step standard(String stepYaml) {
        return steps(load("commands:\n" + stepYaml)).get(0);
    }

    @Test
    void onFailureBooleans() {
        assertThat(phase("    - shell: x\n      on_failure: true\n").onFailure())
                .isEqualTo(OnFailure.ignore());
        assertThat(phase("    - shell: x\n      on_failure: false\n").onFailure())
                .isEqualTo(OnFailure.fail());
    }

    @Test
    void onFailureStringsAndLists() {
        assertThat(phase("    - shell: x\n      on_failure: /fix ${error.message}\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(Step.agent("/fix ${error.message}").build())
                        .build());
        assertThat(phase("    - shell: x\n      on_failure: ./cleanup.sh\n").onFailure())
                .isEqualTo(OnFailure.run(Step.shell("./cleanup.sh").build()).build());
        assertThat(phase("    - shell: x\n      on_failure: [\"echo a\", \"/fix\"]\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(
                                Step.shell("echo a").build(), Step.agent("/fix").build())
                        .build());
        // a list of maps: the Rust tool cannot parse it (workflows/mapreduce-env-example.yml)
        assertThat(phase("    - shell: x\n      on_failure:\n        - claude: /fix\n          commit_required: true\n"
                                + "        - shell: make\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(
                                Step.agent("/fix").commitRequired(true).build(),
                                Step.shell("make").build())
                        .build());
    }

    @Test
    void onFailureDetailedForm() {
        OnFailure f = phase("    - shell: x\n      on_failure:\n        commands:\n          - shell: ./rollback.sh\n"
                        + "            continue_on_error: true\n          - claude: /report\n        strategy: recovery\n"
                        + "        timeout: 60\n        fail_workflow: true\n        handler_failure_fatal: true\n")
                .onFailure();
        assertThat(f)
                .isEqualTo(OnFailure.run(
                                Step.shell("./rollback.sh")
                                        .onFailure(OnFailure.ignore())
                                        .timeout(Duration.ofMinutes(1))
                                        .build(),
                                Step.agent("/report")
                                        .timeout(Duration.ofMinutes(1))
                                        .build())
                        .failWorkflow(true)
                        .handlerFailureFatal(true)
                        .build());
        // handler_failure_fatal defaults to false in the detailed form, as upstream
        assertThat(phase("    - shell: x\n      on_failure: {commands: [{shell: y}]}\n")
                        .onFailure()
                        .handlerFailureFatal())
                .isFalse();
    }

    @Test
    void onFailureAdvancedFormInAPhase() {
        assertThat(phase("    - shell: x\n      on_failure: {claude: /fix}\n").onFailure())
                .isEqualTo(OnFailure.run(Step.agent("/fix").build()).build());
        assertThat(phase("    - shell: x\n      on_failure: {shell: ./fix.sh, max_retries: 2, fail_workflow: true}\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(Step.shell("./fix.sh").build())
                        .retryOriginal(true)
                        .maxAttempts(2)
                        .failWorkflow(true)
                        .build());
        assertThat(phase("    - shell: x\n      on_failure: {claude: /fix, retry_original: true, max_attempts: 4}\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(Step.agent("/fix").build())
                        .retryOriginal(true)
                        .maxAttempts(4)
                        .build());
    }

    @Test
    void onFailureInAStandardWorkflowIsTheTestDebugLoop() {
        assertThat(standard(
                                "  - shell: cargo test\n    on_failure:\n      claude: /debug\n      commit_required: true\n")
                        .onFailure())
                .isEqualTo(
                        OnFailure.run(Step.agent("/debug").commitRequired(true).build())
                                .retryOriginal(true)
                                .maxAttempts(3)
                                .build());
        // a shell handler is not the loop: it runs once
        assertThat(standard("  - shell: cargo bench\n    on_failure: {shell: echo skipped}\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(Step.shell("echo skipped").build()).build());
    }

    @Test
    void validateInEveryShape() {
        assertThat(phase("    - shell: x\n      validate: cargo test\n").validate())
                .isEqualTo(Validation.of(Step.shell("cargo test").build()));
        assertThat(phase("    - shell: x\n      validate: [\"test -f a\", /check]\n")
                        .validate())
                .isEqualTo(Validation.of(
                        Step.shell("test -f a").build(), Step.agent("/check").build()));
        Validation full = phase(
                        "    - claude: /implement\n      validate:\n        shell: ./measure.sh\n"
                                + "        claude: /validate --output r.json\n        result_file: r.json\n        threshold: 80\n"
                                + "        timeout: 5m\n        on_incomplete:\n          claude: /complete ${validation.gaps}\n"
                                + "          max_attempts: 4\n          fail_workflow: false\n          commit_required: true\n")
                .validate();
        assertThat(full)
                .isEqualTo(new Validation(
                        List.of(
                                Step.shell("./measure.sh").build(),
                                Step.agent("/validate --output r.json").build()),
                        "r.json",
                        80.0,
                        Duration.ofMinutes(5),
                        new Validation.OnIncomplete(
                                List.of(Step.agent("/complete ${validation.gaps}")
                                        .commitRequired(true)
                                        .build()),
                                4,
                                false)));
        assertThat(phase("    - shell: x\n      validate:\n        commands: [{shell: a}]\n"
                                + "        on_incomplete: [{claude: /more}]\n")
                        .validate()
                        .onIncomplete())
                .isEqualTo(
                        new Validation.OnIncomplete(List.of(Step.agent("/more").build()), 2, true));
    }

    @Test
    void validateKeysTheModelCannotExpress() {
        LoadResult r = result("commands:\n  - shell: x\n    validate:\n      shell: y\n"
                + "      expected_schema: {type: object}\n      on_incomplete: {claude: /z, prompt: \"Continue?\"}\n");
        assertThat(r.warnings())
                .extracting(Problem::path)
                .containsExactly("commands[0].validate.expected_schema", "commands[0].validate.on_incomplete.prompt");
    }

    @Test
    void retryWithEveryField() {
        RetryPolicy p = phase("    - shell: x\n      retry:\n        attempts: 5\n        backoff:\n"
                        + "          linear: {increment: 5s}\n        initial_delay: 2s\n        max_delay: 1m\n"
                        + "        jitter: true\n        jitter_factor: 0.5\n"
                        + "        retry_on: [network, rate_limit, {pattern: \"HTTP 5\\\\d\\\\d\"}]\n"
                        + "        retry_budget: 10m\n")
                .retry();
        assertThat(p)
                .isEqualTo(RetryPolicy.builder()
                        .maxAttempts(5)
                        .backoff(Backoff.linear(Duration.ofSeconds(5)))
                        .initialDelay(Duration.ofSeconds(2))
                        .maxDelay(Duration.ofMinutes(1))
                        .jitter(true)
                        .jitterFactor(0.5)
                        .retryOn(
                                RetryCondition.of(RetryCondition.Kind.NETWORK),
                                RetryCondition.of(RetryCondition.Kind.RATE_LIMIT),
                                RetryCondition.pattern("HTTP 5\\d\\d"))
                        .retryBudget(Duration.ofMinutes(10))
                        .build());
    }

    @Test
    void backoffForms() {
        assertThat(phase("    - shell: x\n      retry: {backoff: exponential}\n")
                        .retry()
                        .backoff())
                .isEqualTo(Backoff.exponential(2.0));
        assertThat(phase("    - shell: x\n      retry: {backoff: {exponential: {base: 3}}}\n")
                        .retry()
                        .backoff())
                .isEqualTo(Backoff.exponential(3));
        assertThat(phase("    - shell: x\n      retry: {backoff: fixed}\n")
                        .retry()
                        .backoff())
                .isEqualTo(Backoff.fixed());
        assertThat(phase("    - shell: x\n      retry: {backoff: fibonacci}\n")
                        .retry()
                        .backoff())
                .isEqualTo(Backoff.fibonacci());
        assertThat(phase("    - shell: x\n      retry: {backoff: {custom: {delays: [1s, 5, {secs: 9, nanos: 0}]}}}\n")
                        .retry()
                        .backoff())
                .isEqualTo(
                        Backoff.custom(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(9))));
        RetryPolicy fixed = phase("    - shell: x\n      retry: {backoff: {fixed: {delay: 3s}}}\n")
                .retry();
        assertThat(fixed.backoff()).isEqualTo(Backoff.fixed());
        assertThat(fixed.initialDelay()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retryOnFailureAfterTheLastAttempt() {
        assertThat(phase("    - shell: x\n      retry: {attempts: 2, on_failure: continue}\n")
                        .onFailure())
                .isEqualTo(OnFailure.ignore());
        assertThat(phase("    - shell: x\n      retry: {attempts: 2, on_failure: stop}\n")
                        .onFailure())
                .isNull();
        assertThat(phase("    - shell: x\n      retry: {attempts: 2, on_failure: {fallback: {command: ./safe.sh}}}\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(Step.shell("./safe.sh").build()).build());
        // an explicit on_failure wins
        assertThat(phase("    - shell: x\n      retry: {on_failure: continue}\n      on_failure: /fix\n")
                        .onFailure())
                .isEqualTo(OnFailure.run(Step.agent("/fix").build()).build());
    }

    @Test
    void keysTheRustToolIgnoresWarnAndSaySo() {
        LoadResult r = result("- shell: make\n  on_failure:\n    claude: /fix\n    strategy: fallback\n"
                + "    stop_on_success: true\n- shell: ls\n  on_failure:\n    commands: [{shell: a}]\n"
                + "    strategy: recovery\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings())
                .extracting(Problem::path)
                .containsExactly("[0].on_failure.strategy", "[0].on_failure.stop_on_success");
        assertThat(r.warnings().get(0).message()).contains("'recovery'").contains("the Rust tool 0.4.x");
        assertThat(r.warnings().get(1).message()).contains("the Rust tool 0.4.x has no such key");
        LoadResult env = result("commands:\n  - shell: make\n    env: {A: b}\n    temporary: false\n"
                + "  - shell: make\n    env: {A: b}\n    temporary: true\n");
        assertThat(env.warnings())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("the Rust tool 0.4.x ignores it too"));
        LoadResult monitoring = result("name: m\nmode: mapreduce\nmap:\n  input: x.json\n  timeout_config:\n"
                + "    agent_timeout_secs: 60\n    enable_monitoring: false\n  agent_template: [{shell: a}]\n");
        assertThat(monitoring.warnings())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("always enforced"));
    }
}
