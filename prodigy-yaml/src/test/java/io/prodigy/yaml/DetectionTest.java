package io.prodigy.yaml;

import static io.prodigy.yaml.Models.load;
import static io.prodigy.yaml.Models.mapReduce;
import static io.prodigy.yaml.Models.result;
import static io.prodigy.yaml.Models.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.EnvValue;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference §1.1: how the kind of a file is told. The Rust tool searches the text for {@code mode: mapreduce} and
 * tries untagged shapes in order, silently dropping what does not fit; this loader reads the structure.
 */
class DetectionTest {

    @Test
    void aBareListIsAListOfSteps() {
        LoadResult r = result("- shell: make\n- claude: /lint\n");
        assertThat(r.kind()).contains(WorkflowKind.STEP_LIST);
        assertThat(steps(r.orThrow()))
                .containsExactly(Step.shell("make").build(), Step.agent("/lint").build());
        assertThat(r.orThrow().name()).isEqualTo("test");
    }

    @Test
    void anObjectWithCommandsOrSteps() {
        assertThat(result("commands:\n  - shell: make\n").kind()).contains(WorkflowKind.COMMANDS);
        LoadResult steps = result("name: x\nsteps:\n  - shell: make\n");
        assertThat(steps.kind()).contains(WorkflowKind.COMMANDS);
        assertThat(steps(steps.orThrow())).containsExactly(Step.shell("make").build());
    }

    @Test
    void mapReduceInEveryYamlSpelling() {
        String body = "\nmap:\n  input: items.json\n  agent_template:\n    - shell: echo ${item}\n";
        for (String mode : List.of(
                "mode: mapreduce",
                "mode: \"mapreduce\"",
                "mode: 'mapreduce'",
                "mode:   MapReduce",
                "\"mode\": mapreduce",
                "mode: map_reduce",
                "mode: !!str mapreduce")) {
            LoadResult r = result("name: x\n" + mode + body);
            assertThat(r.kind()).as(mode).contains(WorkflowKind.MAPREDUCE);
            assertThat(r.errors()).as(mode).isEmpty();
        }
        LoadResult json = WorkflowLoader.create()
                .load(
                        "{\"name\": \"x\", \"mode\": \"mapreduce\", \"map\": "
                                + "{\"input\": \"items.json\", \"agent_template\": [{\"shell\": \"echo ${item}\"}]}}",
                        "x.json");
        assertThat(json.kind()).contains(WorkflowKind.MAPREDUCE);
        assertThat(mapReduce(json.orThrow()).map().agentTemplate()).hasSize(1);
    }

    @Test
    void aMapPhaseWithoutModeIsMapReduce() {
        LoadResult r = result("name: x\nmap:\n  input: a.json\n  agent_template: [{shell: echo}]\n");
        assertThat(r.kind()).contains(WorkflowKind.MAPREDUCE);
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void textThatMerelyMentionsModeOrParametersDoesNotChangeTheKind() {
        Workflow w = load("commands:\n  - shell: \"echo 'mode: mapreduce'; echo 'parameters: x'; echo template:\"\n");
        assertThat(steps(w)).hasSize(1);
        assertThat(w.isMapReduce()).isFalse();
    }

    @Test
    void nameNextToAnActionIsALabelNotASlashCommand() {
        // the Rust tool runs this as the Claude command /Build and ignores shell
        Step s = steps(load("commands:\n  - name: Build\n    shell: make\n")).get(0);
        assertThat(s).isEqualTo(Step.shell("make").name("Build").build());
    }

    @Test
    void aComputedEnvValueDoesNotDropTheOtherSettings() {
        // the Rust tool's Full form fails on the map value and silently falls back to name + commands
        Workflow w = load("env:\n  A: one\n  B:\n    command: echo two\nsecrets:\n  S: literal\nprofiles:\n"
                + "  ci:\n    A: three\ncommands:\n  - shell: echo $A\n");
        assertThat(w.env()).containsEntry("A", "one");
        assertThat(w.computedEnv()).containsEntry("B", new EnvValue.FromCommand("echo two"));
        assertThat(w.secrets()).containsEntry("S", "literal");
        assertThat(w.profiles()).containsKey("ci");
    }

    @Test
    void jsonIsAcceptedForEveryKind() {
        LoadResult list = WorkflowLoader.create().load("[{\"shell\": \"make\"}]", "wf.json");
        assertThat(list.kind()).contains(WorkflowKind.STEP_LIST);
        LoadResult object = WorkflowLoader.create().load("{\"commands\": [{\"claude\": \"/x\"}]}", "inline");
        assertThat(object.kind()).contains(WorkflowKind.COMMANDS);
    }

    @Test
    void streamsAreReadToTheirEnd() {
        LoadResult r = WorkflowLoader.create()
                .load(
                        new java.io.ByteArrayInputStream(
                                "- shell: \"echo h\u00e9\"\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        "piped.yml");
        assertThat(steps(r.orThrow()))
                .containsExactly(Step.shell("echo h\u00e9").build());
        assertThat(r.orThrow().name()).isEqualTo("piped");
    }

    @Test
    void unknownKeysAreReportedNotSilentlyIgnored() {
        LoadResult r = result("commands:\n  - shell: make\n    comit_required: true\n");
        assertThat(r.warnings()).isEmpty();
        assertThat(r.workflow()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.message())
                    .isEqualTo("unknown key 'comit_required' in a step; did you mean " + "'commit_required'?");
        });
    }

    @Test
    void aFileThatIsNoWorkflowSaysWhatWasExpected() {
        LoadResult r = result("name: x\ncomands:\n  - shell: make\n");
        assertThat(r.errors())
                .singleElement()
                .extracting(Problem::message)
                .isEqualTo(
                        "cannot tell what kind of "
                                + "workflow this is: expected a list of steps, or a mapping with 'commands' (or 'steps'), 'mode: "
                                + "mapreduce' with 'map', or 'tasks'; found the keys 'name' and 'comands' (did you mean 'commands'?)");
        assertThat(result("mode: batch\ncommands: []\n").errors())
                .singleElement()
                .extracting(Problem::message)
                .isEqualTo("unknown mode \"batch\"; expected one of mapreduce, standard");
        assertThat(result("mode: standard\nmap:\n  input: x\n").errors())
                .singleElement()
                .extracting(Problem::message)
                .isEqualTo("the file has a 'map' phase but says 'mode: standard'; write " + "'mode: mapreduce'");
    }
}
