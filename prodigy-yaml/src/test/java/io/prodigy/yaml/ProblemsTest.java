package io.prodigy.yaml;

import static io.prodigy.yaml.Models.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Errors a person can act on: each names the file, line and column, what was expected and what was found; every
 * problem of a file is reported in one pass.
 */
class ProblemsTest {

    private static Problem only(LoadResult r) {
        assertThat(r.problems()).as(r.report()).hasSize(1);
        return r.problems().get(0);
    }

    private static void at(Problem p, int line, int column, String message) {
        assertThat(p.line()).as(p.toString()).isEqualTo(line);
        assertThat(p.column()).as(p.toString()).isEqualTo(column);
        assertThat(p.message()).isEqualTo(message);
    }

    @Test
    void yamlSyntaxErrorsInPlainWords() {
        at(
                only(result("commands:\n  - shell: echo \"a\": b\n")),
                2,
                20,
                "invalid YAML: ':' followed by a space is "
                        + "not allowed inside an unquoted value (a plain value cannot contain ': '); put the whole value in "
                        + "quotes");
        at(
                only(result("commands:\n\t- shell: make\n")),
                2,
                1,
                "invalid YAML: a tab character is not allowed for " + "indentation in YAML; indent with spaces");
        Problem flow = only(result("commands: [{shell: a}\n"));
        assertThat(flow.message()).startsWith("invalid YAML: expected ',' or ']'");
        assertThat(flow.toString()).isEqualTo("test.yml:2:1: error: " + flow.message());
    }

    @Test
    void duplicateKeysMoreDocumentsAndEmptyFiles() {
        at(
                only(result("commands:\n  - shell: a\n    shell: b\n")),
                3,
                5,
                "duplicate key 'shell' (first written at " + "line 2); a key may appear only once in a mapping");
        at(
                only(result("- shell: a\n---\n- shell: b\n")),
                3,
                1,
                "the file holds more than one YAML document (another "
                        + "one starts here); keep one workflow per file");
        at(
                only(result("# nothing here\n")),
                0,
                0,
                "the file is empty; expected a workflow: a list of steps, or a "
                        + "mapping with 'commands', 'mode: mapreduce' or 'tasks'");
        at(
                only(result("- shell: *nowhere\n")),
                1,
                10,
                "unknown alias *nowhere; an alias must refer to an anchor " + "(&nowhere) defined before it");
    }

    @Test
    void anchorsAliasesAndMergeKeysWork() {
        Models.load("x-retry: &retry {attempts: 2}\ncommands:\n  - shell: a\n    retry: *retry\n");
        LoadResult r = result("x-defaults-for-steps: &base {timeout: 60}\ncommands:\n  - <<: *base\n    shell: a\n");
        assertThat(r.errors()).isEmpty();
        assertThat(Models.steps(r.orThrow()).get(0).timeout()).hasSeconds(60);
        assertThat(only(result("base: &base {timeout: 60}\ncommands:\n  - <<: *base\n    shell: a\n"))
                        .message())
                .startsWith("unknown key 'base' in a workflow");
    }

    @Test
    void unknownKeysAreErrorsNamingTheClosestKeyAndStrictMakesWarningsErrors() {
        String yaml = "commands:\n  - shell: make\n    timeot: 60\n";
        Problem w = only(result(yaml));
        assertThat(w.severity()).isEqualTo(Problem.Severity.ERROR);
        at(w, 3, 5, "unknown key 'timeot' in a step; did you mean 'timeout'?");
        assertThat(w.path()).isEqualTo("commands[0]");
        String ignored = "commands:\n  - shell: make\n    output: out.txt\n";
        assertThat(only(result(ignored)).severity()).isEqualTo(Problem.Severity.WARNING);
        LoadResult strict = WorkflowLoader.builder().strict(true).build().load(ignored, "test.yml");
        assertThat(strict.workflow()).isEmpty();
        assertThat(only(strict).severity()).isEqualTo(Problem.Severity.ERROR);
        assertThat(only(result("mode: mapreduce\nmap:\n  input: a\n  agent_template: [{shell: x}]\n  paralel: 3\n"))
                        .message())
                .isEqualTo("unknown key 'paralel' in map; did you mean 'parallel'?");
    }

