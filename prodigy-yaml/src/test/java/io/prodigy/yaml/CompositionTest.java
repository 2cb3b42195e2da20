package io.prodigy.yaml;

import static io.prodigy.yaml.Models.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference §1.13: {@code imports}, {@code extends}, {@code template} with a search path, typed {@code parameters}
 * and {@code defaults}, and the precedence of values: the caller's ({@code --param}) over a parameter file over a
 * parameter's default over the file's {@code defaults}.
 */
class CompositionTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private LoadResult load(Path file) {
        return WorkflowLoader.builder()
                .searchPath(dir.resolve("registry"))
                .build()
                .load(file);
    }

    @Test
    void parametersAreSubstitutedWithTheRustToolsPrecedence() throws IOException {
        Path wf = write(
                "wf.yml",
                "parameters:\n  required:\n    - name: target\n      type: string\n"
                        + "      description: what to build\n  optional:\n    - name: jobs\n      type: number\n"
                        + "      description: parallel jobs\n      default: 2\n    - name: mode\n      type: string\n"
                        + "      description: build mode\ndefaults:\n  mode: debug\n  log: info\n"
                        + "commands:\n  - shell: make ${target} -j ${jobs} MODE=${mode} LOG=${log} ITEM=${ARG}\n");
        Path paramFile = write("params.yml", "target: from-file\njobs: 6\n");
        LoadResult r = WorkflowLoader.builder()
                .parameterFile(paramFile)
                .parameter("target", "from-caller")
                .build()
                .load(wf);
        Workflow w = r.orThrow();
        // target: caller over file; jobs: file over its default; mode: the file's defaults; ${ARG} is left for run time
        assertThat(Models.shell(steps(w).get(0))).isEqualTo("make from-caller -j 6 MODE=debug LOG=info ITEM=${ARG}");
        // defaults also become env variables (upstream's apply_defaults)
        assertThat(w.env()).containsEntry("mode", "debug").containsEntry("log", "info");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aWholeValueParameterKeepsItsType() throws IOException {
        Path wf = write(
                "wf.yml",
                "parameters:\n  workers: {type: number, default: 4}\n  files: {type: array}\n"
                        + "mode: mapreduce\nmap:\n  input: ${files}\n  max_parallel: ${workers}\n"
                        + "  agent_template: [{shell: \"echo ${item}\"}]\n");
        Workflow w = WorkflowLoader.builder()
                .parameter("files", "[\"a.rs\", \"b.rs\"]")
                .build()
                .loadOrThrow(wf);
        Stage.MapReduce mr = Models.mapReduce(w);
        assertThat(mr.map().maxParallel()).isEqualTo(4);
        assertThat(mr.map().input()).isEqualTo(io.prodigy.api.WorkInput.values(List.of("a.rs", "b.rs")));
    }

    @Test
    void missingRequiredParametersAndWrongTypesAreErrorsAtTheirDeclaration() throws IOException {
        Path wf = write(
                "wf.yml",
                "parameters:\n  required:\n    - {name: target, type: string}\n"
                        + "    - {name: count, type: number}\n    - {name: fast, type: boolean}\n"
                        + "commands: [{shell: \"echo ${target} ${count} ${fast}\"}]\n");
        LoadResult r = WorkflowLoader.builder()
                .parameter("count", "many")
                .parameter("fast", "maybe")
                .parameter("verbose", true)
                .build()
                .load(wf);
        assertThat(r.workflow()).isEmpty();
        assertThat(r.errors())
                .extracting(Problem::line, Problem::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                3,
                                "required parameter 'target' has no value; pass it (--param "
                                        + "target=VALUE, a parameter file, or the loader's parameters), or give it a default"),
                        org.assertj.core.groups.Tuple.tuple(
                                4,
                                "parameter 'count' is declared as number, but the value from "
                                        + "the caller's parameters is the string \"many\""),
                        org.assertj.core.groups.Tuple.tuple(
                                5,
                                "parameter 'fast' is declared as boolean, but the value from "
                                        + "the caller's parameters is the string \"maybe\""));
        assertThat(r.warnings())
                .extracting(Problem::message)
                .containsExactly("parameter 'verbose' (from the "
                        + "caller's parameters) is not declared by the workflow; expected one of count, fast, target");
        // strings from the command line convert when they read as the declared type
        Workflow ok = WorkflowLoader.builder()
                .parameters(Map.of("target", "x", "count", "3", "fast", "true"))
                .build()
                .loadOrThrow(wf);
        assertThat(Models.shell(steps(ok).get(0))).isEqualTo("echo x 3 true");
    }

    @Test
    void extendsPutsTheBaseStepsFirstAndLetsTheChildWin() throws IOException {
        write(
                "bases/ci.yml",
                "name: base\nenv:\n  RUST_BACKTRACE: \"1\"\n  LEVEL: base\ncommands:\n"
                        + "  - shell: cargo build\n  - shell: cargo test\n");
        Path child = write(
                "child.yml",
                "name: child\nextends: ci\nenv:\n  LEVEL: child\ncommands:\n" + "  - shell: cargo clippy\n");
        Workflow w = load(child).orThrow();
        assertThat(w.name()).isEqualTo("child");
        assertThat(steps(w)).extracting(Models::shell).containsExactly("cargo build", "cargo test", "cargo clippy");
        assertThat(w.env()).containsEntry("RUST_BACKTRACE", "1").containsEntry("LEVEL", "child");
        assertThat(w.stages()).extracting(Stage::name).containsExactly("steps-1");
    }

    @Test
    void importsAddTheirStepsSelectivelyIfAsked() throws IOException {
        write("common/steps.yml", "commands:\n  - shell: lint\n    id: lint\n  - shell: fmt\n  - shell: audit\n");
        Path wf = write(
                "wf.yml",
                "imports:\n  - path: common/steps.yml\n    selective: [lint, \"2\"]\n"
                        + "  - common/steps.yml\n  - path: common/steps.yml\n    alias: ci\ncommands:\n  - shell: build\n");
        LoadResult r = load(wf);
        assertThat(steps(r.orThrow()))
                .extracting(Models::shell)
                .containsExactly("lint", "audit", "lint", "fmt", "audit", "build");
        assertThat(r.warnings()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("imports[2].alias");
            assertThat(p.message()).startsWith("an import with an alias is accepted but not acted on");
        });
    }

    @Test
    void templateFromTheSearchPathWithArgumentsAndOverrides() throws IOException {
        write(
                "registry/deploy.yml",
                "parameters:\n  required: [environment]\n  optional:\n"
                        + "    - {name: replicas, type: number, default: 3}\nenv:\n  TARGET: ${environment}\n"
                        + "mode: mapreduce\nmap:\n  input: services.json\n  max_parallel: 2\n  agent_template:\n"
                        + "    - shell: kubectl scale ${item.name} --replicas=${replicas}\n");
        Path wf = write(
                "wf.yml",
                "name: ship\ntemplate:\n  name: deploy\n  source: deploy\n  with:\n"
                        + "    environment: staging\n  override:\n    map.max_parallel: 8\ncommands:\n  - shell: notify\n");
        Workflow w = load(wf).orThrow();
        assertThat(w.name()).isEqualTo("ship");
        assertThat(w.env()).containsEntry("TARGET", "staging");
        Stage.MapReduce mr = (Stage.MapReduce) w.stages().get(0);
        assertThat(mr.map().maxParallel()).isEqualTo(8);
        assertThat(mr.map().agentTemplate())
                .containsExactly(
                        Step.shell("kubectl scale ${item.name} --replicas=3").build());
        assertThat(((Stage.Steps) w.stages().get(1)).steps())
                .extracting(Models::shell)
                .containsExactly("notify");
    }

    @Test
    void templateFromAFileWithACommandsOverride() throws IOException {
        write("templates/t.yml", "commands:\n  - shell: original\n");
        Path wf = write(
                "wf.yml",
                "template:\n  source: {file: templates/t.yml}\n  override:\n" + "    commands: [{shell: replaced}]\n");
        assertThat(steps(load(wf).orThrow())).extracting(Models::shell).containsExactly("replaced");
    }

    @Test
    void compositionProblemsNameTheFileAndWhatWasTried() throws IOException {
        Path wf = write("wf.yml", "extends: nowhere\ntemplate:\n  source: absent\ncommands: [{shell: x}]\n");
        LoadResult r = load(wf);
        assertThat(r.errors())
                .extracting(Problem::message)
                .satisfiesExactly(
                        m -> assertThat(m)
                                .startsWith("base workflow \"nowhere\" not found; looked for ")
                                .contains("bases/nowhere.yml"),
                        m -> assertThat(m)
                                .startsWith("template \"absent\" not found; looked for ")
                                .contains("registry/absent.yml"));
        write("a.yml", "extends: b.yml\ncommands: [{shell: a}]\n");
        write("b.yml", "extends: a.yml\ncommands: [{shell: b}]\n");
        assertThat(load(dir.resolve("a.yml")).errors())
                .singleElement()
                .extracting(Problem::message)
                .satisfies(m -> assertThat(m).startsWith("composition cycle: ").endsWith("a.yml"));
    }

    @Test
    void subWorkflowsAreAcceptedButNotActedOn() throws IOException {
        Path wf = write("wf.yml", "workflows:\n  lint: {source: lint.yml}\ncommands: [{shell: x}]\n");
        assertThat(load(wf).warnings()).extracting(Problem::path).containsExactly("workflows");
    }
}
