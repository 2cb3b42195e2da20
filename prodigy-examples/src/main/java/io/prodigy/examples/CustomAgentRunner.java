package io.prodigy.examples;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A host's own {@link AgentRunner}: the engine hands every agent step ({@code claude:} in YAML, {@code Step.agent}
 * in Java) to the runner the host plugs in, so Claude Code is only one possible backend. This one runs slash
 * commands as local Java functions ({@code /title-case FILE}, {@code /word-count FILE}) and, for any other
 * {@code /name}, a script {@code .prodigy/commands/name.sh} of the project if there is one - with the arguments in
 * {@code $1...}, the workspace as its directory, the step's environment and timeout.
 *
 * <p>Run it with
 * {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java -Dexec.mainClass=io.prodigy.examples.CustomAgentRunner}.
 */
public final class CustomAgentRunner {
    private CustomAgentRunner() {}

    /** A function the runner can call: it works on the workspace and returns the agent's output. */
    @FunctionalInterface
    public interface LocalCommand {
        /**
         * @param workspace the step's workspace
         * @param argument everything after the command name
         * @return the output
         * @throws IOException if the command fails; the step fails with the message
         */
        String run(Path workspace, String argument) throws IOException;
    }

    /** Runs {@code /name args} as a registered function, else as {@code .prodigy/commands/name.sh}. */
    public static final class LocalAgentRunner implements AgentRunner {
        private final Map<String, LocalCommand> functions = new LinkedHashMap<>();

        /**
         * @param name the command name without the slash
         * @param command what it does
         * @return this
         */
        public LocalAgentRunner register(String name, LocalCommand command) {
            functions.put(name, command);
            return this;
        }

        @Override
        public AgentResult run(AgentRequest request) throws InterruptedException {
            Instant start = Instant.now();
            String text = request.command().strip();
            if (!text.startsWith("/")) {
                return AgentResult.failure(ErrorKind.CONFIGURATION, "expected a slash command, got: " + text);
            }
            int space = text.indexOf(' ');
            String name = space < 0 ? text.substring(1) : text.substring(1, space);
            String argument = space < 0 ? "" : text.substring(space + 1).strip();
            LocalCommand function = functions.get(name);
            try {
                if (function != null) {
                    String output = function.run(request.workspace(), argument);
                    return AgentResult.builder()
                            .success(true)
                            .output(output)
                            .costUsd(0.0)
                            .duration(Duration.between(start, Instant.now()))
                            .build();
                }
                Path script = request.workspace().resolve(".prodigy/commands/" + name + ".sh");
                if (Files.isRegularFile(script)) {
                    return runScript(script, argument, request, start);
                }
            } catch (IOException e) {
                return AgentResult.failure(ErrorKind.COMMAND_FAILED, "/" + name + ": " + e.getMessage());
            }
            // a configuration error is never retried: retrying cannot make an unknown command known
            return AgentResult.failure(
                    ErrorKind.CONFIGURATION,
                    "unknown command /" + name + " (known: " + String.join(", ", functions.keySet())
                            + ", or a script .prodigy/commands/" + name + ".sh)");
        }

        private static AgentResult runScript(Path script, String argument, AgentRequest request, Instant start)
                throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), argument)
                    .directory(request.workspace().toFile())
                    .redirectErrorStream(true);
            pb.environment().putAll(request.environment());
            Process p = pb.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Duration limit = request.timeout() != null ? request.timeout() : Duration.ofMinutes(10);
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return AgentResult.failure(ErrorKind.TIMEOUT, script.getFileName() + " ran longer than " + limit);
            }
            return AgentResult.builder()
                    .success(p.exitValue() == 0)
                    .exitCode(p.exitValue())
                    .output(output)
                    .errorKind(p.exitValue() == 0 ? null : ErrorKind.COMMAND_FAILED)
                    .errorMessage(
                            p.exitValue() == 0
                                    ? null
                                    : script.getFileName() + " exited with " + p.exitValue() + ": " + output.strip())
                    .duration(Duration.between(start, Instant.now()))
                    .build();
        }
    }

    /** @return the runner of this example: two functions, and scripts for everything else */
    public static LocalAgentRunner runner() {
        return new LocalAgentRunner()
                .register("title-case", (workspace, file) -> {
                    Path p = workspace.resolve(file);
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    String first = text.lines().findFirst().orElse("");
                    String titled = first.isEmpty()
                            ? first
                            : first.substring(0, 1).toUpperCase(Locale.ROOT) + first.substring(1);
                    Files.writeString(p, titled + text.substring(first.length()), StandardCharsets.UTF_8);
                    return "titled " + file;
                })
                .register("word-count", (workspace, file) -> {
                    String text = Files.readString(workspace.resolve(file), StandardCharsets.UTF_8)
                            .strip();
                    return String.valueOf(text.isEmpty() ? 0 : text.split("\\s+").length);
                });
    }

    /**
     * The workflow: for every {@code .txt} file, title-case it and count its words (functions), then a script
     * command writes a summary in the reduce phase.
     *
     * @return the workflow
     */
    public static Workflow workflow() {
        return Workflow.mapReduce("custom-agent")
                .map(MapPhase.builder()
                        .input(WorkInput.command("ls *.txt"))
                        .maxParallel(2)
                        .agentTemplate(
                                Step.agent("/title-case ${item}"),
                                Step.agent("/word-count ${item}").capture("words"),
                                Step.shell("echo \"${item}: ${words} words\"")))
                .reduce(Step.agent("/summarize ${map.successful}").capture("summary"))
                .build();
    }

    /**
     * Creates a project in {@code dir} and runs the workflow there with the custom runner.
     *
     * @param dir the project directory (created if missing)
     * @param out where progress and the result are printed
     * @return the result
     * @throws IOException if the project cannot be written
     */
    public static RunResult run(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir.resolve(".prodigy/commands"));
        Files.writeString(dir.resolve("poem.txt"), "the fog comes\non little cat feet.\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("list.txt"), "milk, eggs, bread\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("note.txt"), "call back tomorrow\n", StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve(".prodigy/commands/summarize.sh"),
                "echo \"$1 files processed by a script agent\" | tee SUMMARY.md\n",
                StandardCharsets.UTF_8);
        try (Prodigy prodigy = Prodigy.builder()
                .workingDirectory(dir)
                .home(dir.resolve(".prodigy/state"))
                .isolation(DirectoryIsolation.shared())
                .agentRunner(runner())
                .listener(new ProgressPrinter(out))
                .build()) {
            RunResult result = prodigy.run(workflow());
            result.items()
                    .forEach(i ->
                            out.println("  " + i.itemId() + ": " + i.output().strip()));
            out.println("Reduce (a script agent) said: " + result.variables().get("summary"));
            return result;
        }
    }

    /**
     * Runs the example in a new temporary directory, or the one given.
     *
     * @param args optionally the project directory
     * @throws IOException if the project cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("prodigy-custom-agent-");
        System.exit(run(dir, System.out).succeeded() ? 0 : 1);
    }
}