    @Test
    void wrongTypes() {
        at(
                only(result(
                        "mode: mapreduce\nmap:\n  input: a\n  max_parallel: many\n  agent_template: [{shell: x}]\n")),
                4,
                17,
                "expected a positive integer (or \"${VAR}\"), found the string \"many\"");
        at(
                only(result("- shell: a\n  timeout: soon\n")),
                2,
                12,
                "expected a duration such as 600 (seconds), "
                        + "\"10m\", \"600s\" or \"1h30m\", found the string \"soon\"");
        at(
                only(result("- shell: a\n  commit_required: maybe\n")),
                2,
                20,
                "expected true or false, found the string " + "\"maybe\"");
        at(only(result("- shell: [make, test]\n")), 1, 10, "expected a string, found a list");
        at(only(result("commands:\n  shell: make\n")), 2, 3, "expected a list of steps, found a mapping");
        at(
                only(result("- shell: a\n  capture_format: jsn\n")),
                2,
                19,
                "unknown value \"jsn\" for 'capture_format'; " + "did you mean 'json'?");
        at(
                only(result("- shell: a\n  on_exit_code:\n    fail: {shell: b}\n")),
                3,
                5,
                "expected an exit code from 0 " + "to 255 as the key, found \"fail\"");
        at(
                only(result("- shell: a\n  validate: {shell: b, threshold: 120}\n")),
                2,
                35,
                "threshold must be a " + "percentage from 0 to 100, found 120");
    }

    @Test
    void missingRequiredKeys() {
        at(
                only(result("mode: mapreduce\nmap:\n  agent_template: [{shell: x}]\n")),
                3,
                3,
                "missing required key " + "'input' in map: a JSON file, or a command whose output lists the items");
        at(
                only(result("mode: mapreduce\nmap:\n  input: a.json\n")),
                3,
                3,
                "missing required key 'agent_template' in " + "map: the steps run for each item");
        at(
                only(result("name: x\nmode: mapreduce\n")),
                1,
                1,
                "missing required key 'map' in a MapReduce workflow: the "
                        + "items to process and the agent_template run for each");
        at(only(result("- write_file: {content: x}\n")), 1, 15, "missing required key 'path' in write_file");
    }

    @Test
    void unknownStepTypes() {
        at(
                only(result("- shel: make\n")),
                1,
                3,
                "this step has no action: expected one of 'claude', 'shell', "
                        + "'write_file', 'foreach' or 'goal_seek', found the keys 'shel'; did you mean 'shell'?");
        at(
                only(result("mode: mapreduce\nmap:\n  input: a\n  agent_template:\n    - name: build\n")),
                5,
                7,
                "this step has no action: expected one of 'claude', 'shell', 'write_file', 'foreach' or 'goal_seek' "
                        + "('name' is only a label in a MapReduce phase), found the keys 'name'");
        at(
                only(result("- claude: /a\n  shell: b\n")),
                2,
                3,
                "a step has exactly one action, but this one has " + "'claude' and 'shell'; split it into 2 steps");
        at(
                only(result("- 42\n")),
                1,
                3,
                "expected a step (a mapping such as {shell: \"make\"}, or a slash command "
                        + "string such as \"/lint\"), found the number 42");
    }

    @Test
    void badJsonPathIsPlacedOnItsColumnInTheFile() {
        Problem p = only(result("mode: mapreduce\nmap:\n  input: items.json\n  json_path: \"$.items[*\"\n"
                + "  agent_template: [{shell: x}]\n"));
        assertThat(p.line()).isEqualTo(4);
        assertThat(p.column()).isEqualTo(24); // just past the path, where ']' belongs
        assertThat(p.path()).isEqualTo("map.json_path");
        assertThat(p.message())
                .isEqualTo("invalid json_path \"$.items[*\": Expected wildcard token to end with ']' "
                        + "(column 10 of the path)\n    $.items[*\n             ^");
    }

