package io.prodigy.examples;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import io.prodigy.micrometer.ProdigyMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Metrics of a run with {@code prodigy-micrometer}: the {@link ProdigyMetrics} listener and agent-runner decorator
 * record items, steps, agent cost and tokens into any Micrometer {@link MeterRegistry} (here a
 * {@link SimpleMeterRegistry}; in a service, the registry that Prometheus or OTLP scrapes).
 *
 * <p>Run it with
 * {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java -Dexec.mainClass=io.prodigy.examples.MetricsExample}.
 */
public final class MetricsExample {
    private MetricsExample() {}

    /**
     * Runs a three-item MapReduce workflow with an agent that reports cost and tokens, and prints the meters.
     *
     * @param dir an empty directory for the project and the state
     * @param registry where the meters go
     * @param out where to print
     * @return the run's result
     */
    public static RunResult run(Path dir, MeterRegistry registry, PrintStream out) {
        ProdigyMetrics metrics =
                ProdigyMetrics.builder(registry).percentiles(0.5, 0.95).build();
        try (Prodigy prodigy = Prodigy.builder()
                .isolation(DirectoryIsolation.shared())
                .workingDirectory(dir)
                .home(dir.resolve(".prodigy"))
                .listener(metrics)
                .agentRunner(metrics.instrument(request -> AgentResult.builder()
                        .success(true)
                        .output("reviewed " + request.command())
                        .costUsd(0.02)
                        .tokens(new TokenUsage(1200, 300, 5000, 0))
                        .build()))
                .build()) {
            metrics.bindDeadLetterQueue(prodigy.dlq());
            Workflow workflow = Workflow.mapReduce("review")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(List.of("api", "core", "cli")))
                            .maxParallel(2)
                            .agentTemplate(Step.shell("echo checking ${item}"), Step.agent("/review ${item}")))
                    .build();
            RunResult result = prodigy.run(workflow);
            registry.getMeters().stream()
                    .sorted(Comparator.comparing((Meter m) -> m.getId().getName()))
                    .forEach(m -> out.println(m.getId().getName() + " "
                            + m.getId().getTags() + " " + m.measure().iterator().next()));
            return result;
        }
    }

    /**
     * @param args ignored
     * @throws java.io.IOException if the scratch directory cannot be made
     */
    public static void main(String[] args) throws java.io.IOException {
        Path dir = java.nio.file.Files.createTempDirectory("prodigy-metrics");
        RunResult result = run(dir, new SimpleMeterRegistry(), System.out);
        System.out.println(result.status() + " in " + dir);
    }
}
