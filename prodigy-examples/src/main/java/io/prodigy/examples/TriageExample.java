package io.prodigy.examples;

import io.prodigy.api.ItemResult;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
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
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A MapReduce workflow written in plain Java: read {@code items.json} with the JSONPath {@code $.items[*]},
 * keep the items with {@code score >= 5}, process the highest scores first, four at a time, with a shell step
 * and an agent step each (the agent is this program's own {@link AgentRunner}), then reduce with
 * {@code ${map.successful}}. Prints progress as it goes and a per-item table at the end.
 *
 * <p>Run it with {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java}; pass a directory to
 * keep the project it creates (default: a new temporary directory).
 */
public final class TriageExample {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private TriageExample() {}

    /**
     * The workflow of this example.
     *
     * @return the workflow
     */
    public static Workflow workflow() {
        return Workflow.mapReduce("triage")
                .setup(Step.shell("mkdir -p reports"))
                .map(MapPhase.builder()
                        .input(WorkInput.jsonFile("items.json", "$.items[*]"))
                        .filter("score >= 5")
                        .sortBy("score DESC")
                        .maxParallel(4)
                        .idField("name")
                        .agentTemplate(
                                Step.shell(
                                                "echo \"${item.name} (score ${item.score}): ${item.title}\" > reports/${item.name}.txt")
                                        .build(),
                                Step.agent("/triage ${item.name}")
                                        .capture("verdict")
                                        .build(),
                                Step.shell(
                                                "echo '${verdict}' >> reports/${item.name}.txt && cat reports/${item.name}.txt")
                                        .build()))
                .reduce(Step.shell("echo \"${map.successful} of ${map.total} items triaged, ${map.failed} failed\" "
                                + "| tee reports/SUMMARY.txt")
                        .capture("summary")
                        .build())
                .build();
    }

    /**
     * The example's agent: a stand-in for Claude that "triages" an item by reading its report and answering
     * with a verdict. A host plugs any backend in the same way.
     */
    static final class TriageAgent implements AgentRunner {
        @Override
        public AgentResult run(AgentRequest request) {
            String name = request.command()
                    .substring(request.command().indexOf(' ') + 1)
                    .trim();
            Path report = request.workspace().resolve("reports").resolve(name + ".txt");
            try {
                String text = Files.readString(report, StandardCharsets.UTF_8);
                String verdict =
                        text.contains("crash") || text.contains("leak") ? "verdict: fix now" : "verdict: schedule";
                return AgentResult.builder()
                        .success(true)
                        .output(verdict)
                        .costUsd(0.0)
                        .build();
            } catch (IOException e) {
                return AgentResult.failure(io.prodigy.api.ErrorKind.COMMAND_FAILED, "no report for " + name);
            }
        }
    }

    /**
     * Creates the example project (an {@code items.json}) in {@code dir} and runs the workflow there.
     *
     * @param dir the project directory (created if missing)
     * @param out where progress and the summary are printed
     * @return the run's result
     * @throws IOException if the project cannot be written
     */
    public static RunResult run(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("items.json"), """
                {"items": [
                  {"name": "auth-crash",   "score": 9, "title": "login crash on empty password"},
                  {"name": "slow-search",  "score": 6, "title": "search takes 4 s on large repos"},
                  {"name": "typo-footer",  "score": 1, "title": "typo in the footer"},
                  {"name": "memory-leak",  "score": 8, "title": "leak in the upload handler"},
                  {"name": "dark-mode",    "score": 3, "title": "dark mode contrast"},
                  {"name": "api-timeout",  "score": 7, "title": "API gateway timeout"},
                  {"name": "flaky-test",   "score": 5, "title": "flaky integration test"}
                ]}
                """, StandardCharsets.UTF_8);
        Prodigy prodigy = Prodigy.builder()
                .workingDirectory(dir)
                .home(dir.resolve(".prodigy"))
                .isolation(DirectoryIsolation.shared())
                .agentRunner(new TriageAgent())
                .listener(event -> print(out, event))
                .build();
        RunResult result = prodigy.run(workflow());
        out.println();
        out.printf(
                "Run %s: %s in %d ms%n",
                result.runId(), result.status(), result.duration().toMillis());
        out.printf("%-14s %-10s %8s  %s%n", "item", "status", "ms", "output");
        for (ItemResult item : result.items()) {
            String firstLine = item.output() == null
                    ? ""
                    : item.output().strip().lines().reduce((a, b) -> b).orElse("");
            out.printf(
                    "%-14s %-10s %8d  %s%n",
                    item.itemId(), item.status(), item.duration().toMillis(), firstLine);
        }
        out.printf(
                "Totals: %d items, %d succeeded, %d failed; %.1f items/s, parallel efficiency %.0f%%%n",
                result.summary().total(),
                result.summary().succeeded(),
                result.summary().failed(),
                result.summary().throughputPerSecond(),
                result.summary().parallelEfficiency() * 100);
        out.println("Reduce said: " + result.variables().get("summary"));
        out.println("Reports are in " + dir.resolve("reports"));
        return result;
    }

    private static void print(PrintStream out, RunEvent event) {
        String time = TIME.format(LocalTime.ofInstant(event.at(), ZoneId.systemDefault()));
        if (event instanceof RunEvent.PhaseStarted p) {
            out.printf("%s  phase %s started%n", time, p.phase());
        } else if (event instanceof RunEvent.ItemsResolved r) {
            out.printf("%s  %d items selected, up to %d at once%n", time, r.total(), r.maxParallel());
        } else if (event instanceof RunEvent.ItemFinished f) {
            out.printf(
                    "%s  item %-12s %s (%d ms)%n",
                    time, f.itemId(), f.status(), f.duration().toMillis());
        } else if (event instanceof RunEvent.PhaseFinished p) {
            out.printf("%s  phase %s %s%n", time, p.phase(), p.success() ? "done" : "FAILED");
        }
    }

    /**
     * Runs the example.
     *
     * @param args optionally the project directory to use
     * @throws IOException if the project cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("prodigy-triage-");
        Instant start = Instant.now();
        RunResult result = run(dir, System.out);
        System.out.println(
                "Finished in " + Duration.between(start, Instant.now()).toMillis() + " ms");
        System.exit(result.succeeded() ? 0 : 1);
    }
}