    @Test
    void badFilterSortAndWhenArePlacedOnTheirColumnInTheFile() {
        Problem plain = only(result(
                "mode: mapreduce\nmap:\n  input: a\n  filter: score >= >= 5\n" + "  agent_template: [{shell: x}]\n"));
        assertThat(plain.line()).isEqualTo(4);
        assertThat(plain.column()).isEqualTo(20); // the second '>=' (column 10 of the expression)
        assertThat(plain.message())
                .startsWith("invalid filter expression: ")
                .contains("(column 10 of the expression)")
                .endsWith("\n    score >= >= 5\n             ^");
        // in double quotes, escapes before the problem are counted as written in the file
        Problem quoted = only(result("mode: mapreduce\nmap:\n  input: a\n  filter: \"name == \\\"x\\\" && >\"\n"
                + "  agent_template: [{shell: x}]\n"));
        assertThat(quoted.column()).isEqualTo(29);
        Problem sort = only(result("mode: mapreduce\nmap:\n  input: a\n  sort_by: 'score DESCENDING NULLS MIDDLE'\n"
                + "  agent_template: [{shell: x}]\n"));
        assertThat(sort.line()).isEqualTo(4);
        assertThat(sort.column()).isEqualTo(36); // MIDDLE: column 24 of the specification, after the quote
        assertThat(sort.message()).startsWith("invalid sort_by: ");
        Problem when = only(result("commands:\n  - shell: deploy\n    when: |\n      ${tests.passed} == == true\n"));
        assertThat(when.line()).isEqualTo(4);
        assertThat(when.column()).isEqualTo(26); // inside the block, the second '=='
        assertThat(when.message()).startsWith("invalid when expression: ");
    }

    @Test
    void unresolvedVariablesInNumbersSayWhereTheyWereLookedFor() {
        at(
                only(WorkflowLoader.builder()
                        .environment(Map.of())
                        .build()
                        .load(
                                "mode: mapreduce\nmap:\n  input: a\n"
                                        + "  max_parallel: ${MAX_PARALLEL}\n  agent_template: [{shell: x}]\n",
                                "test.yml")),
                4,
                17,
                "'${MAX_PARALLEL}' refers to MAX_PARALLEL, which is set neither in the workflow's env nor in the "
                        + "environment; set it, or write a positive integer");
    }

    @Test
    void everyProblemIsReportedInOnePassInFileOrder() {
        LoadResult r = result("mode: mapreduce\nsetup:\n  - shel: prepare\nmap:\n  input: a\n  max_parallel: 0\n"
                + "  filter: \"a ==\"\n  agent_template:\n    - claude: /x\n      timeot: 5\nreduce:\n"
                + "  - shell: done\n    retry: never\n");
        assertThat(r.problems())
                .extracting(Problem::line, Problem::severity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, Problem.Severity.ERROR),
                        org.assertj.core.groups.Tuple.tuple(6, Problem.Severity.ERROR),
                        org.assertj.core.groups.Tuple.tuple(7, Problem.Severity.ERROR),
                        org.assertj.core.groups.Tuple.tuple(10, Problem.Severity.ERROR),
                        org.assertj.core.groups.Tuple.tuple(13, Problem.Severity.ERROR));
        assertThatThrownBy(r::orThrow)
                .isInstanceOf(WorkflowLoadException.class)
                .hasMessageStartingWith("test.yml could not be loaded: 5 errors\n  test.yml:3:5: error: ")
                .satisfies(
                        e -> assertThat(((WorkflowLoadException) e).problems()).hasSize(5));
    }

    @Test
    void unreadableFiles() {
        LoadResult r = WorkflowLoader.create().load(java.nio.file.Path.of("no/such/workflow.yml"));
        assertThat(only(r).message()).isEqualTo("file not found: no/such/workflow.yml");
        assertThat(only(r).toString()).isEqualTo("no/such/workflow.yml: error: file not found: no/such/workflow.yml");
    }
}
