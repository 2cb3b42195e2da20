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
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(logs.resolve(name + ".err").toFile());
        pb.environment().putAll(env);
        pb.environment().put("WORKER_NAME", name);
        Process p = pb.start();
        processes.add(p);
        capture(p);
        return p;
    }

    /** Waits until the process printed a line starting with {@code prefix} (120 s at most). */
    String awaitLine(Process p, String prefix) throws InterruptedException {
        List<String> lines = output.get(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        synchronized (lines) {
            while (true) {
                for (String l : lines) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                if (!p.isAlive() && lines.contains(EOF)) {
                    throw new IllegalStateException(
                            "process " + p.pid() + " ended before printing " + prefix + "; it printed " + lines);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("process " + p.pid() + " did not print " + prefix);
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** @return every line the process printed so far */
    List<String> lines(Process p) {
        List<String> lines = output.get(p);
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static final String EOF = "\0EOF";
    private final Map<Process, List<String>> output = new java.util.concurrent.ConcurrentHashMap<>();

    private void capture(Process p) {
        List<String> lines = new ArrayList<>();
        output.put(p, lines);
        Thread t = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l = in.readLine(); l != null; l = in.readLine()) {
                            synchronized (lines) {
                                lines.add(l);
                                lines.notifyAll();
                            }
                        }
                    } catch (IOException e) {
                        // the process is gone
                    }
                    synchronized (lines) {
                        lines.add(EOF);
                        lines.notifyAll();
                    }
                },
                "output-" + p.pid());
        t.setDaemon(true);
        t.start();
    }

    /** kill -9 of a JVM; waits until it is gone. */
    void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("pid " + p.pid() + " survived kill -9");
        }
    }

    /** kill -9 of a worker JVM; waits until it is gone. */
    void kill(String worker) throws InterruptedException {
        kill(workers.get(worker));
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
