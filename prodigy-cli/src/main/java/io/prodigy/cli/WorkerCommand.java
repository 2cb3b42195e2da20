package io.prodigy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.core.Prodigy;
import io.prodigy.temporal.TemporalWorkerHost;
import io.prodigy.temporal.WorkflowResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prodigy worker}: runs map items of {@code --executor temporal} runs on this machine. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs map items of runs started with --executor temporal, on this machine: polls the task "
                    + "queue, fetches each run's base from the shared git remote into its cache, runs each item's "
                    + "agents in their own worktree with the configured agent (claude), and pushes the item's commits "
                    + "back to refs/prodigy/<run>/<item>@<attempt>. Runs until interrupted (Ctrl-C)."
        },
        footer = ExitCodes.HELP)
final class WorkerCommand implements Callable<Integer> {

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            description = "The Temporal frontend. Config: " + "temporal.target.")
    String target;

    @Option(names = "--namespace", paramLabel = "N", description = "The Temporal namespace (default: default).")
    String namespace;

    @Option(names = "--task-queue", paramLabel = "Q", description = "The task queue (default: prodigy).")
    String taskQueue;

    @Mixin
    TemporalConnectionOptions connection = new TemporalConnectionOptions();

    @Option(names = "--max-agents", paramLabel = "N", description = "Agents at once on this worker (default: 2).")
    int maxAgents = 2;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "The worker's git cache (default: $PRODIGY_HOME/worker-cache).")
    Path cacheDir;

    @Option(
            names = "--max-cached-runs",
            paramLabel = "N",
            description = "Runs whose checkouts and worktrees the cache keeps; the least recently used idle one is "
                    + "evicted beyond that (default: 8).")
    Integer maxCachedRuns;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = CliContext.create();
        CliConfig.Executor c = ctx.config().executor();
        String t = target != null ? target : c.target();
        if (t == null || t.isBlank()) {
            throw CliException.usage("prodigy worker needs --target HOST:PORT (or temporal.target in config.yml)");
        }
        if (maxAgents < 1) {
            throw CliException.usage("--max-agents must be at least 1, not " + maxAgents);
        }
        if (maxCachedRuns != null && maxCachedRuns < 1) {
            throw CliException.usage("--max-cached-runs must be at least 1, not " + maxCachedRuns);
        }
        Path cache = (cacheDir != null ? cacheDir : ctx.home().resolve("worker-cache")).toAbsolutePath();
        Files.createDirectories(cache);
        CountDownLatch stop = new CountDownLatch(1);
        TemporalWorkerHost.Builder hostBuilder = TemporalWorkerHost.builder();
        if (maxCachedRuns != null) {
            hostBuilder.maxCachedRuns(maxCachedRuns);
        }
        try (Prodigy prodigy = Prodigy.builder()
                        .home(ctx.home())
                        .workingDirectory(cache)
                        .eventLog(false)
                        .agentRunner(ctx.agentRunner())
                        .build();
                TemporalWorkerHost host = hostBuilder
                        .connection(connection.connection(
                                t, namespace != null ? namespace : c.namespace(), c.security(), System.getenv()))
                        .taskQueue(taskQueue != null ? taskQueue : c.taskQueue())
                        .maxAgents(maxAgents)
                        .cacheDir(cache)
                        .prodigy(prodigy)
                        .workflows(resolver(ctx, cache))
                        .build()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "prodigy-worker-stop"));
            host.start();
            ctx.out.println("Worker " + host.identity() + " polling " + t + " (task queue "
                    + (taskQueue != null ? taskQueue : c.taskQueue()) + ", " + maxAgents + " agent(s), cache "
                    + cache + ")");
            ctx.out.flush();
            stop.await();
        }
        return ExitCodes.OK;
    }

    /** @return a resolver that loads the workflow file text the coordinator shipped, as prodigy run did */
    static WorkflowResolver resolver(CliContext ctx, Path cache) {
        Map<String, Workflow> loaded = new java.util.concurrent.ConcurrentHashMap<>();
        return (name, hash, source) -> {
            if (source == null) {
                throw new WorkflowDefinitionException("the coordinator of workflow '" + name + "' shipped no "
                        + "workflow source: prodigy worker runs items of runs started with prodigy run "
                        + "--executor temporal; Java hosts embed TemporalWorkerHost with their own workflows");
            }
            return loaded.computeIfAbsent(hash + "\n" + source, k -> load(ctx, cache, source));
        };
    }

    private static Workflow load(CliContext ctx, Path cache, String source) {
        try {
            JsonNode s = Json.MAPPER.readTree(source);
            Path dir =
                    Files.createDirectories(cache.resolve("workflows").resolve(Integer.toHexString(source.hashCode())));
            Path file = dir.resolve(s.path("name").asText("workflow.yml"));
            Files.writeString(file, s.path("yaml").asText());
            Map<String, String> params = new LinkedHashMap<>();
            s.path("params")
                    .properties()
                    .forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            Path paramFile = null;
            if (s.hasNonNull("param_file")) {
                paramFile = dir.resolve(s.path("param_file_name").asText("params.yml"));
                Files.writeString(paramFile, s.path("param_file").asText());
            }
            return ctx.load(file, params, paramFile, false);
        } catch (IOException e) {
            throw new WorkflowDefinitionException("cannot load the coordinator's workflow: " + e.getMessage());
        }
    }
}
