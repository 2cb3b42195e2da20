package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.temporal.activity.Activity;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A coordinator and several workers in this JVM on Temporal's in-process test server (real time, no time
 * skipping): real git, a real repository as the shared remote, worker engines whose agent runner the test scripts.
 * Each worker is a worker factory of its own on the task queue, as separate machines would be.
 */
final class InProcessCluster implements AutoCloseable {
    static final String QUEUE = "prodigy-test";

    final Path tmp;
    final Path repo;
    final Map<String, String> gitEnv = new LinkedHashMap<>();
    final TestWorkflowEnvironment env;
    final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<Runnable> closers = new ArrayList<>();
    private final CountDownLatch releaseDead = new CountDownLatch(1);

    InProcessCluster(Path tmp) throws IOException, InterruptedException {
        this.tmp = tmp;
        Path config = tmp.resolve("gitconfig");
        Files.writeString(
                config,
                "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
        gitEnv.put("GIT_CONFIG_GLOBAL", config.toString());
        gitEnv.put("GIT_CONFIG_NOSYSTEM", "1");
        repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("README.md"), "project\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial");
        env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
        env.start();
    }

    /** Starts a worker that runs items with {@code agent}, at most {@code slots} at once. */
    void worker(String name, int slots, Workflow workflow, AgentRunner agent) {
        Prodigy engine = Prodigy.builder()
                .workingDirectory(tmp)
                .home(tmp.resolve("home-" + name))
                .eventLog(false)
                .agentRunner(agent)
                .build();
        WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
        Worker worker = factory.newWorker(
                QUEUE,
                WorkerOptions.newBuilder()
                        .setMaxConcurrentActivityExecutionSize(slots)
                        .build());
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        ItemActivitiesImpl activities =
                new ItemActivitiesImpl(engine, WorkflowResolver.of(workflow), tmp.resolve("cache-" + name), name);
        worker.registerActivitiesImplementations(activities);
        factory.start();
        closers.add(() -> {
            factory.shutdownNow();
            factory.awaitTermination(10, TimeUnit.SECONDS);
            activities.close();
            engine.close();
        });
    }

    /**
     * Starts a worker that takes one item and then goes silent, as a machine that died does: it never heartbeats
     * nor answers. {@code taken} counts down when it has the item.
     */
    void deadWorker(String name, CountDownLatch taken) {
        WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
        Worker worker = factory.newWorker(
                QUEUE,
                WorkerOptions.newBuilder()
                        .setMaxConcurrentActivityExecutionSize(1)
                        .build());
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        worker.registerActivitiesImplementations((ItemActivities) task -> {
            taken.countDown();
            try {
                releaseDead.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(name + " is dead; "
                    + Activity.getExecutionContext().getInfo().getActivityId() + " was never run");
        });
        factory.start();
        closers.add(() -> {
            factory.shutdownNow();
            factory.awaitTermination(10, TimeUnit.SECONDS);
        });
    }

    /** @return an executor builder against this cluster, with short heartbeat timeouts and progress reads */
    TemporalMapExecutor.Builder executor() {
        return TemporalMapExecutor.builder()
                .client(env.getWorkflowClient())
                .taskQueue(QUEUE)
                .heartbeatTimeout(Duration.ofSeconds(1))
                .progressInterval(Duration.ofMillis(100))
                .throttleDelay(Duration.ofMillis(200));
    }

    /** @return a coordinator on the repository with worktree isolation and {@code executor}; events are kept */
    Prodigy coordinator(TemporalMapExecutor executor) {
        WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(tmp.resolve("coord"));
        gitEnv.forEach(isolation::gitEnvironment);
        Prodigy p = Prodigy.builder()
                .workingDirectory(repo)
                .home(tmp.resolve("coord"))
                .isolation(isolation.build())
                .mapExecutor(executor)
                .listener(events::add)
                .build();
        closers.add(0, p::close);
        return p;
    }

    /** @return the subjects of main's commits */
    List<String> subjectsOnMain() throws IOException, InterruptedException {
        return Arrays.asList(git(repo, "log", "--format=%s", "main").split("\n"));
    }

    /** Asserts every item has exactly one commit on main. */
    void assertEachOnMainOnce(List<?> items) throws IOException, InterruptedException {
        List<String> subjects = subjectsOnMain();
        for (Object item : items) {
            assertThat(subjects.stream().filter(s -> s.equals("item " + item)).count())
                    .as("commits of item %s on main: %s", item, subjects)
                    .isEqualTo(1);
        }
    }

    String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(gitEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }

    /** Polls {@code condition} until it holds, failing after 60 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Object lock = new Object();
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            synchronized (lock) {
                lock.wait(20); // polling a condition with a deadline
            }
        }
    }

    @Override
    public void close() {
        releaseDead.countDown();
        for (Runnable c : closers) {
            c.run();
        }
        env.close();
    }
}
