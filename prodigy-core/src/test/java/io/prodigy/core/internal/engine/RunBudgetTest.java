package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.InMemoryCheckpointStore;
import io.prodigy.core.InMemoryDlqStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunBudgetTest {
    @TempDir
    Path dir;

    private final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());

    private RunServices services() {
        return RunServices.builder()
                .runId("r1")
                .workflow(Workflow.sequential("w", Step.shell("true").build()))
                .clock(Clock.systemUTC())
                .events(new EventSink((RunListener) events::add))
                .checkpoints(new InMemoryCheckpointStore())
                .dlq(new InMemoryDlqStore())
                .isolation(DirectoryIsolation.shared())
                .masker(new SecretMasker(List.of()))
                .projectDirectory(dir)
                .stateDirectory(dir.resolve("state"))
                .random(() -> 0.5)
                .build();
    }

    @Test
    void theBudgetIsReachedOnceWithWhatTheRunSpentBeforeItWasResumed() {
        RunBudget budget = new RunBudget(services(), 1.0, Duration.ofMillis(10), 0.5);
        assertThat(budget.spentUsd()).isEqualTo(0.5);
        assertThat(budget.reached()).isFalse();

        budget.addUsage(0.4, TokenUsage.NONE);
        assertThat(budget.reached()).isFalse();
        budget.addUsage(0.2, null);
        budget.addUsage(0.3, null);

        assertThat(budget.reached()).isTrue();
        assertThat(budget.spentUsd()).isEqualTo(1.4, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(events).filteredOn(RunEvent.BudgetReached.class::isInstance).hasSize(1);
    }

    @Test
    void aRunWithoutCostsReportsNoSpending() {
        RunBudget budget = new RunBudget(services(), null, Duration.ofMillis(10), 0);
        budget.addUsage(null, null);
        assertThat(budget.spentUsd()).isNull();
        assertThat(budget.reached()).isFalse();
    }

    @Test
    void aThrottleLowersTheGovernorOnlyDuringItsTerm() {
        RunBudget budget = new RunBudget(services(), null, Duration.ofMillis(10), 0);
        ConcurrencyGovernor governor = new ConcurrencyGovernor(8, Clock.systemUTC());
        RunBudget.Term term = budget.governedBy(governor);
        budget.throttled("item-1", ErrorKind.RATE_LIMITED, null, 1);
        term.close();
        budget.throttled(null, ErrorKind.RATE_LIMITED, null, 1);

        assertThat(events)
                .filteredOn(RunEvent.Throttled.class::isInstance)
                .extracting(e -> ((RunEvent.Throttled) e).concurrency())
                .containsExactly(4, 1);
        assertThat(governor.limit()).isEqualTo(4);
    }

    @Test
    void cancellingTheRunInterruptsItsRunningAgents() throws Exception {
        RunServices run = services();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread agent = new Thread(() -> {
            run.agents().started(Thread.currentThread());
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            } finally {
                run.agents().ended(Thread.currentThread());
            }
        });
        agent.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        run.cancel();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.cancellation().isCancelled()).isTrue();
        agent.join(10_000);
    }
}
