package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Backoff;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.MapPhase;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on_failure × retry matrix, in a plain stage and inside the map phase (where the Rust tool ignores most
 * of these keys).
 */
class FailureHandlingMatrixTest {
    @TempDir
    Path dir;

    private static final RetryPolicy FAST3 = RetryPolicy.builder()
            .maxAttempts(3)
            .backoff(Backoff.fixed())
            .initialDelay(Duration.ofMillis(1))
            .build();

    /** Fails until the counter file has {@code n} lines. */
    private static String flaky(int n) {
        return "echo x >> count; [ $(wc -l < count) -ge " + n + " ]";
    }

    private RunResult plain(Step step) {
        return Engines.on(dir).build().run(Workflow.sequential("m", step));
    }

    private RunResult mapped(Step step) {
        return Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("m")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(List.of(Map.of("k", 1))))
                                .agentTemplate(step))
                        .build());
    }

    private int count() throws Exception {
        return Files.exists(dir.resolve("count"))
                ? Files.readAllLines(dir.resolve("count")).size()
                : 0;
    }

    @Test
    void retrySucceedsWithinItsAttemptsInBothPhases() throws Exception {
        RunResult r = plain(Step.shell(flaky(3)).retry(FAST3).build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(count()).isEqualTo(3);
        Files.delete(dir.resolve("count"));
        RunResult m = mapped(Step.shell(flaky(3)).retry(FAST3).build());
        assertThat(m.items().get(0).succeeded()).isTrue();
        assertThat(count()).isEqualTo(3);
    }

    @Test
    void retryGivesUpAfterMaxAttempts() throws Exception {
        Engines.Recorder rec = new Engines.Recorder();
        RunResult r = Engines.on(dir)
                .listener(rec)
                .build()
                .run(Workflow.sequential("m", Step.shell(flaky(5)).retry(FAST3).build()));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(count()).isEqualTo(3);
        assertThat(rec.of(RunEvent.RetryScheduled.class))
                .extracting(RunEvent.RetryScheduled::nextAttempt)
                .containsExactly(2, 3);
    }

    @Test
    void retryOnSkipsFailuresThatDoNotMatch() throws Exception {
        RetryPolicy onlyNetwork = FAST3.toBuilder()
                .retryOn(RetryCondition.of(RetryCondition.Kind.NETWORK))
                .build();
        plain(Step.shell("echo x >> count; echo 'disk full' >&2; exit 1")
                .retry(onlyNetwork)
                .build());
        assertThat(count()).isEqualTo(1);
        Files.delete(dir.resolve("count"));
        plain(Step.shell("echo x >> count; echo 'connection refused' >&2; exit 1")
                .retry(onlyNetwork)
                .build());
        assertThat(count()).isEqualTo(3);
    }

    @Test
    void workflowDefaultRetryAppliesToStepsWithoutOne() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.builder("d")
                        .defaultRetry(FAST3)
                        .steps(Step.shell(flaky(2)).build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void onFailureIgnoreTurnsTheFailureIntoSuccess() {
        assertThat(plain(Step.shell("exit 1").onFailure(OnFailure.ignore()).build())
                        .status())
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(mapped(Step.shell("exit 1").onFailure(OnFailure.ignore()).build())
                        .items()
                        .get(0)
                        .succeeded())
                .isTrue();
    }

    @Test
    void onFailureFalseFails() {
        assertThat(plain(Step.shell("exit 1").onFailure(OnFailure.fail()).build())
                        .status())
                .isEqualTo(RunStatus.FAILED);
    }

    @Test
    void handlerSeesErrorVariablesAndRecoversTheStep() throws Exception {
        RunResult r = plain(Step.shell("echo broken >&2; exit 5")
                .name("build")
                .onFailure(OnFailure.run(
                        Step.shell("echo \"${error.exit_code}|${error.step}|${error.message}\" > handled.txt")
                                .build()))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("handled.txt")).strip()).isEqualTo("5|build|broken");
    }

    @Test
    void handlerWithFailWorkflowStillFails() throws Exception {
        RunResult r = plain(Step.shell("exit 1")
                .onFailure(OnFailure.run(Step.shell("touch cleaned").build()).failWorkflow(true))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(dir.resolve("cleaned")).exists();
    }

    @Test
    void failingHandlerFailsTheStepAndTheItem() {
        RunResult r = mapped(Step.shell("exit 1")
                .onFailure(OnFailure.run(Step.shell("exit 2").build()))
                .build());
        ItemResult item = r.items().get(0);
        assertThat(item.succeeded()).isFalse();
        assertThat(item.error().message()).contains("on_failure handler").contains("original failure");
    }

    @Test
    void retryOriginalRunsTheFixerThenTheStepUntilItPasses() throws Exception {
        // the test/debug loop: the fixer creates one more line per round; the test passes at 3
        RunResult r = mapped(Step.shell("[ -f fixed2 ]")
                .onFailure(OnFailure.run(Step.shell(
                                        "if [ -f fixed1 ]; then touch fixed2; else touch fixed1; fi; echo x >> count")
                                .build())
                        .retryOriginal(true)
                        .maxAttempts(5)
                        .failWorkflow(true))
                .build());
        assertThat(r.items().get(0).succeeded()).isTrue();
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void retryOriginalExhaustedFailsWithFailWorkflowOtherwiseRecovers() throws Exception {
        RunResult fail = plain(Step.shell("exit 1")
                .onFailure(OnFailure.run(Step.shell("echo x >> count").build())
                        .retryOriginal(true)
                        .maxAttempts(2)
                        .failWorkflow(true))
                .build());
        assertThat(fail.status()).isEqualTo(RunStatus.FAILED);
        assertThat(count()).isEqualTo(2);
        RunResult recover = plain(Step.shell("exit 1")
                .onFailure(OnFailure.run(Step.shell("true").build())
                        .retryOriginal(true)
                        .maxAttempts(2))
                .build());
        assertThat(recover.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void retryIsExhaustedBeforeOnFailureRuns() throws Exception {
        RunResult r = plain(Step.shell("echo x >> count; exit 1")
                .retry(FAST3)
                .onFailure(OnFailure.run(Step.shell("echo h >> handler").build()))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(count()).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("handler"))).hasSize(1);
    }

    @Test
    void onExitCodeHandlesSpecificCodes() throws Exception {
        RunResult r = plain(Step.shell("exit 42")
                .onExitCode(42, List.of(Step.shell("touch forty-two").build()))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("forty-two")).exists();
        RunResult other = plain(Step.shell("exit 3")
                .onExitCode(42, List.of(Step.shell("true").build()))
                .build());
        assertThat(other.status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void onSuccessRunsAfterSuccessAndItsFailureFailsTheStep() throws Exception {
        RunResult ok = mapped(Step.shell("true")
                .onSuccess(Step.shell("touch after-success").build())
                .build());
        assertThat(ok.items().get(0).succeeded()).isTrue();
        assertThat(dir.resolve("after-success")).exists();
        RunResult bad =
                plain(Step.shell("true").onSuccess(Step.shell("exit 9").build()).build());
        assertThat(bad.status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void timeoutIsRetriedAsATransientFailure() throws Exception {
        RunResult r = plain(Step.shell("echo x >> count; [ $(wc -l < count) -ge 2 ] || sleep 30")
                .timeout(Duration.ofMillis(300))
                .retry(FAST3)
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void everyKeyWorksInSetupAndReduceToo() throws Exception {
        Workflow wf = Workflow.mapReduce("phases")
                .setup(
                        Step.shell(flaky(2)).retry(FAST3).capture("s").build(),
                        Step.shell("touch skipped-setup").when("1 == 2").build())
                .map(MapPhase.builder().input(WorkInput.values(List.of("a"))).agentTemplate(Step.shell("true")))
                .reduce(Step.shell("exit 3")
                        .onFailure(
                                OnFailure.run(Step.shell("touch reduce-handled").build()))
                        .build())
                .build();
        RunResult r = Engines.on(dir).build().run(wf);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("skipped-setup")).doesNotExist();
        assertThat(dir.resolve("reduce-handled")).exists();
        assertThat(r.steps()).anyMatch(s -> s.phase().equals("setup") && s.skipped());
        assertThat(ErrorKind.TIMEOUT.isTransient()).isTrue();
    }
}
