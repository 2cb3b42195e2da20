package io.prodigy.temporal;

import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent runner for worker engines in tests: the command is {@code work <item>}; by default the agent writes
 * {@code item-<item>.txt}, commits it as {@code item <item>} with real git and reports a cost. A {@link Script}
 * can decide otherwise per call. It counts the agents running at once over every worker sharing it.
 */
final class ScriptedAgent implements AgentRunner {
    /** What to do on one call; return null to do the default work. */
    @FunctionalInterface
    interface Script {
        AgentResult apply(AgentRequest request, String item, int call) throws InterruptedException;
    }

    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> gitEnv;
    private final double cost;
    private final Script script;

    ScriptedAgent(Map<String, String> gitEnv, double cost, Script script) {
        this.gitEnv = gitEnv;
        this.cost = cost;
        this.script = script;
    }

    @Override
    public AgentResult run(AgentRequest request) throws InterruptedException {
        String item =
                request.command().substring(request.command().indexOf(' ') + 1).strip();
        int call = calls.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        log.add(item + "#" + call + "@" + System.nanoTime());
        try {
            AgentResult scripted = script == null ? null : script.apply(request, item, call);
            if (scripted != null) {
                return scripted;
            }
            Files.writeString(request.workspace().resolve("item-" + item + ".txt"), item + "\n");
            git(request, "add", "item-" + item + ".txt");
            git(request, "commit", "-q", "-m", "item " + item);
            return AgentResult.builder()
                    .success(true)
                    .output("did " + item)
                    .costUsd(cost)
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            running.decrementAndGet();
        }
    }

    private void git(AgentRequest request, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(request.workspace().toFile()).redirectErrorStream(true);
        pb.environment().putAll(gitEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("git " + args[0] + " failed: " + out);
        }
    }
}
