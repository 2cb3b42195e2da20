package io.prodigy.core.internal.engine;

import io.prodigy.api.Step;
import io.prodigy.api.StepRecord;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.ConflictResolver;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.engine.step.StepOutcome;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.engine.step.StepScope;
import io.prodigy.core.internal.interpolate.Variables;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * The engine's {@link ConflictResolver}: runs an isolation strategy's conflict-resolving step (an agent) through
 * the normal step execution, so that it is counted against the cost budget, waits out throttling, emits its phase
 * and step events, masks secrets and stops with the run. The step runs in the run's workspace, in a child of the
 * run's variables holding the strategy's {@code merge.*} variables; it is recorded among the run's steps but not
 * journaled (a crash during an item's merge is recovered by the strategy, which undoes the merge).
 *
 * <p>The step runs on a thread of its own while the item's thread waits for it: the item's thread holds the run's
 * merge lock and the item's concurrency slot, and a throttled step gives up the slot of the thread it runs on and
 * waits to be admitted again under the lowered limit, which items blocked on the merge lock would never let happen.
 */
final class EngineConflictResolver implements ConflictResolver {
    private final RunServices run;
    private final StepPipeline steps;
    private final Variables vars;
    private final Supplier<Workspace> runWorkspace;
    private final List<StepRecord> records;

    /**
     * @param run the run's services
     * @param steps the run's step pipeline
     * @param vars the run's variables
     * @param runWorkspace the run's workspace, once open
     * @param records the run's step records, to add the resolving step's to
     */
    EngineConflictResolver(
            RunServices run,
            StepPipeline steps,
            Variables vars,
            Supplier<Workspace> runWorkspace,
            List<StepRecord> records) {
        this.run = run;
        this.steps = steps;
        this.vars = vars;
        this.runWorkspace = runWorkspace;
        this.records = records;
    }

    @Override
    public boolean canRunAgents() {
        return run.agentRunner() != null;
    }

    @Override
    public StepRecord run(Step step, String itemId, Map<String, String> variables, Map<String, String> environment)
            throws InterruptedException {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(environment, "environment");
        Variables scoped = vars.child();
        variables.forEach(scoped::putString);
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("PRODIGY_RUN_ID", run.runId());
        StepScope scope = new StepScope(scoped, runWorkspace.get(), PHASE, itemId, null, env);
        Instant start = run.clock().instant();
        run.events().emit(new RunEvent.PhaseStarted(run.runId(), start, PHASE, PHASE));
        StepOutcome outcome = executeOutsideTheItemsSlot(step, scope);
        StepRecord record = new StepRecord(
                PHASE,
                PHASE,
                0,
                step.label(),
                outcome.skipped(),
                outcome.success(),
                outcome.exitCode(),
                outcome.duration(),
                run.masker().mask(outcome.error()));
        records.add(record);
        run.events()
                .emit(new RunEvent.PhaseFinished(
                        run.runId(),
                        run.clock().instant(),
                        PHASE,
                        PHASE,
                        outcome.success(),
                        Duration.between(start, run.clock().instant())));
        return record;
    }

    private StepOutcome executeOutsideTheItemsSlot(Step step, StepScope scope) throws InterruptedException {
        FutureTask<StepOutcome> task = new FutureTask<>(() -> steps.execute(step, 0, scope));
        Thread worker = new Thread(task, "prodigy-" + run.runId() + "-conflict-" + scope.itemId());
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            worker.interrupt();
            awaitEnd(worker);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("the conflict-resolving step failed", cause);
        }
    }

    /** Waits (at most a minute, through interrupts) for the step to stop, so the strategy cleans up after it. */
    private static void awaitEnd(Thread worker) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (worker.isAlive() && System.nanoTime() < deadline) {
            try {
                worker.join(1000);
            } catch (InterruptedException again) {
                worker.interrupt(); // the caller rethrows its own interrupt
            }
        }
    }
}
