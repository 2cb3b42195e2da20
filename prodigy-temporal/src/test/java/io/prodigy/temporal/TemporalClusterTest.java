package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import io.prodigy.git.WorktreeIsolation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real MapReduce on a loopback cluster: the in-memory Temporal server and two workers in their own JVMs on
 * 127.0.0.1, agents that commit, the user's repository as the shared remote.
 */
@Tag("slow")
class TemporalClusterTest {
    @TempDir
    Path tmp;

    private Map<String, String> gitEnv;
    private Path repo;
    private Path markers;

    @BeforeEach
    void repository() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path config = home.resolve("gitconfig");
        Files.writeString(
                config,
                "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
        gitEnv = new LinkedHashMap<>();
        gitEnv.put("HOME", home.toString());
        gitEnv.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        gitEnv.put("GIT_CONFIG_GLOBAL", config.toString());
        gitEnv.put("GIT_CONFIG_NOSYSTEM", "1");
        repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("README.md"), "project\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial");
        markers = Files.createDirectories(tmp.resolve("markers"));
    }

    private Map<String, String> clusterEnv() {
        Map<String, String> env = new LinkedHashMap<>(gitEnv);
        env.put("PRODIGY_TEST_MARKERS", markers.toString());
        return env;
    }

    @Test
    void aWorkerKilledMidItemLosesNothingAndEveryItemReachesMainOnce() throws Exception {
        try (LoopbackCluster cluster =
                new LoopbackCluster(Files.createDirectories(tmp.resolve("logs")), clusterEnv())) {
            cluster.startServer();
            cluster.startWorker("w1", tmp.resolve("cache-w1"), 2);
            cluster.startWorker("w2", tmp.resolve("cache-w2"), 2);
            WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(tmp.resolve("coord"));
            gitEnv.forEach(isolation::gitEnvironment);
            try (TemporalMapExecutor executor = TemporalMapExecutor.builder()
                            .target(cluster.target())
                            .heartbeatTimeout(Duration.ofSeconds(2))
                            .build();
                    Prodigy coordinator = Prodigy.builder()
                            .workingDirectory(repo)
                            .home(tmp.resolve("coord"))
                            .isolation(isolation.build())
                            .mapExecutor(executor)
                            .build()) {
                RunHandle run = coordinator.start(ClusterWorkflow.create(), io.prodigy.api.RunOptions.DEFAULT);

                await(
                        "an item started on w1 and four agents run",
                        () -> started("w1").size() >= 1 && started(null).size() >= 4);
                List<String> onW1 = started("w1");
                List<Long> orphans = agentPids("w1");
                cluster.kill("w1");
                for (long pid : orphans) { // the killed worker's agents: reaped by pid
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
                Files.writeString(markers.resolve("release"), "go");
                RunResult result = run.await();

                assertThat(result.status()).as(result.toString()).isEqualTo(RunStatus.SUCCEEDED);
                Map<String, ItemResult> byItem = result.items().stream()
                        .collect(Collectors.toMap(i -> i.itemJson().replace("\"", ""), i -> i));
                assertThat(byItem.values()).extracting(ItemResult::status).containsOnly(ItemStatus.SUCCEEDED);
                for (String item : onW1) {
                    assertThat(byItem.get(item).attempts())
                            .as("%s was on the killed worker", item)
                            .isGreaterThanOrEqualTo(2);
                    assertThat(started("w2")).as("%s finished elsewhere", item).contains(item);
                }
            }
            assertEachItemOnMainOnce();
        }
    }

    @Test
    void cancellingTheRunStopsTheAgentsOnEveryWorkerAndResumeFinishesIt() throws Exception {
        try (LoopbackCluster cluster =
                new LoopbackCluster(Files.createDirectories(tmp.resolve("logs")), clusterEnv())) {
            cluster.startServer();
            cluster.startWorker("w1", tmp.resolve("cache-w1"), 2);
            cluster.startWorker("w2", tmp.resolve("cache-w2"), 2);
            WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(tmp.resolve("coord"));
            gitEnv.forEach(isolation::gitEnvironment);
            try (TemporalMapExecutor executor = TemporalMapExecutor.builder()
                            .target(cluster.target())
                            .heartbeatTimeout(Duration.ofSeconds(2))
                            .build();
                    Prodigy coordinator = Prodigy.builder()
                            .workingDirectory(repo)
                            .home(tmp.resolve("coord"))
                            .isolation(isolation.build())
                            .mapExecutor(executor)
                            .build()) {
                RunHandle run = coordinator.start(ClusterWorkflow.create(), io.prodigy.api.RunOptions.DEFAULT);
                await(
                        "agents on both workers",
                        () -> started("w1").size() == 2 && started("w2").size() == 2);
                List<Long> agents = new ArrayList<>(agentPids("w1"));
                agents.addAll(agentPids("w2"));

                run.cancel();
                RunResult result = run.await();

                assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
                await(
                        "every agent on every worker stopped",
                        () -> agents.stream()
                                .allMatch(pid -> ProcessHandle.of(pid)
                                        .map(h -> !h.isAlive())
                                        .orElse(true)));
                assertThat(Files.exists(markers.resolve("release")))
                        .as("no agent was released")
                        .isFalse();
                assertThat(git(repo, "log", "--format=%s", "main")).doesNotContain("item ");

                // the cancelled item workflows are followed by new ones
                Files.writeString(markers.resolve("release"), "go");
                RunResult resumed = coordinator.resume(
                        result.runId(), ClusterWorkflow.create(), io.prodigy.api.ResumeOptions.DEFAULT);
                assertThat(resumed.status()).as(resumed.toString()).isEqualTo(RunStatus.SUCCEEDED);
            }
            assertEachItemOnMainOnce();
        }
    }

    @Test
    void aCoordinatorKilledMidRunReattachesOnResumeWithoutRunningItemsAgain() throws Exception {
        try (LoopbackCluster cluster =
                new LoopbackCluster(Files.createDirectories(tmp.resolve("logs")), clusterEnv())) {
            cluster.startServer();
            cluster.startWorker("w1", tmp.resolve("cache-w1"), 4);
            Path home = tmp.resolve("coord");
            Process first = cluster.java(
                    "coordinator-1",
                    CoordinatorMain.class.getName(),
                    cluster.target(),
                    repo.toString(),
                    home.toString(),
                    "run");
            String runId = cluster.awaitLine(first, "RUN_ID=").substring("RUN_ID=".length());
            await("four agents run", () -> started(null).size() >= 4);
            List<String> inFlight = started(null);
            cluster.kill(first);
            Files.writeString(markers.resolve("release"), "go");

            Process second = cluster.java(
                    "coordinator-2",
                    CoordinatorMain.class.getName(),
                    cluster.target(),
                    repo.toString(),
                    home.toString(),
                    "resume",
                    runId);
            String result = cluster.awaitLine(second, "RESULT=");

            assertThat(result).as(String.join("\n", cluster.lines(second))).isEqualTo("RESULT=SUCCEEDED");
            assertThat(second.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(inFlight).hasSize(4);
            for (Object item : ClusterWorkflow.ITEMS) {
                Path marker = markers.resolve("started-" + item + "-w1");
                assertThat(Files.readAllLines(marker))
                        .as("agent runs of %s (in flight at the kill: %s)", item, inFlight)
                        .hasSize(1);
            }
        }
        assertEachItemOnMainOnce();
        // the dead coordinator deleted nothing (the resume needed its attempts' refs); the finished resume cleaned up
        assertThat(git(repo, "for-each-ref", "refs/prodigy/", "refs/prodigy-base/"))
                .isEmpty();
    }

    private void assertEachItemOnMainOnce() throws Exception {
        List<String> subjects =
                Arrays.asList(git(repo, "log", "--format=%s", "main").split("\n"));
        for (Object item : ClusterWorkflow.ITEMS) {
            assertThat(subjects.stream().filter(s -> s.equals("item " + item)).count())
                    .as("commits of item %s on main", item)
                    .isEqualTo(1);
            assertThat(Files.readString(repo.resolve("item-" + item + ".txt")).strip())
                    .isEqualTo(item);
        }
    }

    /** @return the items that started on a worker (any worker if null) */
    private List<String> started(String worker) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(markers)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("started-"))
                    .filter(n -> worker == null || n.endsWith("-" + worker))
                    .forEach(n -> out.add(n.substring("started-".length(), n.lastIndexOf('-'))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private List<Long> agentPids(String worker) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(markers)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith("-" + worker))
                    .toList()) {
                for (String line : Files.readAllLines(p)) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
        }
        return pids;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        Object lock = new Object();
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            synchronized (lock) {
                lock.wait(50); // polling a condition with a deadline
            }
        }
    }

    private String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(gitEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }
}
