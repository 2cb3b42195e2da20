package io.prodigy.benchmarks.e2e;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.temporal.TemporalDevServer;
import io.prodigy.temporal.TemporalMapExecutor;
import io.prodigy.temporal.TemporalWorkerHost;
import io.prodigy.temporal.WorkflowResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The {@code temporal-scale} scenario: sleep-bound agents (each sleeps, then commits one file) on Temporal workers in
 * their own JVMs, against the in-memory server on 127.0.0.1: 3 workers x 2 slots against 1 worker x 2 slots, and the
 * same run with the local executor (2 at once) for the per-item overhead of the Temporal path. Worker JVMs start
 * before the timed runs (start-up is not timed); the run is {@code Prodigy.run} in this JVM, the coordinator.
 */
final class TemporalScale {
    /** The run's max_parallel on Temporal: twice the slots of three workers. */
    static final int TEMPORAL_MAX_PARALLEL = 12;

    private TemporalScale() {}

    /** Times of each configuration, one per pair, and the machine's 1-minute load average before and after. */
    record Measured(
            List<Double> oneWorker,
            List<Double> threeWorkers,
            List<Double> local,
            double loadBefore,
            double loadAfter,
            List<Double> cpuOneWorker,
            List<Double> cpuLocal) {}

    /**
     * @param pids processes
     * @return the CPU seconds they and the children they waited for (git, the agents' shells) used so far, from
     *     /proc (0 where it does not exist): a measure of work that the machine's load does not stretch
     */
    static double cpuSeconds(List<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields 14-17 of stat (utime, stime, cutime, cstime), here from index 11 after the name
                for (int i = 11; i <= 14; i++) {
                    total += Long.parseLong(f[i]) / 100.0;
                }
            } catch (IOException | RuntimeException e) {
                // no /proc: CPU is not reported
            }
        }
        return total;
    }

    /** @return the 1-minute load average, or -1 where /proc/loadavg does not exist */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param temp a scratch directory
     * @param javaBin the java executable
     * @param classPath the class path of the worker JVMs
     * @param items items per run
     * @param sleepSeconds how long each agent sleeps
     * @param pairs timed rounds
     * @param warmUp whether to run one untimed round first
     * @return the times
     * @throws Exception if a run fails
     */
    static Measured measure(
            Path temp, String javaBin, String classPath, int items, String sleepSeconds, int pairs, boolean warmUp)
            throws Exception {
        Path gitConfig = temp.resolve("temporal-gitconfig");
        Files.writeString(
                gitConfig,
                "[user]\n\tname = Bench\n\temail = bench@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
        Map<String, String> gitEnv = Map.of(
                "GIT_CONFIG_GLOBAL",
                gitConfig.toString(),
                "GIT_CONFIG_NOSYSTEM",
                "1",
                "BENCH_SLEEP",
                sleepSeconds,
                "BENCH_ITEMS",
                String.valueOf(items));
        Workflow wf = workflow(items, sleepSeconds);
        List<Double> one = new ArrayList<>();
        List<Double> three = new ArrayList<>();
        List<Double> local = new ArrayList<>();
        List<Double> cpuOne = new ArrayList<>();
        List<Double> cpuLocal = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        double loadBefore = loadAverage();
        try (TemporalDevServer server = TemporalDevServer.start(0)) {
            // both groups of workers run from the start, each on its own task queue, and the rounds alternate
            // (1 worker, 3 workers, 1, 3, ...), so that a machine getting busier or quieter affects both alike
            List<Process> oneWorker = new ArrayList<>();
            List<Process> threeWorkers = new ArrayList<>();
            try {
                oneWorker.add(
                        startWorker(javaBin, classPath, server.target(), "bench-1", temp.resolve("cache-1-0"), gitEnv));
                for (int w = 0; w < 3; w++) {
                    threeWorkers.add(startWorker(
                            javaBin, classPath, server.target(), "bench-3", temp.resolve("cache-3-" + w), gitEnv));
                }
                for (int p = warmUp ? -1 : 0; p < pairs; p++) {
                    for (int workers : new int[] {1, 3}) {
                        List<Long> pids = new ArrayList<>(List.of(self));
                        (workers == 1 ? oneWorker : threeWorkers).forEach(w -> pids.add(w.pid()));
                        double cpu0 = cpuSeconds(pids);
                        double s = timedRun(
                                temp, wf, gitEnv, server.target(), "bench-" + workers, "t" + workers + "-" + p);
                        double cpu = cpuSeconds(pids) - cpu0;
                        if (p >= 0) {
                            (workers == 1 ? one : three).add(s);
                            if (workers == 1) {
                                cpuOne.add(cpu);
                            }
                        }
                        System.out.printf(
                                "  temporal-scale %d worker(s) x 2 slots, round %d: %.2f s%n", workers, p + 1, s);
                    }
                }
            } finally {
                List<Process> all = new ArrayList<>(oneWorker);
                all.addAll(threeWorkers);
                for (Process p : all) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
        for (int p = warmUp ? -1 : 0; p < pairs; p++) {
            double cpu0 = cpuSeconds(List.of(self));
            double s = timedRun(temp, wf, gitEnv, null, null, "local-" + p);
            double cpu = cpuSeconds(List.of(self)) - cpu0;
            if (p >= 0) {
                local.add(s);
                cpuLocal.add(cpu);
            }
            System.out.printf("  temporal-scale local executor, 2 at once, round %d: %.2f s%n", p + 1, s);
        }
        return new Measured(one, three, local, loadBefore, loadAverage(), cpuOne, cpuLocal);
    }

    /** The workflow: each item sleeps, then commits one file (the run's options set max_parallel). */
    static Workflow workflow(int items, String sleepSeconds) {
        return Workflow.mapReduce("temporal-scale")
                .map(MapPhase.builder()
                        .input(WorkInput.values(new ArrayList<Object>(
                                IntStream.range(0, items).boxed().toList())))
                        .maxParallel(6)
                        .agentTemplate(Step.shell("sleep " + Double.parseDouble(sleepSeconds)
                                + " && echo ${item} > item-${item}.txt && git add item-${item}.txt"
                                + " && git commit -q -m \"item ${item}\"")))
                .build();
    }

    private static double timedRun(
            Path temp, Workflow wf, Map<String, String> gitEnv, String target, String taskQueue, String name)
            throws Exception {
        Path repo = Files.createDirectories(temp.resolve("repo-" + name));
        git(repo, gitEnv, "init", "-q");
        Files.writeString(repo.resolve("README.md"), "bench\n");
        git(repo, gitEnv, "add", "-A");
        git(repo, gitEnv, "commit", "-q", "-m", "initial");
        WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(temp.resolve("home-" + name));
        gitEnv.forEach(isolation::gitEnvironment);
        Prodigy.Builder b = Prodigy.builder()
                .workingDirectory(repo)
                .home(temp.resolve("home-" + name))
                .isolation(isolation.build())
                .eventLog(false);
        TemporalMapExecutor executor = target == null
                ? null
                : TemporalMapExecutor.builder()
                        .target(target)
                        .taskQueue(taskQueue)
                        .build();
        if (executor != null) {
            b.mapExecutor(executor);
        }
        // with Temporal, max_parallel bounds the attempts in flight, the workers' slots bound the agents: twice the
        // slots of three workers keeps an item queued for each slot while the coordinator merges the last one (at
        // max_parallel = slots, a slot sat idle from its item's end until the serial merge released the item)
        io.prodigy.api.RunOptions options = io.prodigy.api.RunOptions.builder()
                .maxParallel(target == null ? 2 : TEMPORAL_MAX_PARALLEL)
                .build();
        long start = System.nanoTime();
        RunResult r;
        try (Prodigy p = b.build()) {
            r = p.run(wf, options);
        } finally {
            if (executor != null) {
                executor.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (r.status() != RunStatus.SUCCEEDED) {
            throw new IllegalStateException("temporal-scale run " + name + " ended " + r.status() + ": "
                    + r.failure() + "; failed items: "
                    + r.items().stream()
                            .filter(i -> !i.succeeded())
                            .map(i -> i.itemId() + " " + i.error())
                            .toList());
        }
        return seconds;
    }

    private static Process startWorker(
            String javaBin, String classPath, String target, String taskQueue, Path cache, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        javaBin,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classPath,
                        TemporalScale.class.getName(),
                        target,
                        cache.toString(),
                        taskQueue)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"READY".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("a temporal-scale worker did not start (printed " + line + ")");
        }
        return p;
    }

    private static void git(Path dir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed in " + dir);
        }
    }

    /**
     * A worker JVM: {@code TemporalScale TARGET CACHE_DIR TASK_QUEUE}; 2 slots; prints READY, then runs until killed.
     *
     * @param args target, cache directory and task queue
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        Driver.quietLogging();
        Path cache = Path.of(args[1]);
        Prodigy prodigy = Prodigy.builder()
                .workingDirectory(cache)
                .home(cache.resolve("home"))
                .eventLog(false)
                .build();
        TemporalWorkerHost host = TemporalWorkerHost.builder()
                .target(args[0])
                .taskQueue(args[2])
                .cacheDir(cache)
                .maxAgents(2)
                .prodigy(prodigy)
                .workflows(WorkflowResolver.of(
                        workflow(Integer.parseInt(System.getenv("BENCH_ITEMS")), System.getenv("BENCH_SLEEP"))))
                .build();
        host.start();
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
