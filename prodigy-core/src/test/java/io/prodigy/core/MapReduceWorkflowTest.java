package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.CircuitBreakerPolicy;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ProgressSnapshot;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.DlqEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapReduceWorkflowTest {
    @TempDir
    Path dir;

    private static List<Object> numbers(int n) {
        List<Object> items = new ArrayList<>();
        IntStream.range(0, n).forEach(i -> items.add(Map.of("n", i)));
        return items;
    }

    @Test
    void theHostExampleReadsFiltersSortsRunsAndReduces() throws Exception {
        Files.writeString(
                dir.resolve("items.json"),
                "{\"items\": [{\"name\": \"a\", \"score\": 3},"
                        + "{\"name\": \"b\", \"score\": 9}, {\"name\": \"c\", \"score\": 5}, {\"name\": \"d\", \"score\": 7},"
                        + "{\"name\": \"e\", \"score\": null}]}");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Prodigy p = Engines.on(dir)
                .agentRunner(req -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        return AgentResult.builder()
                                .success(true)
                                .output("fixed " + req.command())
                                .costUsd(0.5)
                                .build();
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build();
        Workflow wf = Workflow.mapReduce("host")
                .map(MapPhase.builder()
                        .input(WorkInput.jsonFile("items.json", "$.items[*]"))
                        .filter("score >= 5")
                        .sortBy("score DESC")
                        .maxParallel(4)
                        .agentTemplate(Step.shell("echo ${item.name} >> seen.txt"), Step.agent("/fix ${item.name}")))
                .reduce(Step.shell("echo ${map.successful}/${map.total}/${map.failed}")
                        .capture("summary"))
                .build();
        RunResult r = p.run(wf);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items())
                .extracting(ItemResult::itemJson)
                .containsExactly(
                        "{\"name\":\"b\",\"score\":9}", "{\"name\":\"d\",\"score\":7}", "{\"name\":\"c\",\"score\":5}");
        assertThat(r.items())
                .allMatch(i -> i.succeeded() && i.attempts() == 1 && i.output().startsWith("fixed /fix"));
        assertThat(r.variables().get("summary")).isEqualTo("3/3/0");
        assertThat(r.summary().total()).isEqualTo(3);
        assertThat(r.summary().costUsd()).isEqualTo(1.5);
        assertThat(maxRunning.get()).isLessThanOrEqualTo(4);
        assertThat(Files.readAllLines(dir.resolve("seen.txt"))).containsExactlyInAnyOrder("b", "c", "d");
        assertThat(r.variables().get("map.results"))
                .contains("\"item_id\":\"item_0\"")
                .contains("\"status\":\"Success\"")
                .contains("\"duration\":{\"secs\":");
    }

    @Test
    void theResultsOfAHugeRunStayInItsItemsNotInOneRenderedVariable() {
        int n = 10_001;
        Prodigy p = Engines.on(dir)
                .eventLog(false)
                .agentRunner(req -> AgentResult.builder().success(true).build())
                .build();
        Workflow wf = Workflow.mapReduce("huge")
                .map(MapPhase.builder()
                        .input(WorkInput.values(
                                java.util.stream.IntStream.range(0, n).boxed().toList()))
                        .maxParallel(8)
                        .agentTemplate(Step.agent("/noop ${item}")))
                .reduce(Step.shell("echo ${map.successful}").capture("ok"))
                .build();
        RunResult r = p.run(wf);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).hasSize(n);
        assertThat(r.variables())
                .containsEntry("ok", String.valueOf(n))
                .containsEntry("map.total", String.valueOf(n))
                .doesNotContainKey("map.results");
    }

    @Test
    void maxParallelBoundsConcurrencyAndIsReached() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch threeTogether = new CountDownLatch(3);
        Prodigy p = Engines.on(dir)
                .agentRunner(req -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    threeTogether.countDown();
                    try {
                        threeTogether.await(5, TimeUnit.SECONDS);
                        return AgentResult.success("ok");
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build();
        RunResult r = p.run(Workflow.mapReduce("par")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(12)))
                        .maxParallel(3)
                        .agentTemplate(Step.agent("/x ${item.n}")))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(maxRunning.get()).isEqualTo(3);
    }

    @Test
    void commandInputLinesAndJsonAndDetection() throws Exception {
        Prodigy p = Engines.on(dir).build();
        RunResult lines = p.run(Workflow.mapReduce("lines")
                .map(MapPhase.builder()
                        .input(WorkInput.command("printf 'src/a.rs\\nsrc/b.rs\\n\\n'"))
                        .agentTemplate(Step.shell("echo ${item}:${item.item}").capture("o")))
                .build());
        assertThat(lines.items())
                .extracting(ItemResult::output)
                .containsExactly("src/a.rs:src/a.rs\n", "src/b.rs:src/b.rs\n");
        Files.writeString(dir.resolve("work.json"), "[{\"id\": \"x\"}, {\"id\": \"y\"}]");
        RunResult detected = p.run(Workflow.mapReduce("detect")
                .map(MapPhase.builder()
                        .input(WorkInput.detect("work.json", ""))
                        .idField("id")
                        .agentTemplate(Step.shell("echo ${item_id}")))
                .build());
        assertThat(detected.items()).extracting(ItemResult::itemId).containsExactly("x", "y");
        RunResult json = p.run(Workflow.mapReduce("json")
                .map(MapPhase.builder()
                        .input(WorkInput.detect("echo '[{\"k\": 1}, {\"k\": 2}]'", ""))
                        .agentTemplate(Step.shell("echo ${item.k}")))
                .build());
        assertThat(json.items()).extracting(ItemResult::output).containsExactly("1\n", "2\n");
    }

    @Test
    void pipelineAppliesDistinctOffsetAndMaxItemsAfterSort() {
        List<Object> items = List.of(
                Map.of("g", "a", "v", 1),
                Map.of("g", "a", "v", 2),
                Map.of("g", "b", "v", 3),
                Map.of("g", "c", "v", 4),
                Map.of("g", "d", "v", 5));
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("pipe")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(items))
                                .sortBy("v DESC")
                                .distinct("g")
                                .offset(1)
                                .maxItems(2)
                                .agentTemplate(Step.shell("echo ${item.v}")))
                        .build());
        assertThat(r.items()).extracting(ItemResult::output).containsExactly("4\n", "3\n");
    }

    @Test
    void failedItemsGoToTheDlqWithoutStoppingOthers() {
        Prodigy p = Engines.on(dir).build();
        RunResult r = p.run(Workflow.mapReduce("dlq")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(6)))
                        .maxParallel(2)
                        .agentTemplate(Step.shell("[ $(( ${item.n} % 3 )) -ne 0 ] || { echo odd item >&2; exit 7; }")))
                .reduce(Step.shell("echo ${map.successful} ok ${map.failed} failed")
                        .capture("r"))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(r.variables().get("r")).isEqualTo("4 ok 2 failed");
        List<DlqEntry> dlq = p.dlq().list(r.runId());
        assertThat(dlq).extracting(DlqEntry::itemId).containsExactlyInAnyOrder("item_0", "item_3");
        assertThat(dlq.get(0).lastAttempt().errorKind()).isEqualTo(ErrorKind.COMMAND_FAILED);
        assertThat(dlq.get(0).lastAttempt().exitCode()).isEqualTo(7);
        assertThat(dlq.get(0).lastAttempt().message()).contains("odd item");
        assertThat(r.items().stream().filter(i -> i.status() == ItemStatus.FAILED))
                .allMatch(ItemResult::deadLettered);
        assertThat(r.summary().deadLettered()).isEqualTo(2);
    }

    @Test
    void aFailingStepFailsTheItemEvenWithoutOnFailure() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("fail-stops-item")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(1)))
                                .agentTemplate(Step.shell("exit 1"), Step.shell("touch after")))
                        .build());
        assertThat(r.items().get(0).status()).isEqualTo(ItemStatus.FAILED);
        assertThat(dir.resolve("after")).doesNotExist();
    }

    @Test
    void skipPolicyKeepsFailuresOutOfTheDlq() {
        Prodigy p = Engines.on(dir).build();
        RunResult r = p.run(Workflow.mapReduce("skip")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(3)))
                        .agentTemplate(Step.shell("[ ${item.n} -ne 1 ]")))
                .errorPolicy(ErrorPolicy.builder()
                        .onItemFailure(ItemFailureAction.SKIP)
                        .build())
                .build());
        assertThat(r.summary().failed()).isEqualTo(1);
        assertThat(p.dlq().list(r.runId())).isEmpty();
    }

    @Test
    void maxFailuresStopsThePhaseAndSkipsReduce() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("maxf")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(20)))
                                .maxParallel(1)
                                .agentTemplate(Step.shell("exit 1")))
                        .reduce(Step.shell("touch reduced"))
                        .errorPolicy(ErrorPolicy.builder().maxFailures(2).build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).contains("max_failures");
        assertThat(r.summary().failed()).isEqualTo(3);
        assertThat(r.summary().notRun()).isEqualTo(17);
        assertThat(dir.resolve("reduced")).doesNotExist();
    }

    @Test
    void continueOnFailureFalseStopsAtTheFirstFailure() {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("stop")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(10)))
                                .maxParallel(1)
                                .agentTemplate(Step.shell("[ ${item.n} -ne 2 ]")))
                        .errorPolicy(
                                ErrorPolicy.builder().continueOnFailure(false).build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.summary().succeeded()).isEqualTo(2);
        assertThat(r.summary().failed()).isEqualTo(1);
        assertThat(r.summary().notRun()).isEqualTo(7);
    }

    @Test
    void failureThresholdStopsOnceTenItemsFinished() {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("rate")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(40)))
                                .maxParallel(1)
                                .agentTemplate(Step.shell("[ $(( ${item.n} % 2 )) -eq 0 ]")))
                        .errorPolicy(ErrorPolicy.builder().failureThreshold(0.3).build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.summary().succeeded() + r.summary().failed()).isEqualTo(10);
        assertThat(r.failure()).contains("failure_threshold");
    }

    @Test
    void itemRetryRunsTheWholeTemplateAgain() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("retry")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(1)))
                                .agentTemplate(Step.shell("echo x >> attempts; [ $(wc -l < attempts) -ge 3 ]")))
                        .errorPolicy(ErrorPolicy.builder()
                                .onItemFailure(ItemFailureAction.RETRY)
                                .itemRetry(RetryPolicy.builder()
                                        .maxAttempts(3)
                                        .initialDelay(Duration.ofMillis(1))
                                        .build())
                                .build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items().get(0).attempts()).isEqualTo(3);
    }

    @Test
    void circuitBreakerPausesDispatchAndLetsTrialsThrough() {
        Engines.Recorder rec = new Engines.Recorder();
        RunResult r = Engines.on(dir)
                .listener(rec)
                .build()
                .run(Workflow.mapReduce("cb")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(8)))
                                .maxParallel(1)
                                .agentTemplate(Step.shell("[ ${item.n} -ge 3 ]")))
                        .errorPolicy(ErrorPolicy.builder()
                                .circuitBreaker(new CircuitBreakerPolicy(2, 1, Duration.ofMillis(100), 1))
                                .build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(r.summary().failed()).isEqualTo(3);
        assertThat(r.summary().succeeded()).isEqualTo(5);
    }

    @Test
    void agentTimeoutBoundsTheWholeItem() {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("agent-timeout")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(2)))
                                .agentTimeout(Duration.ofMillis(500))
                                .agentTemplate(Step.shell("sleep 0.1"), Step.shell("sleep 30")))
                        .build());
        assertThat(r.items()).allSatisfy(i -> {
            assertThat(i.status()).isEqualTo(ItemStatus.FAILED);
            assertThat(i.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        });
    }

    @Test
    void setupCapturesFlowIntoMapAndReduce() {
        Workflow wf = Workflow.mapReduce("setup")
                .setup(
                        Step.shell("echo 'version: 1.2.3'"),
                        Step.shell("echo prefix").capture("pfx"))
                .captureOutput(
                        "version", new SetupCapture(0, SetupCapture.Source.STDOUT, "version: (\\S+)", null, null, null))
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .agentTemplate(Step.shell("echo ${pfx}-${version}-${item.n}")))
                .reduce(Step.shell("echo ${version} ${map.total}").capture("r"))
                .build();
        RunResult r = Engines.on(dir).build().run(wf);
        assertThat(r.items()).extracting(ItemResult::output).containsExactly("prefix-1.2.3-0\n", "prefix-1.2.3-1\n");
        assertThat(r.variables().get("r")).isEqualTo("1.2.3 2");
    }

    @Test
    void failingSetupFailsTheRunBeforeMap() {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("bad-setup")
                        .setup(Step.shell("exit 4"))
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(2)))
                                .agentTemplate(Step.shell("true")))
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).startsWith("setup failed");
        assertThat(r.items()).isEmpty();
    }

    @Test
    void badInputsFailWithActionableMessages() {
        Prodigy p = Engines.on(dir).build();
        RunResult missing = p.run(Workflow.mapReduce("missing")
                .map(MapPhase.builder()
                        .input(WorkInput.jsonFile("nope.json", "$[*]"))
                        .agentTemplate(Step.shell("true")))
                .build());
        assertThat(missing.status()).isEqualTo(RunStatus.FAILED);
        assertThat(missing.failure()).contains("nope.json");
        RunResult badFilter = p.run(Workflow.mapReduce("badfilter")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .filter("n >= >= 1")
                        .agentTemplate(Step.shell("true")))
                .build());
        assertThat(badFilter.status()).isEqualTo(RunStatus.FAILED);
        assertThat(badFilter.failure()).contains("column").contains("^");
    }

    @Test
    void scratchDirectoriesIsolateItemsAndKeepFailedOnes() throws Exception {
        Prodigy p =
                Engines.on(dir).isolation(DirectoryIsolation.scratchPerItem()).build();
        RunResult r = p.run(Workflow.mapReduce("scratch")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(3)))
                        .agentTemplate(Step.shell("touch mine; [ $(ls | wc -l) -eq 1 ] && [ ${item.n} -ne 2 ]")))
                .build());
        assertThat(r.summary().succeeded()).isEqualTo(2);
        ItemResult failed = r.item("item_2");
        assertThat(failed.workspace()).isNotNull();
        assertThat(failed.workspace().resolve("mine")).exists();
        assertThat(p.dlq().find(r.runId(), "item_2"))
                .get()
                .extracting(DlqEntry::workspace)
                .isEqualTo(failed.workspace());
        assertThat(dir.resolve("mine")).doesNotExist();
    }

    @Test
    void chainedStagesSeeEarlierAggregates() {
        Stage.MapReduce first = (Stage.MapReduce) Workflow.mapReduce("m1")
                .map(MapPhase.builder().input(WorkInput.values(numbers(3))).agentTemplate(Step.shell("true")))
                .build()
                .stages()
                .get(0);
        Workflow wf = Workflow.builder("chain")
                .stage(first)
                .steps(Step.shell("echo after ${map.successful}")
                        .capture("after")
                        .build())
                .build();
        RunResult r = Engines.on(dir).build().run(wf);
        assertThat(r.variables().get("after")).isEqualTo("after 3");
    }

    @Test
    void tenThousandItemsWithANoOpAgent() {
        Prodigy p = Engines.on(dir).agentRunner(req -> AgentResult.success("")).build();
        RunResult r = p.run(Workflow.mapReduce("scale")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(10_000)))
                        .maxParallel(8)
                        .agentTemplate(Step.agent("/noop ${item.n}")))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.summary().succeeded()).isEqualTo(10_000);
        assertThat(r.items()).extracting(ItemResult::itemId).doesNotHaveDuplicates();
        assertThat(r.summary().throughputPerSecond()).isPositive();
    }

    @Test
    void cancelStopsDispatchKillsRunningStepsAndReportsFinishedWork() throws Exception {
        Engines.Recorder rec = new Engines.Recorder();
        CountDownLatch twoDone = new CountDownLatch(2);
        CountDownLatch fourStarted = new CountDownLatch(4);
        Prodigy p = Engines.on(dir)
                .listener(e -> {
                    rec.onEvent(e);
                    if (e instanceof RunEvent.ItemFinished) {
                        twoDone.countDown();
                    }
                    if (e instanceof RunEvent.StepStarted s && s.itemId() != null) {
                        fourStarted.countDown();
                    }
                })
                .build();
        RunHandle h = p.start(
                Workflow.mapReduce("cancel")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(50)))
                                .maxParallel(2)
                                .agentTemplate(Step.shell("[ ${item.n} -lt 2 ] || sleep 60")))
                        .build(),
                RunOptions.DEFAULT);
        assertThat(twoDone.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(fourStarted.await(20, TimeUnit.SECONDS)).isTrue();
        h.cancel();
        RunResult r = h.result().get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(r.summary().succeeded()).isEqualTo(2);
        assertThat(r.items())
                .filteredOn(i -> i.status() == ItemStatus.CANCELLED)
                .hasSizeBetween(1, 2);
        assertThat(r.summary().notRun()).isGreaterThanOrEqualTo(46);
        ProgressSnapshot snap = h.progress();
        assertThat(snap.running()).isZero();
        assertThat(snap.phase()).isEqualTo("done");
    }

    @Test
    void progressAndEventsDescribeTheRun() throws Exception {
        Engines.Recorder rec = new Engines.Recorder();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(2);
        Prodigy p = Engines.on(dir)
                .listener(rec)
                .agentRunner(req -> {
                    started.countDown();
                    release.await();
                    return AgentResult.success("ok");
                })
                .build();
        RunHandle h = p.start(Workflow.mapReduce("progress")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(5)))
                        .maxParallel(2)
                        .agentTemplate(Step.agent("/x")))
                .build());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        ProgressSnapshot mid = h.progress();
        assertThat(mid.phase()).isEqualTo("map");
        assertThat(mid.total()).isEqualTo(5);
        assertThat(mid.running()).isEqualTo(2);
        assertThat(mid.pending()).isEqualTo(3);
        release.countDown();
        RunResult r = h.await();
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.progress().succeeded()).isEqualTo(5);
        assertThat(rec.of(RunEvent.RunStarted.class)).hasSize(1);
        assertThat(rec.of(RunEvent.ItemsResolved.class).get(0).total()).isEqualTo(5);
        assertThat(rec.of(RunEvent.ItemStarted.class)).hasSize(5);
        assertThat(rec.of(RunEvent.ItemFinished.class)).hasSize(5);
        assertThat(rec.of(RunEvent.RunFinished.class).get(0).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rec.events.get(rec.events.size() - 1)).isInstanceOf(RunEvent.RunFinished.class);
        assertThat(r.summary().parallelEfficiency()).isBetween(0.0, 1.0);
    }

    @Test
    void anAuthenticationFailureStopsDispatchingAndTellsTheUser() {
        RunResult r = Engines.on(dir)
                .agentRunner(req -> req.command().endsWith(" 2")
                        ? AgentResult.failure(ErrorKind.AUTHENTICATION, "Invalid API key")
                        : AgentResult.success("ok"))
                .build()
                .run(Workflow.mapReduce("auth")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(numbers(10)))
                                .maxParallel(1)
                                .agentTemplate(Step.agent("/x ${item.n}")))
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.failure()).contains("AUTHENTICATION").contains("credentials");
        assertThat(r.summary().succeeded()).isEqualTo(2);
        assertThat(r.summary().notRun()).isEqualTo(7);
    }

    @Test
    void mapResultsHaveTheRustToolsAgentResultShape() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("shape")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(List.of("ok", "bad")))
                                .agentTemplate(Step.shell("[ ${item} = ok ]")))
                        .reduce(Step.writeFile("results.json", "${map.results}").build())
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        com.fasterxml.jackson.databind.JsonNode results = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("results.json").toFile());
        assertThat(results).hasSize(2);
        com.fasterxml.jackson.databind.JsonNode ok =
                results.get(0).path("item_id").asText().equals("item_0") ? results.get(0) : results.get(1);
        com.fasterxml.jackson.databind.JsonNode bad = ok == results.get(0) ? results.get(1) : results.get(0);
        assertThat(ok.path("status").asText()).isEqualTo("Success");
        assertThat(ok.path("error").isNull()).isTrue();
        assertThat(ok.path("item_status").asText()).isEqualTo("succeeded");
        assertThat(bad.path("status").path("Failed").asText()).contains("exited with code 1");
        assertThat(bad.path("error").asText()).contains("exited with code 1");
        assertThat(bad.path("error_kind").asText()).isEqualTo("COMMAND_FAILED");
        for (com.fasterxml.jackson.databind.JsonNode e : results) {
            assertThat(e.path("duration").path("secs").isIntegralNumber()).isTrue();
            assertThat(e.path("duration").path("nanos").isIntegralNumber()).isTrue();
            assertThat(e.has("files_modified")).isTrue();
            assertThat(e.has("worktree_path")).isTrue();
            assertThat(e.has("branch_name")).isTrue();
            assertThat(e.has("json_log_location")).isTrue();
            assertThat(e.path("duration_ms").isIntegralNumber()).isTrue();
        }
    }
}
