package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's activity against real git and a real agent process, on Temporal's in-process test environment. */
class ItemActivitiesTest {
    private static final String QUEUE = "items";

    @TempDir
    Path tmp;

    private TestWorkflowEnvironment env;
    private ItemActivitiesImpl activities;
    private Prodigy engine;
    private Path remote;
    private Path marker;
    private Path installs;
    private final Map<String, String> gitEnv = new LinkedHashMap<>();
    /** What the worker publishes in place with; a test replaces it to stop a dispatch half-way. */
    private volatile InPlacePublication.Publisher publish = InPlacePublication::publish;

    @BeforeEach
    void setUp() throws Exception {
        Path config = tmp.resolve("gitconfig");
        Files.writeString(
                config,
                "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
        gitEnv.put("GIT_CONFIG_GLOBAL", config.toString());
        gitEnv.put("GIT_CONFIG_NOSYSTEM", "1");
        remote = Files.createDirectories(tmp.resolve("remote"));
        git(remote, "init", "-q");
        Files.writeString(remote.resolve("README.md"), "project\n");
        git(remote, "add", "-A");
        git(remote, "commit", "-q", "-m", "initial");
        git(remote, "update-ref", "refs/prodigy-base/run-1", "HEAD");
        marker = tmp.resolve("agent-runs.txt");
        installs = tmp.resolve("installs.txt");

        Workflow wf = Workflow.mapReduce("activity")
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of("x")))
                        .agentTemplate(
                                Step.shell("echo \"${item} $PWD\" >> " + installs)
                                        .oncePerWorktree(true)
                                        .build(),
                                Step.shell("echo ran >> " + marker + "; test \"${item}\" != broken || exit 3; "
                                                + "echo \"${item}\" > out-${item}.txt && git add out-${item}.txt "
                                                + "&& git commit -q -m \"item ${item}\" && echo committed ${item}")
                                        .build()))
                .build();
        engine = Prodigy.builder()
                .workingDirectory(tmp)
                .home(tmp.resolve("worker-home"))
                .eventLog(false)
                .build();
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ItemWorkflowImpl.class);
        activities = new ItemActivitiesImpl(
                engine,
                WorkflowResolver.of(wf),
                tmp.resolve("cache"),
                "worker-a",
                (target, base, head, tag, ref) -> publish.publish(target, base, head, tag, ref));
        worker.registerActivitiesImplementations(activities);
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
        activities.close();
        engine.close();
    }

    private ItemTask task(String item) {
        return task(item, 1);
    }

    private ItemTask task(String item, int attempt) {
        Map<String, String> environment = new LinkedHashMap<>(gitEnv);
        String ref = TemporalMapExecutor.itemRef(
                io.prodigy.api.spi.MapAttempt.builder("run-1", "activity", item, "\"" + item + "\"")
                        .attempt(attempt)
                        .build());
        return new ItemTask(
                "run-1",
                "activity",
                null,
                null,
                0,
                item,
                0,
                "\"" + item + "\"",
                attempt,
                Map.of(),
                environment,
                0,
                remote.toString(),
                "refs/prodigy-base/run-1",
                ref,
                5_000,
                3,
                1_000,
                null);
    }

    private ItemRecord run(String workflowId, ItemTask task) {
        return env.getWorkflowClient()
                .newWorkflowStub(
                        ItemWorkflow.class,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(QUEUE)
                                .setWorkflowId(workflowId)
                                .build())
                .run(task);
    }

    @Test
    void theWorkerPushesTheAgentsCommitsWithTheRecordAndNeverRunsAnItemTwice() throws Exception {
        ItemRecord first = run("first", task("x"));

        assertThat(first.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(first.recorded()).isFalse();
        assertThat(first.worker()).isEqualTo("worker-a");
        assertThat(first.output()).contains("committed x");
        String base = git(remote, "rev-parse", "refs/prodigy-base/run-1");
        assertThat(first.baseCommit()).isEqualTo(base);
        assertThat(git(remote, "rev-parse", "refs/prodigy/run-1/x@1^{commit}")).isEqualTo(first.commit());
        assertThat(git(remote, "log", "--format=%s", base + ".." + first.commit()))
                .isEqualTo("item x");
        assertThat(git(remote, "show", first.commit() + ":out-x.txt")).isEqualTo("x");
        assertThat(ItemActivitiesImpl.readRecord(remote, "refs/prodigy/run-1/x@1")
                        .commit())
                .isEqualTo(first.commit());

        // the completion was lost: a new start of the same attempt finds the ref and returns its record
        ItemRecord again = run("again", task("x"));

        assertThat(again.recorded()).isTrue();
        assertThat(again.commit()).isEqualTo(first.commit());
        assertThat(again.output()).isEqualTo(first.output());
        assertThat(Files.readAllLines(marker)).as("the agent ran once").hasSize(1);
    }

    @Test
    void aNewEngineAttemptRunsTheAgentAgainAndPushesToARefOfItsOwn() throws Exception {
        ItemRecord first = run("first", task("x", 1));
        // attempt 1's work could not be used (its merge conflicted, say): the engine's attempt 2 is new work
        ItemRecord second = run("second", task("x", 2));

        assertThat(second.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(second.recorded())
                .as("attempt 2 did not take attempt 1's result")
                .isFalse();
        assertThat(first.recorded()).isFalse();
        assertThat(Files.readAllLines(marker))
                .as("the agent ran once per attempt")
                .hasSize(2);
        assertThat(git(remote, "for-each-ref", "--format=%(refname)", "refs/prodigy/")
                        .lines()
                        .toList())
                .containsExactlyInAnyOrder("refs/prodigy/run-1/x@1", "refs/prodigy/run-1/x@2");
        assertThat(ItemActivitiesImpl.readRecord(remote, "refs/prodigy/run-1/x@2")
                        .commit())
                .isEqualTo(second.commit());

        // a lost completion of attempt 2 is still found: its agent does not run a third time
        ItemRecord again = run("second-again", task("x", 2));

        assertThat(again.recorded()).isTrue();
        assertThat(again.commit()).isEqualTo(second.commit());
        assertThat(Files.readAllLines(marker)).hasSize(2);
    }

    @Test
    void aWorkersReusedWorktreeRunsAOncePerWorktreeStepOnlyForItsFirstItem() throws Exception {
        for (String item : List.of("x", "y", "z")) {
            assertThat(run("item-" + item, task(item)).status()).isEqualTo(ItemRecord.SUCCEEDED);
        }

        assertThat(Files.readAllLines(marker)).hasSize(3);
        assertThat(Files.readAllLines(installs))
                .as("the worker's attempts, one after the other, reuse one warm worktree: it installs once")
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("x "));
    }

    @Test
    void aFailingAgentReturnsAFailureRecordAndPushesNothing() throws Exception {
        ItemRecord r = run("broken", task("broken"));

        assertThat(r.status()).isEqualTo(ItemRecord.FAILED);
        assertThat(r.errorKind()).isEqualTo("COMMAND_FAILED");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.commit()).isNull();
        assertThat(git(remote, "for-each-ref", "refs/prodigy/")).isEmpty();
    }

    @Test
    void intoARemoteOnThisMachineTheWorkLandsWithoutAPush() throws Exception {
        // the remote refuses every push: only the in-place publication can put the item there
        Path pushed = tmp.resolve("pushed.txt");
        Path hook = remote.resolve(".git/hooks/pre-receive");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/bin/sh\necho push >> '" + pushed + "'\nexit 1\n");
        hook.toFile().setExecutable(true);

        ItemRecord r = run("in-place", task("x"));

        assertThat(r.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(pushed).as("no push reached the remote").doesNotExist();
        assertThat(git(remote, "rev-parse", "refs/prodigy/run-1/x@1^{commit}")).isEqualTo(r.commit());
        assertThat(git(remote, "show", r.commit() + ":out-x.txt")).isEqualTo("x");
        assertThat(ItemActivitiesImpl.readRecord(remote, "refs/prodigy/run-1/x@1"))
                .isEqualTo(r.withDispatch(r.dispatch(), false));
        Path loose = remote.resolve(".git/objects")
                .resolve(r.commit().substring(0, 2))
                .resolve(r.commit().substring(2));
        assertThat(loose).as("the commit is in the remote's own object store").isRegularFile();
        // the remote stands alone: every object the new ref reaches is its own
        git(remote, "fsck", "--connectivity-only", "--no-dangling");
    }

    @Test
    void aWorkerKilledBetweenTheObjectsAndTheRefLeavesNoRefAndTheNextDispatchFinishes() throws Exception {
        List<Boolean> refSeenAfterObjects = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> firstHeads = new java.util.concurrent.CopyOnWriteArrayList<>();
        publish = (target, base, head, tag, ref) -> {
            if (firstHeads.isEmpty()) {
                firstHeads.add(head);
                assertThat(InPlacePublication.copyObjects(target, base, head))
                        .isEqualTo(InPlacePublication.Outcome.PUBLISHED);
                refSeenAfterObjects.add(Git.run(remote, null, "rev-parse", "--verify", "--quiet", ref)
                        .ok());
                throw new IllegalStateException("the worker died after writing the objects");
            }
            return InPlacePublication.publish(target, base, head, tag, ref);
        };

        ItemRecord r = run("killed", task("x"));

        assertThat(refSeenAfterObjects)
                .as("no ref before the record is complete")
                .containsExactly(false);
        assertThat(Files.exists(remote.resolve(".git/objects")
                        .resolve(firstHeads.get(0).substring(0, 2))
                        .resolve(firstHeads.get(0).substring(2))))
                .as("the first dispatch's objects were written")
                .isTrue();
        assertThat(r.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(r.dispatch()).as("the next dispatch finished the item").isEqualTo(2);
        assertThat(r.recorded()).isFalse();
        assertThat(Files.readAllLines(marker)).as("no ref: the agent ran again").hasSize(2);
        assertThat(git(remote, "rev-parse", "refs/prodigy/run-1/x@1^{commit}")).isEqualTo(r.commit());
        assertThat(ItemActivitiesImpl.readRecord(remote, "refs/prodigy/run-1/x@1")
                        .dispatch())
                .isEqualTo(2);
        git(remote, "fsck", "--connectivity-only", "--no-dangling");
    }

    @Test
    void aRefAnotherDispatchPublishedMeanwhileStandsAndItsRecordIsReturned() throws Exception {
        publish = (target, base, head, tag, ref) -> {
            // another dispatch of the same attempt (a worker thought dead) publishes first
            assertThat(InPlacePublication.publish(target, base, head, tag.replace("worker-a", "worker-b"), ref))
                    .isEqualTo(InPlacePublication.Outcome.PUBLISHED);
            InPlacePublication.Outcome second = InPlacePublication.publish(target, base, head, tag, ref);
            assertThat(second).isEqualTo(InPlacePublication.Outcome.ALREADY_PUBLISHED);
            return second;
        };

        ItemRecord r = run("raced", task("x"));

        assertThat(r.status()).isEqualTo(ItemRecord.SUCCEEDED);
        assertThat(r.recorded()).as("the result recorded at the ref").isTrue();
        assertThat(r.worker()).isEqualTo("worker-b");
        assertThat(ItemActivitiesImpl.readRecord(remote, "refs/prodigy/run-1/x@1")
                        .worker())
                .isEqualTo("worker-b");
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
