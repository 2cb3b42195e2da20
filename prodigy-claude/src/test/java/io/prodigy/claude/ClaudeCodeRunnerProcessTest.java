package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.claude.testing.ClaudeDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hangs, timeouts and interrupts: the runner ends them, and no process of the agent survives. */
class ClaudeCodeRunnerProcessTest {
    private static final Duration NO_SURVIVORS_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private ClaudeDouble claude;
    private Path workspace;
    private final List<AgentActivity> activities = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        claude = ClaudeDouble.install(tmp.resolve("double"));
        workspace = Files.createDirectories(tmp.resolve("workspace"));
    }

    @AfterEach
    void noProcessSurvives() throws Exception {
        assertThat(claude.awaitNoLiveProcesses(NO_SURVIVORS_WITHIN))
                .as("live processes of the double")
                .isEmpty();
    }

    private AgentRequest request(String command, Duration timeout) {
        return AgentRequest.builder(command, workspace)
                .timeout(timeout)
                .runId("run-1")
                .itemId("item-1")
                .stepLabel("hang")
                .stateDirectory(tmp.resolve("state"))
                .activity(activities::add)
                .build();
    }

    @Test
    void aHangIsEndedByTheTimeoutWithItsGrandchildren() throws Exception {
        AgentResult r =
                claude.runner().build().run(request("Work " + ClaudeDouble.scenario("hang"), Duration.ofMillis(1500)));
        assertThat(r.success()).isFalse();
        assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(r.errorMessage()).contains("did not finish within 1500ms").contains("process tree was terminated");
        assertThat(r.exitCode()).isEqualTo(143);
        assertThat(r.sessionId()).isEqualTo(claude.calls().get(0).sessionId());
        assertThat(r.output()).isEqualTo("Thinking");
        assertThat(claude.calls().get(0).children()).hasSize(1);
        assertThat(claude.awaitNoLiveProcesses(NO_SURVIVORS_WITHIN)).isEmpty();
    }

    @Test
    void aHangThatIgnoresSigtermIsKilled() throws Exception {
        long start = System.nanoTime();
        AgentResult r = claude.runner()
                .killGracePeriod(Duration.ofMillis(700))
                .build()
                .run(request("Work " + ClaudeDouble.scenario("hang_ignore_term"), Duration.ofMillis(1000)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1700));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(claude.calls().get(0).children()).hasSize(1);
        assertThat(claude.awaitNoLiveProcesses(NO_SURVIVORS_WITHIN)).isEmpty();
    }

    @Test
    void aSilentStartupIsEndedByTheStartupTimeout() throws Exception {
        AgentResult r = claude.runner()
                .startupTimeout(Duration.ofMillis(500))
                .build()
                .run(request("Work " + ClaudeDouble.scenario("hang_startup"), null));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(r.errorMessage()).contains("wrote nothing within 500ms of starting");
        assertThat(activities).isEmpty();
    }

    @Test
    void aSessionThatDoesNotExitAfterItsResultIsEndedAndItsResultStands() throws Exception {
        long start = System.nanoTime();
        AgentResult r = claude.runner()
                .resultGrace(Duration.ofMillis(400))
                .build()
                .run(request("Work " + ClaudeDouble.scenario("hang_after_result"), Duration.ofSeconds(30)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.success()).isTrue();
        assertThat(r.output()).isEqualTo("Done: Work fake:hang_after_result");
        assertThat(r.costUsd()).isEqualTo(0.0211);
        assertThat(r.exitCode()).isEqualTo(143);
        assertThat(claude.calls().get(0).children()).hasSize(1);
    }

    @Test
    void aSlowSessionPastItsTimeoutKeepsWhatItSaid() throws Exception {
        AgentResult r = claude.runner()
                .build()
                .run(request("Work " + ClaudeDouble.scenario("slow:400"), Duration.ofMillis(900)));
        assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(r.sessionId()).isNotNull();
        assertThat(activities).extracting(AgentActivity::type).startsWith("session_started");
        assertThat(activities).extracting(AgentActivity::type).doesNotContain("usage");
    }

    @Test
    void anInterruptTerminatesTheTreeAndPropagates() throws Exception {
        ClaudeCodeRunner runner = claude.runner().build();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread worker = new Thread(
                () -> {
                    try {
                        runner.run(AgentRequest.builder("Work " + ClaudeDouble.scenario("hang"), workspace)
                                .runId("run-1")
                                .itemId("item-1")
                                .stepLabel("hang")
                                .stateDirectory(tmp.resolve("state"))
                                .activity(a -> started.countDown())
                                .build());
                        outcome.complete(null);
                    } catch (Throwable t) {
                        outcome.complete(t);
                    }
                },
                "interrupted-agent");
        worker.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        worker.interrupt();
        Throwable thrown = outcome.get(15, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(InterruptedException.class);
        assertThat(claude.awaitNoLiveProcesses(NO_SURVIVORS_WITHIN)).isEmpty();
    }

    @Test
    void concurrentSessionsGetTheirOwnConfigDirectory() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Files.writeString(seed.resolve(".claude.json"), "{\"numStartups\": 3}");
        Files.writeString(seed.resolve(".credentials.json"), "{\"token\": \"t\"}");
        Files.createDirectories(seed.resolve("commands"));
        Files.writeString(seed.resolve("commands/fix.md"), "Fix $ARGUMENTS");
        Path base = tmp.resolve("config");
        ClaudeCodeRunner runner =
                claude.runner().configDirectoryPerWorker(base, seed).build();

        List<CompletableFuture<AgentResult>> runs = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        // three real threads: the common pool has a single worker on a 2-core machine
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(3);
        for (int i = 0; i < 3; i++) {
            String command = "Work " + i + " " + ClaudeDouble.scenario("slow:150");
            runs.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            go.await();
                            return runner.run(request(command, Duration.ofSeconds(20)));
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads));
        }
        go.countDown();
        threads.shutdown();
        for (CompletableFuture<AgentResult> run : runs) {
            assertThat(join(run).success()).isTrue();
        }
        List<ClaudeDouble.Call> calls = claude.calls();
        assertThat(calls).hasSize(3);
        for (ClaudeDouble.Call a : calls) {
            assertThat(a.env().get("CLAUDE_CONFIG_DIR")).startsWith(base.toString());
            for (ClaudeDouble.Call b : calls) {
                if (a != b && a.overlaps(b)) {
                    assertThat(a.env().get("CLAUDE_CONFIG_DIR"))
                            .isNotEqualTo(b.env().get("CLAUDE_CONFIG_DIR"));
                }
            }
        }
        assertThat(calls.get(0).overlaps(calls.get(1))
                        || calls.get(1).overlaps(calls.get(2))
                        || calls.get(0).overlaps(calls.get(2)))
                .as("the sessions ran at the same time")
                .isTrue();
        Path worker = Path.of(calls.get(0).env().get("CLAUDE_CONFIG_DIR"));
        assertThat(worker.resolve(".claude.json")).hasContent("{\"numStartups\": 3}");
        assertThat(worker.resolve(".credentials.json")).exists();
        assertThat(Files.isSymbolicLink(worker.resolve("commands"))).isTrue();
        // the double writes the CLI's own session log under CLAUDE_CONFIG_DIR/projects
        String project = workspace.toString().replaceAll("[^A-Za-z0-9]", "-");
        assertThat(worker.resolve("projects")
                        .resolve(project)
                        .resolve(calls.get(0).sessionId() + ".jsonl"))
                .exists();

        // one at a time, a single directory is reused
        runner.run(request("Again", Duration.ofSeconds(20)));
        runner.run(request("And again", Duration.ofSeconds(20)));
        List<ClaudeDouble.Call> later = claude.calls().subList(3, 5);
        assertThat(later.get(0).env().get("CLAUDE_CONFIG_DIR"))
                .isEqualTo(later.get(1).env().get("CLAUDE_CONFIG_DIR"));
        try (var dirs = Files.list(base)) {
            assertThat(dirs.count()).isBetween(2L, 3L);
        }
    }

    private static AgentResult join(CompletableFuture<AgentResult> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
