package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.WorkflowLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every workflow file under {@code prodigy-examples/workflows} loads without problems and runs end to end, with the
 * engine and git worktrees, in a scratch repository made for it.
 */
class WorkflowFilesTest {
    static final Path WORKFLOWS = Path.of("workflows");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    private RunResult run(String file, Map<String, String> project) throws IOException {
        Path repo = ScratchRepo.create(tmp.resolve("repo"), project);
        RunResult r = YamlWorkflow.run(WORKFLOWS.resolve(file), repo, tmp.resolve("home"), null, out);
        System.out.println(buf.toString(StandardCharsets.UTF_8));
        assertThat(r.status()).as(buf.toString(StandardCharsets.UTF_8)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(ScratchRepo.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(ScratchRepo.git(repo, "branch", "--format=%(refname:short)")).isEqualTo("main");
        return r;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void everyFileLoadsWithoutErrorsOrWarningsAndHasATest() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.list(WORKFLOWS)) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(files)
                .containsExactlyInAnyOrder(
                        "mapreduce-files.yml", "mapreduce-json-report.yml", "test-and-fix.yml", "goal-seek.yml");
        WorkflowLoader strict = WorkflowLoader.builder().strict(true).build();
        for (String f : files) {
            LoadResult r = strict.load(WORKFLOWS.resolve(f));
            assertThat(r.problems()).as(f + ":\n" + r.report()).isEmpty();
            assertThat(r.workflow()).isPresent();
        }
    }

    @Test
    void mapReduceOverFiles() throws IOException {
        Map<String, String> project = new LinkedHashMap<>();
        project.put("README.md", "# Title\n\n## Part\n");
        project.put("docs/a.md", "# A\n");
        project.put("docs/b.md", "no headings\n");
        project.put("src/main.txt", "not markdown\n");
        RunResult r = run("mapreduce-files.yml", project);

        Path repo = tmp.resolve("repo");
        assertThat(r.items()).hasSize(3).allSatisfy(i -> assertThat(i.commits()).hasSize(1));
        assertThat(read(repo.resolve("README.md"))).endsWith("<!-- 2 headings -->\n");
        assertThat(read(repo.resolve("docs/a.md"))).endsWith("<!-- 1 headings -->\n");
        assertThat(read(repo.resolve("docs/b.md"))).endsWith("<!-- 0 headings -->\n");
        assertThat(read(repo.resolve("src/main.txt"))).isEqualTo("not markdown\n");
        assertThat(read(repo.resolve("INDEX.md"))).isEqualTo("3 of 3 files indexed\n");
    }

    @Test
    void mapReduceOverAJsonReport() throws IOException {
        Map<String, String> project = new LinkedHashMap<>();
        project.put("a.txt", "TODO one\nTODO two\nTODO three\n");
        project.put("b.txt", "TODO only one\n");
        project.put("c.txt", "done already\n");
        project.put("d/e.txt", "TODO x\nTODO y\n");
        RunResult r = run("mapreduce-json-report.yml", project);

        Path repo = tmp.resolve("repo");
        // filter todos > 0, most TODOs first, ids from the path field
        assertThat(r.items()).extracting(ItemResult::itemId).containsExactly("a.txt", "d/e.txt", "b.txt");
        assertThat(read(repo.resolve("a.txt"))).isEqualTo("DONE one\nDONE two\nDONE three\n");
        assertThat(read(repo.resolve("d/e.txt"))).isEqualTo("DONE x\nDONE y\n");
        assertThat(read(repo.resolve("c.txt"))).isEqualTo("done already\n");
        assertThat(repo.resolve("report.json")).doesNotExist();
        assertThat(ScratchRepo.git(repo, "log", "-1", "--format=%s", "--first-parent", "main"))
                .isNotBlank();
        assertThat(ScratchRepo.git(repo, "log", "--format=%s", "main"))
                .contains("3 of 3 files cleared")
                .contains("clear 3 TODOs in a.txt");
    }

    @Test
    void testAndFixLoop() throws IOException {
        Map<String, String> project = new LinkedHashMap<>();
        project.put("calc.sh", "add() { echo $(( $1 - $2 )); }\nmul() { echo $(( $1 / $2 )); }\n");
        project.put("test.sh", """
                . ./calc.sh
                [ "$(add 2 3)" = 5 ] || { echo "FAIL: add 2 3 gave $(add 2 3)"; exit 1; }
                [ "$(mul 4 4)" = 16 ] || { echo "FAIL: mul 4 4 gave $(mul 4 4)"; exit 1; }
                echo "all tests pass"
                """);
        project.put("fix.sh", """
                # fixes the first failing function (a stand-in for an agent)
                . ./calc.sh
                if [ "$(add 2 3)" != 5 ]; then
                  sed 's/\\$1 - \\$2/$1 + $2/' calc.sh > calc.new
                else
                  sed 's#\\$1 / \\$2#$1 * $2#' calc.sh > calc.new
                fi
                mv calc.new calc.sh
                echo "fix" >> fixes.log
                """);
        project.put(".gitignore", "fixes.log\n");
        run("test-and-fix.yml", project);

        Path repo = tmp.resolve("repo");
        assertThat(read(repo.resolve("calc.sh")))
                .isEqualTo("add() { echo $(( $1 + $2 )); }\n" + "mul() { echo $(( $1 * $2 )); }\n");
        assertThat(ScratchRepo.git(repo, "log", "-1", "--format=%s", "main")).isEqualTo("fix the calculator");
    }

    @Test
    void goalSeekingWithValidate() throws IOException {
        Map<String, String> project = new LinkedHashMap<>();
        project.put("tests.txt", "");
        project.put("improve.sh", "echo \"test $(( $(wc -l < tests.txt) + 1 ))\" >> tests.txt\n");
        project.put("score.sh", "echo \"{\\\"completion_percentage\\\": $(( $(wc -l < tests.txt) * 25 ))}\"\n");
        run("goal-seek.yml", project);

        Path repo = tmp.resolve("repo");
        // 25% per test: the step and three on_incomplete rounds reach 100% >= 90%
        assertThat(read(repo.resolve("tests.txt")).lines()).containsExactly("test 1", "test 2", "test 3", "test 4");
        assertThat(ScratchRepo.git(repo, "log", "-1", "--format=%s", "main")).isEqualTo("coverage at 100%");
    }

    @Test
    void theYamlWorkflowDemoRuns() throws IOException {
        RunResult r = YamlWorkflow.demo(tmp.resolve("demo"), out);
        assertThat(r.status()).as(buf.toString(StandardCharsets.UTF_8)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.variables().get("summary")).isEqualTo("3 of 3 files shouted (the repository had 4)");
        assertThat(read(tmp.resolve("demo/repo/b.txt.upper"))).isEqualTo("MORE QUIET WORDS\n");
        assertThat(List.of("a", "b", "c"))
                .allSatisfy(n ->
                        assertThat(tmp.resolve("demo/repo/" + n + ".txt.upper")).exists());
    }
}
