package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemError;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.LazyJsonArray;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.input.ItemIds;
import io.prodigy.core.internal.interpolate.Variables;
import io.prodigy.core.internal.retry.CircuitBreaker;
import io.prodigy.core.internal.retry.FailureLimits;
import io.prodigy.core.store.ItemResultCodec;
import io.prodigy.core.store.RecordedItemResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the map phase of one MapReduce stage: reads and selects the items, runs the agent template for each,
 * at most {@code max_parallel} at once, integrates successes one at a time, and applies the error policy.
 */
final class MapStageExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(MapStageExecutor.class);

    private final RunServices run;
    private final RunBudget budget;
    private final Workspace runWorkspace;
    private final StepPipeline steps;
    private final Stage.MapReduce stage;
    private final int stageIndex;
    private final Variables stageVars;

    private final ResumeState resume;

    MapStageExecutor(
            RunServices run,
            RunBudget budget,
            Workspace runWorkspace,
            StepPipeline steps,
            Stage.MapReduce stage,
            int stageIndex,
            Variables stageVars,
            ResumeState resume) {
        this.resume = resume;
        this.run = run;
        this.budget = budget;
        this.runWorkspace = runWorkspace;
        this.steps = steps;
        this.stage = stage;
        this.stageIndex = stageIndex;
        this.stageVars = stageVars;
    }

    /** The map phase's outcome. */
    record MapOutcome(
            List<ItemResult> items,
            boolean stoppedByPolicy,
            String stopReason,
            Duration wallTime,
            int maxParallel,
            boolean pausedByBudget) {}

    private volatile boolean paused;

    MapOutcome run() throws InterruptedException {
        MapPhase map = stage.map();
        List<JsonNode> items;
        List<String> ids;
        // whether the items came from a command's output, whose plain lines the Rust tool wraps as {"item": line}
        boolean commandLines;
        JournalEntry.ItemsResolved known = resume == null ? null : resume.resolved.get(stageIndex);
        if (known != null) {
            // parsed item by item when read: a resume dispatches its first item without parsing them all
            items = journaledItems(known.itemsJson());
            ids = known.itemIds();
            commandLines = itemSource().readsCommandLines(map);
        } else {
            MapItemSource.Selection selection = itemSource().select(map);
            items = selection.items();
            commandLines = selection.commandLines();
            ids = ItemIds.assignIds(items, map.idField());
            ArrayNode all = Json.NODES.arrayNode();
            items.forEach(all::add);
            run.journal(new JournalEntry.ItemsResolved(
                    run.clock().instant(), stageIndex, ids, run.masker().mask(Json.write(all))));
        }
        ItemAttempts attempts =
                new ItemAttempts(run, budget, runWorkspace, steps, stage, stageIndex, stageVars, resume, commandLines);
        int parallel = run.options().maxParallel() != null ? run.options().maxParallel() : map.maxParallel();
        parallel = Math.max(1, Math.min(parallel, Math.max(1, items.size())));
        run.progress().mapStarted(items.size());
        int succeededBefore = 0;
        int failedBefore = 0;
        if (resume != null) {
            for (String id : ids) {
                JournalEntry.ItemFinished f = resume.settledEntry(stageIndex, id);
                if (f != null && f.status() == ItemStatus.SUCCEEDED) {
                    succeededBefore++;
                } else if (f != null) {
                    failedBefore++;
                }
            }
        }
        run.events()
                .emit(new RunEvent.ItemsResolved(
                        run.runId(),
                        run.clock().instant(),
                        stage.name(),
                        items.size(),
                        parallel,
                        succeededBefore,
                        failedBefore));
        LOG.info("Map phase of '{}': {} item(s), up to {} at once", stage.name(), items.size(), parallel);

        ErrorPolicy policy = stage.errorPolicy();
        FailureLimits limits = new FailureLimits(policy);
        CircuitBreaker breaker =
                policy.circuitBreaker() == null ? null : new CircuitBreaker(policy.circuitBreaker(), System::nanoTime);
        ItemResult[] results = new ItemResult[items.size()];
        Instant start = run.clock().instant();

        ExecutorService pool = run.hostExecutor() != null
                ? run.hostExecutor()
                : Executors.newFixedThreadPool(parallel, new NamedThreadFactory("prodigy-agent"));
        ConcurrencyGovernor governor = new ConcurrencyGovernor(parallel, run.clock());
        RunBudget.Term governed = budget.governedBy(governor);
        List<Future<?>> futures = new ArrayList<>();
        // results the interrupted run journaled: built after dispatch, so that new items start without waiting
        JournalEntry.ItemFinished[] journaled = resume != null ? new JournalEntry.ItemFinished[items.size()] : null;
        int pruneAt = 2 * parallel + 64;
        try {
            ItemRecovery recovery =
                    resume == null ? null : new ItemRecovery(resume, run.isolation(), runWorkspace, stageIndex);
            for (int dispatched = 0; dispatched < items.size(); dispatched++) {
                final int index = dispatched;
                boolean discardFirst = false;
                if (recovery != null) {
                    ItemRecovery.Decision decision = recovery.decide(ids.get(index));
                    if (decision instanceof ItemRecovery.Decision.Journaled j) {
                        journaled[index] = j.entry();
                        run.progress().settled(j.entry().status() == ItemStatus.SUCCEEDED);
                        continue;
                    }
                    if (decision instanceof ItemRecovery.Decision.IntegratedUnrecorded) {
                        results[index] = attempts.recordIntegrated(index, ids.get(index), items.get(index));
                        run.progress().settled(true);
                        continue;
                    }
                    discardFirst = ((ItemRecovery.Decision.Run) decision).discardFirst();
                }
                governor.acquire(run.cancellation(), () -> attempts.isStopped() || budget.reached());
                boolean permit = false;
                if (breaker != null) {
                    while (!attempts.isStopped()
                            && !run.cancellation().isCancelled()
                            && !(permit = breaker.tryAcquire())) {
                        Duration wait = breaker.remainingOpen();
                        Waits.sleep(
                                wait.isZero() || wait.isNegative() ? Duration.ofMillis(10) : wait, run.cancellation());
                    }
                }
                if (attempts.isStopped() || run.cancellation().isCancelled() || budget.reached()) {
                    if (permit) {
                        breaker.release();
                    }
                    if (budget.reached() && !run.cancellation().isCancelled()) {
                        paused = true;
                    }
                    break;
                }
                if (discardFirst) {
                    CrashPoints.reach(CrashPoints.Point.DISCARD, ids.get(index));
                    run.isolation().discardStale(runWorkspace, new ItemKey(stageIndex, ids.get(index)));
                }
                run.progress().itemStarted();
                if (futures.size() >= pruneAt) {
                    // keep only the tasks still going (at most `parallel`): a million finished ones are memory
                    futures.removeIf(f -> f.isDone() && !failedUnexpectedly(f));
                    pruneAt = futures.size() + 2 * parallel + 64;
                }
                futures.add(pool.submit(() -> {
                    boolean ok = false;
                    governor.bind();
                    try {
                        results[index] =
                                attempts.run(index, ids.get(index), items.get(index), map, policy, limits, breaker);
                        ok = results[index].succeeded();
                    } catch (RuntimeException e) {
                        // a bug or a failing store must not lose the item: report it as failed
                        LOG.error("item {} failed unexpectedly", ids.get(index), e);
                        run.progress().itemEnded(false);
                        ItemResult r = new ItemResult(
                                ids.get(index),
                                index,
                                Json.write(items.get(index)),
                                ItemStatus.FAILED,
                                1,
                                null,
                                Duration.ZERO,
                                null,
                                new ItemError(
                                        ErrorKind.UNKNOWN,
                                        "internal error: " + run.masker().mask(String.valueOf(e)),
                                        null,
                                        null),
                                false,
                                null,
                                List.of(),
                                null,
                                null);
                        results[index] = r;
                    } finally {
                        int raised = governor.release(ok);
                        if (raised > 0) {
                            run.events()
                                    .emit(new RunEvent.ConcurrencyRaised(
                                            run.runId(), run.clock().instant(), raised));
                        }
                    }
                    return null;
                }));
            }
            if (journaled != null) {
                for (int i = 0; i < journaled.length; i++) {
                    if (journaled[i] != null) {
                        results[i] = fromJournal(i, ids.get(i), Json.write(items.get(i)), journaled[i]);
                    }
                }
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.error("an item task failed unexpectedly", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            throw e;
        } finally {
            if (pool != run.hostExecutor()) {
                pool.shutdownNow();
            }
        }
        List<ItemResult> out = new ArrayList<>(items.size());
        int notRun = 0;
        for (int i = 0; i < items.size(); i++) {
            ItemResult r = results[i];
            if (r == null) {
                notRun++;
                r = new ItemResult(
                        ids.get(i),
                        i,
                        Json.write(items.get(i)),
                        ItemStatus.NOT_RUN,
                        0,
                        null,
                        Duration.ZERO,
                        null,
                        null,
                        false,
                        null,
                        List.of(),
                        null,
                        null);
            }
            out.add(r);
        }
        run.progress().notRun(notRun);
        boolean settled =
                out.stream().allMatch(r -> r.status() == ItemStatus.SUCCEEDED || r.status() == ItemStatus.FAILED);
        try {
            run.mapExecutor().mapPhaseEnded(run.runId(), stageIndex, runWorkspace, settled);
        } catch (RuntimeException e) {
            LOG.warn("the map executor failed to clean up after the map phase of '{}': {}", stage.name(), e.toString());
        }
        Duration wall = Duration.between(start, run.clock().instant());
        governed.close();
        return new MapOutcome(out, attempts.isStopped(), attempts.stopReason(), wall, parallel, paused);
    }

    private MapItemSource itemSource() {
        return new MapItemSource(run, runWorkspace, steps, stage, stageVars);
    }

    /** @return whether a finished item task threw (logged here) */
    private static boolean failedUnexpectedly(Future<?> f) {
        try {
            f.get();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("an item task failed unexpectedly", e.getCause());
            return false;
        } catch (java.util.concurrent.CancellationException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return true; // keep it: the caller's own handling sees it
        }
    }

    /** @return the items of the journal's item list, each parsed when first read */
    private List<JsonNode> journaledItems(String itemsJson) {
        LazyJsonArray array;
        try {
            array = LazyJsonArray.of(itemsJson);
        } catch (LazyJsonArray.MalformedArrayException e) {
            throw new io.prodigy.api.StoreException(
                    "the journal's item list of stage " + stageIndex + " is not valid JSON: " + e.getMessage(), e);
        }
        return new java.util.AbstractList<>() {
            @Override
            public JsonNode get(int index) {
                try {
                    return array.get(index);
                } catch (LazyJsonArray.MalformedArrayException e) {
                    throw new io.prodigy.api.StoreException(
                            "the journal's item list of stage " + stageIndex + " is not valid JSON: " + e.getMessage(),
                            e);
                }
            }

            @Override
            public int size() {
                return array.size();
            }
        };
    }

    private static ItemResult fromJournal(int index, String itemId, String itemJson, JournalEntry.ItemFinished f) {
        RecordedItemResult r = ItemResultCodec.decode(f).orElse(RecordedItemResult.statusOnly(itemId, f.status()));
        ItemError error = r.error() == null ? null : new ItemError(r.errorKind(), r.error(), null, null);
        return new ItemResult(
                itemId,
                index,
                itemJson,
                f.status(),
                r.attempts(),
                null,
                r.duration(),
                r.output(),
                error,
                f.status() == ItemStatus.FAILED && error != null,
                null,
                r.commits(),
                r.costUsd(),
                null,
                r.filesModified(),
                r.worktreePath(),
                r.branchName());
    }

    /** @return the JSON of one item's result, as exposed in {@code ${map.results}} ({@link ItemResultCodec}) */
    static ObjectNode resultJson(ItemResult r) {
        return ItemResultCodec.toJson(RecordedItemResult.of(r));
    }
}
