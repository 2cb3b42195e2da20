package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    @TempDir
    Path dir;

    private Workflow sequential() {
        return Workflow.sequential(
                "seq",
                Step.shell("echo once >> first.log; echo captured").capture("x").build(),
                Step.shell("[ -f ok ]").build(),
                Step.shell("echo ${x}-$1 >> third.log").build());
    }

    @Test
    void sequentialResumeSkipsFinishedStepsAndRestoresVariables() throws Exception {
        Prodigy p = Engines.on(dir).build();
        RunResult first = p.run(sequential(), RunOptions.builder().args("arg").build());
        assertThat(first.status()).isEqualTo(RunStatus.FAILED);
        assertThat(p.latestUnfinishedRun()).get().extracting(r -> r.runId()).isEqualTo(first.runId());
        Files.createFile(dir.resolve("ok"));
        RunResult resumed = p.resume(first.runId(), sequential(), ResumeOptions.DEFAULT);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.runId()).isEqualTo(first.runId());
        assertThat(Files.readAllLines(dir.resolve("first.log"))).containsExactly("once");
        assertThat(Files.readAllLines(dir.resolve("third.log"))).containsExactly("captured-arg");
        assertThat(p.latestUnfinishedRun()).isEmpty();
    }

    @Test
    void iterationsResumeInTheIterationThatStopped() throws Exception {
        Workflow wf = Workflow.sequential(
                "iterations",
                Step.shell("echo ${ITERATION} >> iterations.log").build(),
                Step.shell("[ -f ok ] || [ ${ITERATION} -lt 2 ]").build());
        Prodigy p = Engines.on(dir).build();
        RunResult first = p.run(wf, RunOptions.builder().maxIterations(3).build());
        assertThat(first.status()).isEqualTo(RunStatus.FAILED);
        assertThat(first.failure()).startsWith("iteration 2: ");
        Files.createFile(dir.resolve("ok"));
        RunResult resumed = p.resume(first.runId(), wf, ResumeOptions.DEFAULT);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        // iteration 1 and the first step of iteration 2 are not run again; the run's 3 iterations are kept
        assertThat(Files.readAllLines(dir.resolve("iterations.log"))).containsExactly("1", "2", "3");
    }

    @Test
    void mapResumeRunsOnlyItemsNotIntegrated() throws Exception {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(Map.of("n", i));
        }
        Workflow wf = Workflow.mapReduce("map-resume")
                .setup(Step.shell("echo setup >> setup.log"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(2)
                        .agentTemplate(Step.shell(
                                "[ ${item.n} -lt 2 ] || [ -f go ] || sleep 60; " + "echo ${item.n} >> done.log")))
                .reduce(Step.shell("echo ${map.successful}/${map.total} > reduce.txt"))
                .build();
        CountDownLatch twoDone = new CountDownLatch(2);
        Prodigy p = Engines.on(dir)
                .listener(e -> {
                    if (e instanceof RunEvent.ItemFinished f && f.status() == ItemStatus.SUCCEEDED) {
                        twoDone.countDown();
                    }
                })
                .build();
        RunHandle h = p.start(wf);
        assertThat(twoDone.await(30, TimeUnit.SECONDS)).isTrue();
        h.cancel();
        RunResult cancelled = h.result().get(30, TimeUnit.SECONDS);
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(Files.readAllLines(dir.resolve("done.log"))).containsExactlyInAnyOrder("0", "1");

        Files.createFile(dir.resolve("go"));
        RunResult resumed = p.resume(cancelled.runId(), wf, ResumeOptions.DEFAULT);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("done.log"))).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
        assertThat(Files.readAllLines(dir.resolve("setup.log"))).containsExactly("setup");
        assertThat(Files.readString(dir.resolve("reduce.txt")).strip()).isEqualTo("6/6");
        assertThat(resumed.items()).hasSize(6).allMatch(i -> i.status() == ItemStatus.SUCCEEDED);
    }

    @Test
    void resumeRefusesCompletedRunsChangedWorkflowsAndUnknownRuns() throws Exception {
        Prodigy p = Engines.on(dir).build();
        RunResult done = p.run(Workflow.sequential("done", Step.shell("true").build()));
        assertThatThrownBy(() -> p.resume(
                        done.runId(),
                        Workflow.sequential("done", Step.shell("true").build()),
                        ResumeOptions.DEFAULT))
                .isInstanceOf(ProdigyException.class)
                .hasMessageContaining("already completed");
        RunResult failed = p.run(sequential());
        Workflow changed = Workflow.sequential("seq", Step.shell("echo changed").build());
        assertThatThrownBy(() -> p.resume(failed.runId(), changed, ResumeOptions.DEFAULT))
                .hasMessageContaining("changed since run");
        Files.createFile(dir.resolve("ok"));
        assertThat(p.resume(failed.runId(), changed, new ResumeOptions(true, false))
                        .status())
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThatThrownBy(() -> p.resume("run-nope", changed, ResumeOptions.DEFAULT))
                .hasMessageContaining("no run 'run-nope'");
    }

    @Test
    void aResumedCommandInputGivesItemJsonTheSameValueAsTheFirstRun() throws Exception {
        // a command's plain output lines read as {"item": line} in ${item_json}; the resume takes the items from the
        // journal and must not change that (it once passed the bare string)
        Workflow wf = Workflow.mapReduce("lines")
                .map(MapPhase.builder()
                        .input(WorkInput.command("printf 'a\\nb\\nc\\n'"))
                        .maxParallel(1)
                        .agentTemplate(Step.shell("[ ${item} != c ] || [ -f go ] || sleep 60; "
                                + "printf '%s\\n' ${item_json} >> item_json.log")))
                .build();
        CountDownLatch twoDone = new CountDownLatch(2);
        Prodigy p = Engines.on(dir)
                .listener(e -> {
                    if (e instanceof RunEvent.ItemFinished f && f.status() == ItemStatus.SUCCEEDED) {
                        twoDone.countDown();
                    }
                })
                .build();
        RunHandle h = p.start(wf);
        assertThat(twoDone.await(30, TimeUnit.SECONDS)).isTrue();
        h.cancel();
        RunResult cancelled = h.result().get(30, TimeUnit.SECONDS);
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);

        Files.createFile(dir.resolve("go"));
        RunResult resumed = p.resume(cancelled.runId(), wf, ResumeOptions.DEFAULT);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("item_json.log")))
                .containsExactly("{\"item\":\"a\"}", "{\"item\":\"b\"}", "{\"item\":\"c\"}");
    }
}
