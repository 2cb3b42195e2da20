package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VariableCheckTest {
    private static LoadResult load(String yaml) {
        return WorkflowLoader.builder()
                .environment(Map.of("HOME", "/home/me"))
                .build()
                .load(yaml, "wf.yml");
    }

    @Test
    void shellNamesAreTheShellsUnlessNeverAssignedAndNotInTheEnvironment() {
        LoadResult r = load("- shell: |\n    percentage=5\n    echo \"${percentage}% ${HOME} ${total_issues}\"\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isEqualTo(34);
            assertThat(p.message())
                    .startsWith("${total_issues} in 'shell: percentage=5")
                    .contains("the command never assigns it and the environment does not define it");
        });
    }

    @Test
    void dottedAndOwnedNamesAreErrorsWithTheClosestDefinedName() {
        LoadResult r = load("- shell: make\n  capture: tests\n- shell: \"echo ${test.output} ${item}\"\n");
        assertThat(r.workflow()).isEmpty();
        assertThat(r.errors())
                .extracting(Problem::line, Problem::column)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, 16), org.assertj.core.groups.Tuple.tuple(3, 31));
        assertThat(r.errors().get(0).message())
                .contains("undefined variable 'test.output'")
                .endsWith("did you mean 'tests.output'?");
        assertThat(r.errors().get(0).toString()).startsWith("wf.yml:3:16: error: ");
    }

    @Test
    void promptsWarnAndKeepTheText() {
        LoadResult r = load("- claude: \"/implement ${coverage.spec}\"\n- claude: /coverage\n  id: coverage\n"
                + "  outputs:\n    spec: {file_pattern: \"*-coverage.md\"}\n"
                + "- claude: \"/implement ${coverage.spec} ${coverage.plan}\"\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings())
                .extracting(Problem::line, Problem::column)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 23), org.assertj.core.groups.Tuple.tuple(6, 40));
        assertThat(r.warnings().get(0).message()).contains("keeps ${coverage.spec} as written");
        assertThat(r.warnings().get(1).message()).endsWith("did you mean 'coverage.spec'?");
    }

    @Test
    void eachPhaseAndHandlerDefinesItsOwnVariables() {
        LoadResult r = load("name: p\nmode: mapreduce\nenv:\n  FLAGS: --all\nsetup:\n  - shell: ls\n"
                + "    capture: files\nmap:\n  input: items.json\n  agent_template:\n"
                + "    - shell: \"echo ${item.path} ${item_id} ${files} $FLAGS ${FLAGS}\"\n"
                + "      on_failure:\n        claude: \"/fix ${error.message} ${shell.stderr} ${shell.exit_code}\"\n"
                + "    - claude: /do\n      validate:\n        shell: check\n        threshold: 90\n"
                + "        on_incomplete:\n          claude: \"/more ${validation.attempt_number} ${validation.gaps}\"\n"
                + "reduce:\n  - shell: \"echo ${map.successful} ${map.results} ${files}\"\n"
                + "  - shell: \"echo ${item.path}\"\n");
        assertThat(r.warnings()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(22);
            assertThat(p.message()).startsWith("undefined variable 'item.path'");
        });
        LoadResult map = load("name: p\nmode: mapreduce\nmap:\n  input: items.json\n  agent_template:\n"
                + "    - shell: \"echo ${map.total}\"\n");
        assertThat(map.errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("undefined variable 'map.total'"));
    }

    @Test
    void envFilesMakePlainNamesUnknowableAndDefaultsAndEscapesAreNeverReported() {
        assertThat(load("env_files: [.env]\ncommands:\n  - shell: \"echo ${FROM_FILE}\"\n")
                        .problems())
                .isEmpty();
        assertThat(load("- shell: \"echo ${a.b:-none} $${c.d} ${x%%.*}\"\n").problems())
                .isEmpty();
    }

    @Test
    void itemFieldsAreCheckedWhenTheInputFileCanBeRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(
                dir.resolve("debt.json"),
                "{\"items\": [{\"name\": \"a\", \"score\": 3, "
                        + "\"location\": {\"file\": \"x.rs\"}}, {\"name\": \"b\", \"extra\": true}]}");
        WorkflowLoader loader = WorkflowLoader.builder()
                .environment(Map.of())
                .baseDirectory(dir)
                .build();
        String wf = "name: p\nmode: mapreduce\nmap:\n  input: debt.json\n  json_path: \"$.items[*]\"\n"
                + "  agent_template:\n    - shell: \"echo ${item.name} ${item.extra} ${item.location.file} ${item}\"\n"
                + "    - shell: \"echo ${item.nme}\"\n";
        LoadResult r = loader.load(wf, "wf.yml");
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.message()).startsWith("undefined variable 'item.nme'").endsWith("did you mean 'item.name'?");
        });
        // a command input, or a file that is not there yet: the fields cannot be known, nothing is reported
        assertThat(loader.load(wf.replace("input: debt.json", "input: later.json"), "wf.yml")
                        .problems())
                .isEmpty();
        assertThat(loader.load(wf.replace("input: debt.json", "input: \"cat debt.json\""), "wf.yml")
                        .problems())
                .isEmpty();
    }
}
