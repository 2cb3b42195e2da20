package io.prodigy.examples;

import io.prodigy.api.RunResult;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.WorkflowLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a workflow file with {@link WorkflowLoader} and runs it: problems are printed with their file, line and
 * column; a project that is a git repository gets {@link WorktreeIsolation} (its work is merged back to the current
 * branch), any other directory {@link DirectoryIsolation#shared()}.
 *
 * <p>Run a file of your own with
 * {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java -Dexec.mainClass=io.prodigy.examples.YamlWorkflow
 * -Dexec.args="/path/to/workflow.yml /path/to/project"}; without arguments it writes a small workflow and project
 * to a temporary directory and runs that.
 */
public final class YamlWorkflow {
    /** The workflow the example runs when given no file. */
    static final String DEMO = """
            name: yaml-demo
            mode: mapreduce
            setup:
              - shell: "git ls-files | wc -l | tr -d ' '"
                capture: file_count
            map:
              input: "git ls-files -- '*.txt'"
              max_parallel: 3
              agent_template:
                - shell: "tr a-z A-Z < ${item} > ${item}.upper && git add ${item}.upper"
                - shell: "git commit -q -m \\"shout ${item}\\""
                  commit_required: true
            reduce:
              - shell: "echo \\"${map.successful} of ${map.total} files shouted (the repository had ${file_count})\\""
                capture: summary
            """;

    private YamlWorkflow() {}

    /**
     * Loads a workflow file, printing its problems.
     *
     * @param file the workflow file
     * @param parameters values for the file's {@code parameters} (like the CLI's {@code --param k=v})
     * @param out where problems are printed
     * @return the workflow
     * @throws io.prodigy.yaml.WorkflowLoadException listing every problem, when the file has errors
     */
    public static Workflow load(Path file, Map<String, ?> parameters, PrintStream out) {
        LoadResult loaded =
                WorkflowLoader.builder().parameters(parameters).build().load(file);
        // file:line:column: error|warning: path: message
        loaded.problems().forEach(out::println);
        return loaded.orThrow();
    }

    /**
     * Loads a workflow file and runs it on a project.
     *
     * @param file the workflow file
     * @param project the project directory (a git repository gets worktrees)
     * @param home Prodigy's state directory
     * @param agents runs the file's {@code claude:} steps, or null when it has none
     * @param out where progress is printed
     * @return the result
     */
    public static RunResult run(Path file, Path project, Path home, AgentRunner agents, PrintStream out) {
        Workflow workflow = load(file, Map.of(), out);
        IsolationStrategy isolation = Files.exists(project.resolve(".git"))
                ? WorktreeIsolation.builder().prodigyHome(home).build()
                : DirectoryIsolation.shared();
        Prodigy.Builder builder = Prodigy.builder()
                .workingDirectory(project)
                .home(home)
                .isolation(isolation)
                .listener(new ProgressPrinter(out));
        if (agents != null) {
            builder.agentRunner(agents);
        }
        try (Prodigy prodigy = builder.build()) {
            RunResult result = prodigy.run(workflow);
            out.printf(
                    "%s: %s in %d ms (run %s, state in %s)%n",
                    workflow.name(), result.status(), result.duration().toMillis(), result.runId(), home);
            if (result.failure() != null) {
                out.println("Why: " + result.failure());
            }
            return result;
        }
    }

    /**
     * Runs the demo workflow in a scratch repository under {@code base}.
     *
     * @param base a directory for the workflow file, the repository and the state
     * @param out where progress is printed
     * @return the result
     * @throws IOException if the files cannot be written
     */
    public static RunResult demo(Path base, PrintStream out) throws IOException {
        Files.createDirectories(base);
        Path file = Files.writeString(base.resolve("demo.yml"), DEMO, StandardCharsets.UTF_8);
        Path repo = ScratchRepo.create(
                base.resolve("repo"),
                Map.of(
                        "a.txt",
                        "quiet words\n",
                        "b.txt",
                        "more quiet words\n",
                        "c.txt",
                        "the quietest\n",
                        "README.md",
                        "# demo\n"));
        RunResult result = run(file, repo, base.resolve("prodigy-home"), null, out);
        out.println("Reduce said: " + result.variables().get("summary"));
        return result;
    }

    /**
     * Runs a workflow file on a project, or the demo.
     *
     * @param args {@code WORKFLOW_FILE [PROJECT_DIR]} (the project defaults to the current directory); none for the
     *             demo
     * @throws IOException if the demo's files cannot be written
     */
    public static void main(String[] args) throws IOException {
        RunResult result;
        if (args.length == 0) {
            result = demo(Files.createTempDirectory("prodigy-yaml-"), System.out);
        } else {
            Path project = args.length > 1 ? Path.of(args[1]) : Path.of("");
            Path home = io.prodigy.core.ProdigyHome.resolve();
            result = run(Path.of(args[0]), project.toAbsolutePath(), home, null, System.out);
        }
        System.exit(result.succeeded() ? 0 : 1);
    }
}
