package io.prodigy.yaml;

import static io.prodigy.yaml.Models.load;
import static io.prodigy.yaml.Models.mapReduce;
import static io.prodigy.yaml.Models.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Backoff;
import io.prodigy.api.CircuitBreakerPolicy;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reference §1.4 (MapReduce top level), §1.5 (setup), §1.6 (the map block) and §1.12 (error_policy and its
 * shorthands).
 */
class MapReduceKeysTest {
    private static final String MAP = "map:\n  input: items.json\n  agent_template:\n    - shell: echo ${item}\n";

    @Test
    void topLevelKeys() {
        Workflow w = load("name: triage\nmode: mapreduce\nenv:\n  WORKERS: 4\n  TOKEN:\n    secret: true\n"
                + "    value: abc\nenv_files: .env\nprofiles:\n  ci: {WORKERS: 8, description: CI runs}\n"
                + "setup:\n  - shell: ./prepare.sh\n" + MAP + "reduce:\n  commands:\n    - shell: echo done\n"
                + "merge:\n  commands:\n    - shell: git merge --no-ff ${merge.source_branch}\n  timeout: 10m\n");
        assertThat(w.name()).isEqualTo("triage");
        assertThat(w.env()).containsExactly(Map.entry("WORKERS", "4"));
        assertThat(w.secrets()).containsExactly(Map.entry("TOKEN", "abc"));
        assertThat(w.envFiles()).containsExactly(".env");
        assertThat(w.profiles()).containsExactly(Map.entry("ci", Map.of("WORKERS", "8")));
        Stage.MapReduce mr = mapReduce(w);
        assertThat(mr.name()).as("a stage's default name is the workflow's").isEqualTo("triage");
        assertThat(mr.setup().steps())
                .containsExactly(Step.shell("./prepare.sh").build());
        assertThat(mr.reduce()).containsExactly(Step.shell("echo done").build());
        assertThat(w.merge())
                .containsExactly(
                        Step.shell("git merge --no-ff ${merge.source_branch}").build());
        assertThat(w.mergeTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theLoadedWorkflowEqualsTheOneTheJavaBuilderMakes() {
        Workflow loaded = load("name: triage\nmode: mapreduce\nmap:\n  input: items.json\n  json_path: \"$.items[*]\"\n"
                + "  filter: \"score >= 5\"\n  sort_by: score DESC\n  max_parallel: 4\n  agent_template:\n"
                + "    - shell: echo ${item.name}\n    - claude: /fix ${item.name}\n"
                + "reduce:\n  - shell: echo ${map.successful} of ${map.total} done\n");
        Workflow built = Workflow.mapReduce("triage")
                .map(MapPhase.builder()
                        .input(WorkInput.detect("items.json", "$.items[*]"))
                        .filter("score >= 5")
                        .sortBy("score DESC")
                        .maxParallel(4)
                        .agentTemplate(Step.shell("echo ${item.name}"), Step.agent("/fix ${item.name}")))
                .reduce(Step.shell("echo ${map.successful} of ${map.total} done"))
                .build();
        assertThat(loaded).isEqualTo(built);
    }

    @Test
    void setupLongFormWithTimeoutAndCaptureOutputs() {
        Stage.MapReduce mr = mapReduce(load("mode: mapreduce\nsetup:\n  commands:\n    - shell: ./count.sh\n"
                + "    - shell: ./meta.sh\n  timeout: \"10m\"\n  capture_outputs:\n    COUNT: 0\n    META:\n"
                + "      command_index: 1\n      source: stderr\n      pattern: \"v(\\\\d+)\"\n"
                + "      json_path: \"$.version\"\n      default: none\n      multiline: last_line\n" + MAP));
        assertThat(mr.setup().timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(mr.setup().captureOutputs())
                .containsExactly(
                        Map.entry("COUNT", SetupCapture.of(0)),
                        Map.entry(
                                "META",
                                new SetupCapture(
                                        1,
                                        SetupCapture.Source.STDERR,
                                        "v(\\d+)",
                                        "$.version",
                                        "none",
                                        SetupCapture.Multiline.LAST_LINE)));
    }

    @Test
    void numbersGivenAsVariablesAreResolvedWhenLoading() {
        WorkflowLoader loader = WorkflowLoader.builder()
                .environment(Map.of("TIMEOUT", "90", "PAR", "6"))
                .build();
        Stage.MapReduce mr = mapReduce(Models.load(
                loader,
                "mode: mapreduce\nenv:\n  MAX_PARALLEL: 3\n"
                        + "setup:\n  commands: [{shell: x}]\n  timeout: $TIMEOUT\n"
                        + "map:\n  input: a.json\n  max_parallel: \"${MAX_PARALLEL}\"\n  agent_timeout_secs: ${TIMEOUT}\n"
                        + "  agent_template: [{shell: x}]\n"));
        assertThat(mr.map().maxParallel()).isEqualTo(3); // the workflow env wins over the process env
        assertThat(mr.map().agentTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(mr.setup().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(mapReduce(Models.load(
                                loader,
                                "mode: mapreduce\nmap:\n  input: a\n  max_parallel: $PAR\n"
                                        + "  agent_template: [{shell: x}]\n"))
                        .map()
                        .maxParallel())
                .isEqualTo(6);
        assertThat(mapReduce(Models.load(
                                loader,
                                "mode: mapreduce\nmap:\n  input: a\n"
                                        + "  max_parallel: ${UNSET:-2}\n  agent_template: [{shell: x}]\n"))
                        .map()
                        .maxParallel())
                .isEqualTo(2);
    }

    @Test
    void mapBlockKeys() {
        MapPhase m = mapReduce(
                        load(
                                "mode: mapreduce\nmap:\n  input: \"find . -name '*.rs'\"\n  json_path: \"$[*]\"\n"
                                        + "  agent_template:\n    commands:\n      - shell: a\n      - shell: b\n  max_parallel: 3\n"
                                        + "  filter: \"File.score >= 10 OR Function.unified_score.final_score >= 10\"\n"
                                        + "  sort_by: \"File.score DESC NULLS LAST, Function.unified_score.final_score DESC NULLS LAST\"\n"
                                        + "  max_items: 50\n  offset: 5\n  distinct: path\n  timeout_per_agent: 5m\n  id_field: path\n"))
                .map();
        assertThat(m)
                .isEqualTo(MapPhase.builder()
                        .input(WorkInput.detect("find . -name '*.rs'", "$[*]"))
                        .agentTemplate(Step.shell("a"), Step.shell("b"))
                        .maxParallel(3)
                        .filter("File.score >= 10 OR Function.unified_score.final_score >= 10")
                        .sortBy("File.score DESC NULLS LAST, Function.unified_score.final_score DESC NULLS LAST")
                        .maxItems(50)
                        .offset(5)
                        .distinct("path")
                        .agentTimeout(Duration.ofMinutes(5))
                        .idField("path")
                        .build());
    }

    @Test
    void allowEmptyIsReadAndWrittenBack() {
        String text = "mode: mapreduce\nmap:\n  input: a\n  allow_empty: true\n  agent_template: [{shell: x}]\n";
        MapPhase m = mapReduce(load(text)).map();
        assertThat(m.allowEmpty()).isTrue();
        assertThat(mapReduce(load("mode: mapreduce\nmap:\n  input: a\n  agent_template: [{shell: x}]\n"))
                        .map()
                        .allowEmpty())
                .isFalse();
        io.prodigy.api.Workflow wf = load(text);
        String written = WorkflowWriter.write(wf);
        assertThat(written).contains("allow_empty: true");
        assertThat(load(written)).isEqualTo(wf);
    }

    @Test
    void inputForms() {
        assertThat(mapReduce(load("mode: mapreduce\nmap:\n  input: {file: data/items.json, json_path: \"$.a[*]\"}\n"
                                + "  agent_template: [{shell: x}]\n"))
                        .map()
                        .input())
                .isEqualTo(WorkInput.jsonFile("data/items.json", "$.a[*]"));
        assertThat(mapReduce(load("mode: mapreduce\nmap:\n  input: {command: ls}\n  agent_template: [{shell: x}]\n"))
                        .map()
                        .input())
                .isEqualTo(WorkInput.command("ls"));
        assertThat(mapReduce(load("mode: mapreduce\nmap:\n  input: [a, {id: 2}]\n  agent_template: [{shell: x}]\n"))
                        .map()
                        .input())
                .isEqualTo(WorkInput.values(List.of("a", Map.of("id", 2))));
    }

    @Test
    void timeoutConfig() {
        MapPhase m = mapReduce(load("mode: mapreduce\nmap:\n  input: a\n  agent_template:\n    - name: analyze\n"
                        + "      claude: /analyze\n    - shell: make\n  timeout_config:\n    agent_timeout_secs: 600\n"
                        + "    command_timeouts: {analyze: 120}\n    timeout_policy: PerAgent\n"
                        + "    cleanup_grace_period_secs: 30\n    timeout_action: Dlq\n    enable_monitoring: true\n"))
                .map();
        assertThat(m.agentTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(m.agentTemplate()).extracting(Step::timeout).containsExactly(Duration.ofMinutes(2), null);
        // per_command (the documentation's snake_case also works): every step gets the limit, the agent none
        MapPhase perCommand = mapReduce(load("mode: mapreduce\nmap:\n  input: a\n  agent_template: [{shell: a}]\n"
                        + "  timeout_config: {agent_timeout_secs: 60, timeout_policy: per_command}\n"))
                .map();
        assertThat(perCommand.agentTimeout()).isNull();
        assertThat(perCommand.agentTemplate().get(0).timeout()).isEqualTo(Duration.ofMinutes(1));
        LoadResult r = result("mode: mapreduce\nmap:\n  input: a\n  agent_template: [{shell: a}]\n"
                + "  timeout_config: {timeout_action: Skip, command_timeouts: {nothing: 5}}\n");
        assertThat(r.warnings())
                .extracting(Problem::message)
                .containsExactly(
                        "'timeout_action' is accepted but not acted on: a timed-out item fails like any other and follows "
                                + "the error policy (on_item_failure)",
                        "command_timeouts key 'nothing' matches no agent_template step (by name, id or 0-based index); it has "
                                + "no effect");
    }

    @Test
    void retryOnFailureRetriesTheWholeItem() {
        ErrorPolicy p = mapReduce(load("mode: mapreduce\nmap:\n  input: a\n  retry_on_failure: 2\n"
                        + "  agent_template: [{shell: x}]\n"))
                .errorPolicy();
        assertThat(p.onItemFailure()).isEqualTo(ItemFailureAction.RETRY);
        assertThat(p.itemRetry())
                .isEqualTo(RetryPolicy.builder()
                        .maxAttempts(3)
                        .backoff(Backoff.fixed())
                        .initialDelay(Duration.ofSeconds(2))
                        .build());
    }

    @Test
    void errorPolicyWithEveryField() {
        ErrorPolicy p = mapReduce(load("mode: mapreduce\n" + MAP + "error_policy:\n  on_item_failure: retry\n"
                        + "  continue_on_failure: false\n  max_failures: 3\n  failure_threshold: 0.25\n"
                        + "  error_collection: aggregate\n  circuit_breaker:\n    failure_threshold: 4\n"
                        + "    success_threshold: 2\n    timeout: 45s\n    half_open_requests: 1\n  retry_config:\n"
                        + "    max_attempts: 4\n    backoff:\n      exponential: {initial: 2s, multiplier: 3}\n"))
                .errorPolicy();
        assertThat(p)
                .isEqualTo(new ErrorPolicy(
                        ItemFailureAction.RETRY,
                        false,
                        3,
                        0.25,
                        new CircuitBreakerPolicy(4, 2, Duration.ofSeconds(45), 1),
                        RetryPolicy.builder()
                                .maxAttempts(4)
                                .backoff(Backoff.exponential(3))
                                .initialDelay(Duration.ofSeconds(2))
                                .build()));
    }

    @Test
    void topLevelShorthandsWinOverErrorPolicy() {
        ErrorPolicy p = mapReduce(load("mode: mapreduce\n" + MAP + "error_policy:\n  on_item_failure: skip\n"
                        + "  max_failures: 9\non_item_failure: stop\nmax_failures: 2\nfailure_threshold: 0.5\n"
                        + "continue_on_failure: true\n"))
                .errorPolicy();
        assertThat(p.onItemFailure()).isEqualTo(ItemFailureAction.STOP);
        assertThat(p.maxFailures()).isEqualTo(2);
        assertThat(p.failureThreshold()).isEqualTo(0.5);
    }

    @Test
    void errorPolicyValuesTheModelCannotExpressAreReported() {
        LoadResult r = result("mode: mapreduce\n" + MAP + "error_collection: batched:10\non_item_failure: dql\n");
        assertThat(mapReduce(r.orThrow()).errorPolicy().onItemFailure()).isEqualTo(ItemFailureAction.SKIP);
        assertThat(r.warnings())
                .extracting(Problem::message)
                .containsExactly(
                        "'error_collection' is accepted but not acted on: failures are reported per item as they happen and "
                                + "aggregated in the run result (the 'aggregate' behaviour)",
                        "unknown on_item_failure \"dql\"; did you mean 'dlq'?; the Rust tool treats any other value as a custom "
                                + "handler it does not run, so failed items are skipped");
        assertThat(result("mode: mapreduce\n" + MAP + "failure_threshold: 20\n").errors())
                .singleElement()
                .extracting(Problem::message)
                .isEqualTo("failure_threshold is a fraction from 0 to 1 (0.2 = 20%), " + "found 20");
    }
}
