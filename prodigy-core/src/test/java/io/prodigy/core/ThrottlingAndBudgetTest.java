package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrottlingAndBudgetTest {
    @TempDir
    Path dir;

    private static Workflow agents(int n, int parallel) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(Map.of("n", i));
        }
        return Workflow.mapReduce("agents")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(parallel)
                        .agentTemplate(Step.agent("/work ${item.n}")))
                .build();
    }

    /**
     * A scripted agent runner that counts the agents inside it at once. The first four agents wait for each other
     * (so four really run together); the first one then answers 429; the three others hold until the throttle is
     * recorded and then until another agent starts (at most 500 ms), then end. Every later agent holds until {@code target} agents are inside or 150 ms pass, so that
     * whatever the limit allows really overlaps, on an idle or a loaded machine.
     */
    private static final class ScriptedAgents implements io.prodigy.api.spi.AgentRunner {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxBeforeThrottle = new AtomicInteger();
        final List<Integer> afterThrottle = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.CountDownLatch firstFour = new java.util.concurrent.CountDownLatch(4);
        final java.util.concurrent.CountDownLatch throttleRecorded = new java.util.concurrent.CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final boolean laterAgentsFail;

        ScriptedAgents(boolean laterAgentsFail) {
            this.laterAgentsFail = laterAgentsFail;
        }

        @Override
        public AgentResult run(io.prodigy.api.spi.AgentRequest req) throws InterruptedException {
            int call = calls.incrementAndGet();
            int now = inside.incrementAndGet();
            try {
                if (call <= 4) {
                    maxBeforeThrottle.accumulateAndGet(now, Math::max);
                    firstFour.countDown();
                    firstFour.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    maxBeforeThrottle.accumulateAndGet(inside.get(), Math::max);
                    if (call == 1) {
                        return AgentResult.builder()
                                .success(false)
                                .errorKind(ErrorKind.RATE_LIMITED)
                                .errorMessage("429 rate limited")
                                .costUsd(0.0)
                                .build();
                    }
                    throttleRecorded.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    // stay inside a while: an agent that starts now (the throttled item's retry) would make four
                    long until = System.nanoTime() + 500_000_000L;
                    while (calls.get() <= 4 && System.nanoTime() < until) {
                        Thread.sleep(2);
                    }
                    if (laterAgentsFail) {
                        return AgentResult.failure(ErrorKind.COMMAND_FAILED, "scripted failure");
                    }
                    return AgentResult.builder()
                            .success(true)
                            .output("ok")
                            .costUsd(0.01)
                            .tokens(new TokenUsage(10, 5, 0, 0))
                            .build();
                }
                afterThrottle.add(now);
                long deadline = System.nanoTime() + 150_000_000L;
                while (inside.get() < 4 && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                return laterAgentsFail
                        ? AgentResult.failure(ErrorKind.COMMAND_FAILED, "scripted failure")
                        : AgentResult.builder()
                                .success(true)
                                .output("ok")
                                .costUsd(0.01)
                                .tokens(new TokenUsage(10, 5, 0, 0))
                                .build();
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    private Prodigy throttledEngine(ScriptedAgents agents, Engines.Recorder rec) {
        return Engines.on(dir)
                .listener(rec)
                .listener(e -> {
                    if (e instanceof RunEvent.Throttled) {
                        agents.throttleRecorded.countDown();
                    }
                })
                .throttleDelay(Duration.ofMillis(5))
                .agentRunner(agents)
                .build();
    }

    @Test
    void afterA429NoMoreAgentsRunAtOnceThanTheNewLimit() {
        ScriptedAgents agents = new ScriptedAgents(true);
        Engines.Recorder rec = new Engines.Recorder();
        RunResult r = throttledEngine(agents, rec).run(agents(12, 4));
        assertThat(agents.maxBeforeThrottle.get())
                .as("four agents ran together before the 429")
                .isEqualTo(4);
        List<RunEvent.Throttled> throttled = rec.of(RunEvent.Throttled.class);
        assertThat(throttled).hasSize(1);
        assertThat(throttled.get(0).concurrency()).isEqualTo(2);
        // failures keep the limit at 2 (no success raises it): every agent that started after the 429 - the
        // throttled item's retry included - found at most one other agent running
        assertThat(agents.afterThrottle).hasSize(9);
        assertThat(agents.afterThrottle).allMatch(n -> n <= 2);
        assertThat(agents.afterThrottle).as("the new limit is used, not fewer").contains(2);
        assertThat(r.items()).allMatch(i -> i.status() == ItemStatus.FAILED && i.attempts() == 1);
    }

    @Test
    void theLimitClimbsBackAfterSuccessesAndThrottledAttemptsAreNoRetries() {
        ScriptedAgents agents = new ScriptedAgents(false);
        Engines.Recorder rec = new Engines.Recorder();
        RunResult r = throttledEngine(agents, rec).run(agents(24, 4));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).allMatch(i -> i.attempts() == 1);
        assertThat(rec.of(RunEvent.Throttled.class)).singleElement().matches(t -> t.concurrency() == 2);
        List<Integer> after = List.copyOf(agents.afterThrottle);
        assertThat(after).hasSize(21);
        assertThat(after)
                .as("successes raise the limit back to max_parallel, never above")
                .contains(4)
                .allMatch(n -> n <= 4);
        assertThat(r.summary().costUsd()).isCloseTo(0.24, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.summary().tokens().inputTokens()).isEqualTo(240);
        assertThat(r.items().get(1).tokens().outputTokens()).isEqualTo(5);
    }

    @Test
    void exhaustedQuotaParksDispatchUntilTheReset() {
        Instant[] resetAt = new Instant[1];
        AtomicBoolean first = new AtomicBoolean(true);
        List<Instant> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        Engines.Recorder rec = new Engines.Recorder();
        Prodigy p = Engines.on(dir)
                .listener(rec)
                .agentRunner(req -> {
                    starts.add(Instant.now());
                    if (first.compareAndSet(true, false)) {
                        resetAt[0] = Instant.now().plusMillis(400);
                        return AgentResult.builder()
                                .success(false)
                                .errorKind(ErrorKind.QUOTA_EXHAUSTED)
                                .errorMessage("usage limit reached")
                                .retryAfter(resetAt[0])
                                .build();
                    }
                    return AgentResult.success("ok");
                })
                .build();
        RunResult r = p.run(agents(4, 1));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        RunEvent.Throttled t = rec.of(RunEvent.Throttled.class).get(0);
        assertThat(t.errorKind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(t.resumeAt()).isEqualTo(resetAt[0]);
        assertThat(starts).hasSize(5);
        assertThat(starts.subList(1, 5)).allMatch(s -> !s.isBefore(resetAt[0]));
    }

    @Test
    void budgetPausesTheRunAndAHigherBudgetResumesIt() {
        AtomicInteger calls = new AtomicInteger();
        Engines.Recorder rec = new Engines.Recorder();
        Prodigy p = Engines.on(dir)
                .listener(rec)
                .agentRunner(req -> {
                    calls.incrementAndGet();
                    return AgentResult.builder()
                            .success(true)
                            .output("ok")
                            .costUsd(1.0)
                            .build();
                })
                .build();
        Workflow wf = agents(10, 1);
        RunResult paused = p.run(wf, RunOptions.builder().budgetUsd(3.5).build());
        assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(paused.failure()).contains("budget").contains("3.50");
        assertThat(paused.summary().succeeded()).isEqualTo(4);
        assertThat(paused.items())
                .filteredOn(i -> i.status() == ItemStatus.NOT_RUN)
                .hasSize(6);
        assertThat(rec.of(RunEvent.BudgetReached.class)).hasSize(1);

        RunResult resumed = p.resume(paused.runId(), wf, ResumeOptions.DEFAULT.withBudgetUsd(100.0));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls.get()).isEqualTo(10);
        assertThat(resumed.summary().succeeded()).isEqualTo(10);
        assertThat(resumed.summary().costUsd()).isEqualTo(10.0);
    }
}
