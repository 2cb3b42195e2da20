package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptContext;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.MapExecutor;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seam where map item attempts execute: what an executor gets, and what the engine does with its outcome. */
class MapExecutorSeamTest {
    @TempDir
    Path tmp;

    private static Workflow workflow() {
        return Workflow.mapReduce("seam")
                .env("GREETING", "hello")
                .secret("API_TOKEN", "s3cr3t-value")
                .setup(Step.shell("echo from-setup").capture("prepared"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of("a", "b", "c")))
                        .agentTemplate(Step.shell("echo \"$GREETING ${item} ${prepared}\" > out-${item}.txt")))
                .build();
    }

    /** Records the attempts and runs them here, through the context. */
    static final class Recording implements MapExecutor {
        final List<MapAttempt> attempts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public MapAttemptOutcome attempt(MapAttempt attempt, MapAttemptContext context) throws InterruptedException {
            attempts.add(attempt);
            return context.runHere(context.acquireWorkspace());
        }
    }

    @Test
    void aCustomExecutorRunsEveryAttemptAndItsPayloadCarriesNoSecret() throws Exception {
        Recording executor = new Recording();
        try (Prodigy p = Engines.on(tmp).mapExecutor(executor).build()) {
            RunResult r = p.run(workflow());

            assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(executor.attempts)
                    .extracting(MapAttempt::itemJson)
                    .containsExactlyInAnyOrder("\"a\"", "\"b\"", "\"c\"");
            for (MapAttempt a : executor.attempts) {
                assertThat(a.runId()).isEqualTo(r.runId());
                assertThat(a.attempt()).isEqualTo(1);
                assertThat(a.workflowHash()).isNotBlank();
                assertThat(a.variables())
                        .containsEntry("prepared", "\"from-setup\"")
                        .containsKey("GREETING")
                        .doesNotContainKey("API_TOKEN");
                assertThat(a.environment()).containsEntry("GREETING", "hello").doesNotContainKey("API_TOKEN");
                assertThat(String.valueOf(a.variables()) + a.environment() + a.itemJson())
                        .doesNotContain("s3cr3t-value");
                assertThat(a.environment()).doesNotContainKey("PATH"); // not the coordinator's process environment
            }
            assertThat(Files.readString(tmp.resolve("out-b.txt")).strip()).isEqualTo("hello b from-setup");
        }
    }

    @Test
    void aRemoteStyleOutcomeIsIntegratedAndItsRedispatchesCountAsAttempts() throws Exception {
        MapExecutor remote = (attempt, context) -> {
            Workspace ws = context.acquireWorkspace();
            try {
                Files.writeString(ws.directory().resolve("remote-" + attempt.itemId() + ".txt"), attempt.itemJson());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return MapAttemptOutcome.builder()
                    .workspace(ws)
                    .output("done elsewhere")
                    .costUsd(0.25)
                    .tokens(new TokenUsage(1, 2, 0, 0))
                    .dispatches(attempt.itemIndex() == 0 ? 2 : 1)
                    .build();
        };
        try (Prodigy p = Engines.on(tmp).mapExecutor(remote).build()) {
            RunResult r = p.run(workflow());

            assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            ItemResult first = r.items().get(0);
            assertThat(first.attempts())
                    .as("a worker died once: dispatched twice")
                    .isEqualTo(2);
            assertThat(r.items().subList(1, 3)).extracting(ItemResult::attempts).containsOnly(1);
            assertThat(r.items()).extracting(ItemResult::output).containsOnly("done elsewhere");
            assertThat(r.summary().costUsd()).isEqualTo(0.75);
        }
    }

    @Test
    void aFailedOutcomeGoesThroughTheErrorPolicyAndAnExecutorFailureFailsOnlyItsItem() throws Exception {
        MapExecutor failing = (attempt, context) -> {
            if (attempt.itemJson().equals("\"a\"")) {
                throw new io.prodigy.api.IsolationException("the cluster is unreachable");
            }
            if (attempt.itemJson().equals("\"b\"")) {
                return MapAttemptOutcome.failed(null, new ItemError(ErrorKind.COMMAND_FAILED, "agent failed", 1, null));
            }
            return context.runHere(context.acquireWorkspace());
        };
        try (Prodigy p = Engines.on(tmp).mapExecutor(failing).build()) {
            RunResult r = p.run(workflow());

            assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
            assertThat(r.items())
                    .extracting(ItemResult::status)
                    .containsExactly(ItemStatus.FAILED, ItemStatus.FAILED, ItemStatus.SUCCEEDED);
            assertThat(r.items().get(0).error().message()).contains("the cluster is unreachable");
            assertThat(p.dlq().list(r.runId())).hasSize(2);
        }
    }

    @Test
    void aNullExecutorIsRefusedByName() {
        assertThatThrownBy(() -> Prodigy.builder().mapExecutor(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mapExecutor");
    }
}
