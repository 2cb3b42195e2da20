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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
        return Workflow.mapReduce("agents").map(MapPhase.builder().input(WorkInput.values(items))
                .maxParallel(parallel).agentTemplate(Step.agent("/work ${item.n}"))).build();
    }

    @Test
    void rateLimitsLowerConcurrencyAndDoNotCountAsRetries() {
        Set<String> throttledOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxAfterThrottle = new AtomicInteger();
        AtomicBoolean throttledYet = new AtomicBoolean();
        Engines.Recorder rec = new Engines.Recorder();
        Prodigy p = Engines.on(dir).listener(rec).throttleDelay(Duration.ofMillis(5)).agentRunner(req -> {
            int now = running.incrementAndGet();
            try {
                if (throttledYet.get()) {
                    maxAfterThrottle.accumulateAndGet(now, Math::max);
                }
                if (throttledOnce.add(req.command())) {
                    throttledYet.set(true);
                    return AgentResult.builder().success(false).errorKind(ErrorKind.RATE_LIMITED)
                            .errorMessage("429 rate limited").costUsd(0.0).build();
                }
                return AgentResult.builder().success(true).output("ok").costUsd(0.01)
                        .tokens(new TokenUsage(10, 5, 0, 0)).build();
            } finally {
                running.decrementAndGet();
            }
        }).build();
        RunResult r = p.run(agents(16, 4));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).allMatch(i -> i.attempts() == 1);
        List<RunEvent.Throttled> throttled = rec.of(RunEvent.Throttled.class);
        assertThat(throttled).hasSize(16);
        assertThat(throttled.get(0).concurrency()).isEqualTo(2);
        assertThat(throttled).extracting(RunEvent.Throttled::concurrency).allMatch(c -> c >= 1 && c <= 4);
        assertThat(maxAfterThrottle.get()).isLessThanOrEqualTo(4);
        assertThat(r.summary().costUsd()).isCloseTo(0.16, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.summary().tokens().inputTokens()).isEqualTo(160);
        assertThat(r.items().get(0).tokens().outputTokens()).isEqualTo(5);
    }

    @Test
    void exhaustedQuotaParksDispatchUntilTheReset() {
        Instant[] resetAt = new Instant[1];
        AtomicBoolean first = new AtomicBoolean(true);
        List<Instant> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        Engines.Recorder rec = new Engines.Recorder();
        Prodigy p = Engines.on(dir).listener(rec).agentRunner(req -> {
            starts.add(Instant.now());
            if (first.compareAndSet(true, false)) {
                resetAt[0] = Instant.now().plusMillis(400);
                return AgentResult.builder().success(false).errorKind(ErrorKind.QUOTA_EXHAUSTED)
                        .errorMessage("usage limit reached").retryAfter(resetAt[0]).build();
            }
            return AgentResult.success("ok");
        }).build();
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
        Prodigy p = Engines.on(dir).listener(rec).agentRunner(req -> {
            calls.incrementAndGet();
            return AgentResult.builder().success(true).output("ok").costUsd(1.0).build();
        }).build();
        Workflow wf = agents(10, 1);
        RunResult paused = p.run(wf, RunOptions.builder().budgetUsd(3.5).build());
        assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(paused.failure()).contains("budget").contains("3.50");
        assertThat(paused.summary().succeeded()).isEqualTo(4);
        assertThat(paused.items()).filteredOn(i -> i.status() == ItemStatus.NOT_RUN).hasSize(6);
        assertThat(rec.of(RunEvent.BudgetReached.class)).hasSize(1);

        RunResult resumed = p.resume(paused.runId(), wf, ResumeOptions.DEFAULT.withBudgetUsd(100.0));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls.get()).isEqualTo(10);
        assertThat(resumed.summary().succeeded()).isEqualTo(10);
        assertThat(resumed.summary().costUsd()).isEqualTo(10.0);
    }
}
