package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.claude.testing.ClaudeDouble;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 0.4.x conformance suite: workflows in {@code src/test/resources/conformance-0.4/}, written from the Rust tool
 * 0.4.x's documented semantics, validated and run end to end through the real jar with the Claude test double.
 */
class Conformance04IT {
    @TempDir
    Path tmp;

    private static String resource(String name) throws IOException {
        try (InputStream in = Conformance04IT.class.getResourceAsStream("/conformance-0.4/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> prompts(JarCli cli) {
        return cli.claude.calls().stream().map(c -> c.option("-p")).toList();
    }

    /** The slash commands the suite's workflows call, as {@code prodigy init} installs them for the Rust tool. */
    private static final List<String> COMMANDS = List.of(
            "prodigy-coverage",
            "prodigy-implement-spec",
            "prodigy-debug-test-failure",
            "prodigy-add-spec",
            "prodigy-merge-worktree");

    private JarCli withWorkflow(String name, String text) throws Exception {
        JarCli cli = new JarCli(tmp);
        for (String command : COMMANDS) {
            cli.write(".claude/commands/" + command + ".md", "# /" + command + "\n\nDo what the arguments say.\n");
        }
        cli.write(name, text);
        cli.commitAll("workflow " + name);
        return cli;
    }

    @Test
    void stepOutputsNameTheFileTheStepsCommitAdded() throws Exception {
        JarCli cli = withWorkflow("outputs.yml", resource("outputs.yml"));
        JarCli.Result validate = cli.ok("validate", "outputs.yml");
        assertThat(validate.out() + validate.err()).doesNotContain("warning").doesNotContain("not acted on");

        cli.ok("run", "outputs.yml", "-y");

        assertThat(cli.repo.resolve("fake-edit.txt")).exists();
        assertThat(cli.repo.resolve("spec-seen.txt")).hasSameTextualContentAs(cli.repo.resolve("fake-edit.txt"));
        List<String> prompts = prompts(cli);
        assertThat(prompts).hasSize(2);
        assertThat(prompts.get(1)).startsWith("/prodigy-implement-spec /").endsWith("/fake-edit.txt");
    }

    @Test
    void variablesFollowTheRustToolAndIterationsStopWhenNothingChanges() throws Exception {
        JarCli cli = withWorkflow(
                "variables.yml",
                resource("variables.yml").replace("git commit -qm variables", "{ git commit -qm variables || true; }"));
        JarCli.Result validate = cli.ok("validate", "variables.yml");
        assertThat(validate.out() + validate.err())
                .contains("variables.yml:20:")
                .contains("variable 'SPEC_ID'")
                .contains("keeps ${SPEC_ID} as written");

        JarCli.Result run = cli.ok("run", "variables.yml", "-y", "-n", "3");

        assertThat(cli.repo.resolve("pct.txt")).hasContent("42%");
        assertThat(cli.repo.resolve("words.txt")).hasContent("[--one]\n[--two]\n[--one]\n[--two]");
        List<String> prompts = prompts(cli);
        assertThat(prompts)
                .anyMatch(p ->
                        p.startsWith("/prodigy-debug-test-failure --stderr boom on stderr") && p.endsWith("--code 3"));
        assertThat(prompts)
                .contains(
                        "/prodigy-implement-spec ${SPEC_ID} iteration 1",
                        "/prodigy-implement-spec ${SPEC_ID} iteration 2");
        assertThat(prompts).noneMatch(p -> p.contains("iteration 3"));
        // the prompt warning is visible at the default log level
        assertThat(run.err()).contains("'SPEC_ID' is not defined").contains("made no changes");
    }

    @Test
    void validationHandlersSeeTheRoundAndEveryResultField() throws Exception {
        JarCli cli = withWorkflow("validation.yml", resource("validation.yml"));
        JarCli.Result validate = cli.ok("validate", "validation.yml");
        assertThat(validate.out() + validate.err()).doesNotContain("warning");

        cli.ok("run", "validation.yml", "-y");

        assertThat(cli.repo.resolve("rounds.txt")).hasContent("round 1: spec-7 at 40");
    }

    @Test
    void mapReduceResultsHaveTheRustToolsShapeAndAnAgentResolvesTheConflict() throws Exception {
        Path barrier = Files.createDirectories(tmp.resolve("barrier"));
        JarCli cli =
                withWorkflow("mapreduce.yml", resource("mapreduce.yml").replace("BARRIER_DIR", barrier.toString()));
        JarCli.Result validate = cli.ok("validate", "mapreduce.yml");
        assertThat(validate.out() + validate.err()).doesNotContain("warning");

        JarCli.Result run = cli.ok("run", "mapreduce.yml", "-y");

        assertThat(run.out()).contains("SUCCEEDED");
        assertThat(cli.repo.resolve("item-alpha.json")).hasContent("{\"item\":\"alpha\"}");
        assertThat(cli.repo.resolve("item-beta.json")).hasContent("{\"item\":\"beta\"}");
        // the second merge conflicted in shared.txt; the conflict agent ran in the run's worktree and committed
        ClaudeDouble.Call resolver = cli.claude.calls().stream()
                .filter(c -> c.option("-p").startsWith("/prodigy-merge-worktree "))
                .findFirst()
                .orElseThrow();
        assertThat(resolver.option("-p")).matches("/prodigy-merge-worktree \\S+ prodigy-run-\\S+ fake:commit");
        JsonNode results = JarCli.JSON.readTree(cli.repo.resolve("results.json").toFile());
        assertThat(results).hasSize(2);
        for (JsonNode r : results) {
            assertThat(r.path("status").asText()).isEqualTo("Success");
            assertThat(r.path("duration").has("secs")).isTrue();
            assertThat(r.path("duration").has("nanos")).isTrue();
            assertThat(r.path("files_modified")).extracting(JsonNode::asText).contains("shared.txt");
            assertThat(r.path("branch_name").asText()).isNotBlank();
            assertThat(r.path("worktree_path").asText()).isNotBlank();
            assertThat(r.path("commits")).hasSize(1);
            assertThat(r.has("item_status")).isTrue();
        }
    }

    @Test
    void upstreamRunFlagsParseAndBehave() throws Exception {
        JarCli cli = withWorkflow(
                "each.yml",
                "- shell: \"test $ARG != bad\"\n"
                        + "- shell: \"echo $ARG:${INDEX}/${TOTAL} >> inputs.txt && git add inputs.txt && git commit -qm $ARG\"\n");
        cli.write("specs/65-cook-refactor.md", "x");
        cli.write("specs/70-other.md", "y");
        cli.commitAll("specs");

        JarCli.Result all = cli.run("run", "each.yml", "-y", "--map", "specs/*.md", "--args", "bad", "last");
        assertThat(all.exit()).isEqualTo(1);
        assertThat(all.out()).contains("3 of 4 input(s) succeeded");
        JarCli.Result fast = cli.run("run", "each.yml", "-y", "--args", "bad", "never", "--fail-fast");
        assertThat(fast.exit()).isEqualTo(1);
        assertThat(fast.err()).contains("(--fail-fast); 1 input(s) not run");
        // each input ran in its own run; the lines of the successful ones reached the branch
        assertThat(cli.git("show", "HEAD:inputs.txt")).contains("65:1/4", "70:2/4", "last:4/4");
        assertThat(cli.run("run", "each.yml", "--map", "nothing/*.md").exit()).isEqualTo(2);
        assertThat(cli.run("run", "each.yml", "-j", "0").exit()).isEqualTo(2);
    }
}
