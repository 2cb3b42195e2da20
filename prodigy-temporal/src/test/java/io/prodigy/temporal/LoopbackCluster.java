package io.prodigy.temporal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs of a loopback cluster: the in-memory Temporal server on 127.0.0.1 and workers. Every process is
 * tracked by pid and killed and reaped on {@link #close()}.
 */
final class LoopbackCluster implements AutoCloseable {
    private final Path logs;
    private final Map<String, String> env;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> workers = new LinkedHashMap<>();
    private String target;

    LoopbackCluster(Path logs, Map<String, String> env) {
        this.logs = logs;
        this.env = env;
    }

    String target() {
        return target;
    }

    /** Starts the server and waits for its address. */
    void startServer() throws IOException, InterruptedException {
        Process p = java("server", TemporalDevServer.class.getName(), "0");
        target = awaitLine(p, "TEMPORAL_ADDRESS=").substring("TEMPORAL_ADDRESS=".length());
    }

    /** Starts a worker JVM named {@code name} and waits until it polls. */
    Process startWorker(String name, Path cache, int agents) throws IOException, InterruptedException {
        Process p = java(name, WorkerMain.class.getName(), target, cache.toString(), String.valueOf(agents));
        awaitLine(p, "WORKER_READY");
        workers.put(name, p);
        return p;
    }

    /** Starts a JVM running {@code main} with the test classpath. */
    Process java(String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(logs.resolve(name + ".err").toFile());
        pb.environment().putAll(env);
        pb.environment().put("WORKER_NAME", name);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Reads the process's standard output until a line starts with {@code prefix} (60 s at most). */
    static String awaitLine(Process p, String prefix) throws InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String l = line.get(60, TimeUnit.SECONDS);
            if (l == null) {
                throw new IllegalStateException("process " + p.pid() + " ended before printing " + prefix);
            }
            return l;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("process " + p.pid() + " did not print " + prefix + ": " + e, e);
        }
    }

    /** kill -9 of a worker JVM; waits until it is gone. */
    void kill(String worker) throws InterruptedException {
        Process p = workers.get(worker);
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("worker " + worker + " (pid " + p.pid() + ") survived kill -9");
        }
    }

    /** @return pids of every process started, for the reaping check */
    List<Process> processes() {
        return List.copyOf(processes);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("pid " + p.pid() + " was not reaped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reaping pid " + p.pid(), e);
            }
        }
    }
}
