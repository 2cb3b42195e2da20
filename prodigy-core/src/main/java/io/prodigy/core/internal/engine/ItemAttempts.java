package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemError;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Stage;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptContext;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.api.spi.WorkspaceChanges;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.interpolate.Variables;
import io.prodigy.core.internal.retry.CircuitBreaker;
import io.prodigy.core.internal.retry.FailureLimits;
import io.prodigy.core.internal.retry.RetryState;
import io.prodigy.core.store.ItemResultCodec;
import io.prodigy.core.store.RecordedItemResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One map stage's item attempts: runs an item through the {@link io.prodigy.api.spi.MapExecutor} (here or
 * elsewhere), integrates its work into the run one item at a time, applies the retry policy, the circuit breaker,
 * the failure limits and the Dead Letter Queue, and journals each dispatch and finish. {@link MapStageExecutor}
 * decides which items to dispatch and when; this class decides what becomes of each.
 */
final class ItemAttempts {
    private static final Logger LOG = LoggerFactory.getLogger(ItemAttempts.class);

    private final RunServices run;
    private final RunBudget budget;
    private final Workspace runWorkspace;
    private final StepPipeline steps;
    private final Stage.MapReduce stage;
    private final int stageIndex;
    private final Variables stageVars;
    private final ResumeState resume;
    /** Whether the items came from a command's output, whose plain lines the Rust tool wraps as {"item": line}. */
    private final boolean commandLines;

    private final Object mergeLock = new Object();
    /** The once-per-worktree steps that succeeded in this stage's reused worktrees. */
    private final OncePerWorktreeSteps onceSteps = new OncePerWorktreeSteps();

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicReference<String> stopReason = new AtomicReference<>();

    /**
     * @param run the run's services
     * @param budget the run's budget
     * @param runWorkspace the run's worktree, which items are integrated into
     * @param steps the step runner
     * @param stage the stage
     * @param stageIndex the stage's index
     * @param stageVars the stage's variables
     * @param resume what the interrupted run journaled, or null for a first run
     * @param commandLines whether the items are a command's output lines
     */
    ItemAttempts(
            RunServices run,
            RunBudget budget,
            Workspace runWorkspace,
            StepPipeline steps,
            Stage.MapReduce stage,
            int stageIndex,
            Variables stageVars,
            ResumeState resume,
            boolean commandLines) {
        this.run = run;
        this.budget = budget;
        this.runWorkspace = runWorkspace;
        this.steps = steps;
        this.stage = stage;
        this.stageIndex = stageIndex;
        this.stageVars = stageVars;
        this.resume = resume;
        this.commandLines = commandLines;
    }

    /**
     * Runs one item's attempts until it succeeds, is cancelled, or fails for good: each attempt journaled before it
     * starts, run through the map executor, integrated into the run one at a time, retried with the policy's
     * backoff, and sent to the Dead Letter Queue when the policy says so; failure limits and the authentication and
     * billing stops end the map phase.
     *
     * @return the item's result (journaled and announced)
     * @throws InterruptedException if interrupted
     */
    ItemResult run(
            int index,
            String itemId,
            JsonNode item,
            MapPhase map,
            ErrorPolicy policy,
            FailureLimits limits,
            CircuitBreaker breaker)
            throws InterruptedException {
        String itemJson = Json.write(item);
        Instant firstStart = run.clock().instant();
        RetryPolicy itemRetry = policy.onItemFailure() == ItemFailureAction.RETRY || policy.itemRetry() != null
                ? policy.itemRetry()
                : RetryPolicy.NONE;
        RetryState retry = new RetryState(itemRetry, run.random());
        List<FailedAttempt> failures = new ArrayList<>();
        Duration total = Duration.ZERO;
        Double cost = null;
        io.prodigy.api.spi.TokenUsage tokens = io.prodigy.api.spi.TokenUsage.NONE;
        // numbers go on from the attempts of the run before a resume: a remote executor keys its work by them
        int attempt = resume == null ? 0 : resume.firstAttempt(stageIndex, itemId) - 1;
        final int before = attempt;
        int redispatched = 0;
        MapAttempt previous = null;
        while (true) {
            attempt++;
            run.journal(new JournalEntry.ItemDispatched(run.clock().instant(), stageIndex, itemId, attempt));
            if (previous != null) {
                settled(previous); // the journal now names the next attempt: nothing resumes the previous one
            }
            CrashPoints.reach(CrashPoints.Point.DISPATCH, itemId);
            Attempt a = attemptItem(index, itemId, item, itemJson, map, attempt);
            previous = a.request;
            redispatched += a.dispatches - 1; // a remote executor restarted it (a worker died)
            total = total.plus(a.duration);
            if (a.cost != null) {
                cost = cost == null ? a.cost : cost + a.cost;
            }
            tokens = sum(tokens, a.tokens);
            if (a.error == null) {
                if (breaker != null) {
                    breaker.onSuccess();
                }
                if (limits.recordSuccess() == FailureLimits.Decision.STOP) {
                    stop(limits.stopReason());
                }
                run.progress().itemEnded(true);
                if (resume != null && resume.deadLettered(stageIndex, itemId)) {
                    run.dlq().markResolved(run.runId(), itemId);
                }
                ItemResult r = new ItemResult(
                        itemId,
                        index,
                        itemJson,
                        ItemStatus.SUCCEEDED,
                        attempt - before + redispatched,
                        firstStart,
                        total,
                        a.output,
                        null,
                        false,
                        null,
                        a.commits,
                        cost,
                        tokens,
                        a.filesModified,
                        a.worktreePath,
                        a.branch);
                finish(r);
                settled(a.request);
                return r;
            }
            if (a.error.kind() == ErrorKind.CANCELLED || run.cancellation().isCancelled()) {
                if (breaker != null) {
                    breaker.release();
                }
                run.progress().itemCancelled();
                ItemResult r = new ItemResult(
                        itemId,
                        index,
                        itemJson,
                        ItemStatus.CANCELLED,
                        attempt - before + redispatched,
                        firstStart,
                        total,
                        a.output,
                        run.masker().mask(a.error),
                        false,
                        a.workspace,
                        List.of(),
                        cost,
                        tokens);
                finish(r);
                return r;
            }
            failures.add(new FailedAttempt(
                    attempt,
                    run.clock().instant(),
                    a.error.kind(),
                    run.masker().mask(a.error.message()),
                    a.error.exitCode(),
                    a.error.step(),
                    a.log));
            Optional<Duration> delay =
                    stopped.get() ? Optional.empty() : retry.nextDelay(a.error.kind(), a.error.message());
            run.events()
                    .emit(new RunEvent.ItemFailed(
                            run.runId(),
                            run.clock().instant(),
                            itemId,
                            attempt,
                            a.error.kind(),
                            run.masker().mask(a.error.message()),
                            delay.isPresent()));
            if (delay.isPresent()) {
                run.events()
                        .emit(new RunEvent.RetryScheduled(
                                run.runId(),
                                run.clock().instant(),
                                itemId,
                                null,
                                attempt + 1,
                                delay.get(),
                                run.masker().mask(a.error.message())));
                Waits.sleep(delay.get(), run.cancellation());
                continue;
            }
            if (breaker != null) {
                breaker.onFailure();
            }
            boolean dlq = policy.onItemFailure() == ItemFailureAction.DLQ
                    || policy.onItemFailure() == ItemFailureAction.RETRY;
            if (dlq) {
                run.dlq()
                        .add(new DlqEntry(
                                run.runId(),
                                itemId,
                                itemJson,
                                failures,
                                a.workspace,
                                false,
                                failures.get(0).at(),
                                failures.get(failures.size() - 1).at()));
                run.journal(new JournalEntry.ItemDeadLettered(run.clock().instant(), stageIndex, itemId));
                run.events()
                        .emit(new RunEvent.ItemDeadLettered(
                                run.runId(), run.clock().instant(), itemId));
            }
            if (limits.recordFailure(itemId) == FailureLimits.Decision.STOP) {
                stop(limits.stopReason());
            }
            if (a.error.kind() == ErrorKind.AUTHENTICATION || a.error.kind() == ErrorKind.BILLING) {
                stop("stopped: the agent backend refused item " + itemId + " (" + a.error.kind()
                        + "), and every other item would fail the same way; fix the credentials or account and "
                        + "resume the run");
            }
            run.progress().itemEnded(false);
            ItemResult r = new ItemResult(
                    itemId,
                    index,
                    itemJson,
                    ItemStatus.FAILED,
                    attempt - before + redispatched,
                    firstStart,
                    total,
                    a.output,
                    run.masker().mask(a.error),
                    dlq,
                    a.workspace,
                    List.of(),
                    cost,
                    tokens,
                    a.filesModified,
                    a.worktreePath,
                    a.branch);
            finish(r);
            settled(a.request);
            return r;
        }
    }

    /** Tells the map executor that the journal has moved past an attempt (see MapExecutor#attemptSettled). */
    private void settled(MapAttempt attempt) {
        try {
            run.mapExecutor().attemptSettled(attempt);
        } catch (RuntimeException e) {
            LOG.warn(
                    "the map executor failed to drop settled attempt {} of item {}: {}",
                    attempt.attempt(),
                    attempt.itemId(),
                    e.toString());
        }
    }

    /**
     * Records an item that an earlier attempt integrated without the journal saying so (or without its finish
     * record): it is done and is not run again.
     */
    ItemResult recordIntegrated(int index, String itemId, JsonNode item) {
        if (!resume.integrated(stageIndex, itemId)) {
            LOG.info("Resume: item {} was integrated before the interruption; not running it again", itemId);
            String head =
                    runWorkspace.versionControl().map(VersionControl::head).orElse(null);
            run.journal(new JournalEntry.ItemIntegrated(run.clock().instant(), stageIndex, itemId, head));
        }
        if (resume.deadLettered(stageIndex, itemId)) {
            run.dlq().markResolved(run.runId(), itemId);
        }
        ItemResult r = new ItemResult(
                itemId,
                index,
                Json.write(item),
                ItemStatus.SUCCEEDED,
                1,
                null,
                Duration.ZERO,
                "",
                null,
                false,
                null,
                List.of(),
                null,
                null);
        finish(r);
        return r;
    }

    /** @return whether a failure limit or an unrecoverable refusal stopped the map phase */
    boolean isStopped() {
        return stopped.get();
    }

    /** @return why the map phase stopped, or null */
    String stopReason() {
        return stopReason.get();
    }

    private void stop(String reason) {
        if (stopped.compareAndSet(false, true)) {
            stopReason.set(reason);
            LOG.warn("Stopping the map phase of '{}': {}", stage.name(), reason);
        }
    }

    private void finish(ItemResult r) {
        run.journal(new JournalEntry.ItemFinished(
                run.clock().instant(),
                stageIndex,
                r.itemId(),
                r.status(),
                run.masker().mask(ItemResultCodec.encode(RecordedItemResult.of(r)))));
        CrashPoints.reach(CrashPoints.Point.ITEM_FINISHED, r.itemId());
        run.events()
                .emit(new RunEvent.ItemFinished(
                        run.runId(),
                        run.clock().instant(),
                        r.itemId(),
                        r.status(),
                        r.attempts(),
                        r.duration(),
                        r.costUsd()));
    }

    /** One attempt of an item's template. */
    private static final class Attempt {
        MapAttempt request;
        ItemError error;
        String output;
        Duration duration = Duration.ZERO;
        Double cost;
        io.prodigy.api.spi.TokenUsage tokens = io.prodigy.api.spi.TokenUsage.NONE;
        Path workspace;
        String log;
        List<String> commits = List.of();
        int dispatches = 1;
        List<String> filesModified = List.of();
        Path worktreePath;
        String branch;
    }

    private Attempt attemptItem(int index, String itemId, JsonNode item, String itemJson, MapPhase map, int attempt)
            throws InterruptedException {
        Attempt a = new Attempt();
        Instant start = run.clock().instant();
        MapAttemptOutcome o;
        AttemptContext context = new AttemptContext(index, itemId, item, itemJson, map, attempt);
        a.request = attemptOf(index, itemId, itemJson, map, attempt);
        try {
            o = run.mapExecutor().attempt(a.request, context);
            if (!context.ranHere) {
                // the attempt ran elsewhere (a remote worker): its agents' cost counts against the run's budget
                // here, as the step runner counts a local attempt's
                budget.addUsage(o.costUsd(), o.tokens());
            }
        } catch (ProdigyException e) {
            a.error = new ItemError(
                    ErrorKind.WORKSPACE, "could not run item " + itemId + ": " + e.getMessage(), null, null);
            a.duration = Duration.between(start, run.clock().instant());
            return a;
        }
        Workspace ws = o.workspace();
        if (ws != null) {
            a.worktreePath = ws.directory();
            a.branch = ws.branchName().orElse(null);
        }
        boolean keep = true;
        try {
            a.error = o.error();
            a.output = o.output();
            a.cost = o.costUsd();
            a.tokens = o.tokens();
            a.log = o.log();
            a.dispatches = o.dispatches();
            if (a.error == null && ws == null) {
                a.error = new ItemError(
                        ErrorKind.WORKSPACE, "the map executor returned no workspace for item " + itemId, null, null);
            }
            if (a.error == null) {
                Optional<VersionControl> vcs = ws.versionControl();
                if (o.baseRevision() != null && vcs.isPresent()) {
                    WorkspaceChanges changes = vcs.get().changesSince(o.baseRevision());
                    a.commits = changes.commits();
                    List<String> files = new ArrayList<>(changes.filesAdded());
                    files.addAll(changes.filesModified());
                    a.filesModified = files;
                }
                a.error = integrate(itemId, ws);
                keep = a.error != null;
            }
            a.workspace = keep && ws != null && ws != runWorkspace ? ws.directory() : null;
            return a;
        } finally {
            a.duration = Duration.between(start, run.clock().instant());
            try {
                if (ws != null && ws != runWorkspace) {
                    run.isolation().release(ws, keep);
                    if (a.workspace != null && !java.nio.file.Files.isDirectory(a.workspace)) {
                        a.workspace =
                                null; // the strategy removed it anyway (keepFailedWorktrees(false)): no path to record
                    }
                }
            } catch (ProdigyException e) {
                LOG.warn("could not release the workspace of item {}: {}", itemId, e.getMessage());
            }
        }
    }

    /** @return the attempt as a {@link io.prodigy.api.spi.MapExecutor} sees it: no secrets, no process env */
    private MapAttempt attemptOf(int index, String itemId, String itemJson, MapPhase map, int attempt) {
        java.util.Set<String> secrets = run.workflow().secrets().keySet();
        Map<String, String> vars = new java.util.TreeMap<>();
        stageVars.flatten().forEach((k, v) -> {
            if (!secrets.contains(k)) {
                vars.put(k, Json.write(v));
            }
        });
        vars.put("item_json", Json.write(Json.text(itemJsonVariable(itemJson))));
        Map<String, String> env = new java.util.TreeMap<>(run.processEnv());
        env.keySet().removeAll(secrets);
        if (workflowHash == null) {
            workflowHash = io.prodigy.core.internal.WorkflowFingerprint.of(run.workflow());
        }
        return new MapAttempt(
                run.runId(),
                run.workflow().name(),
                workflowHash,
                stageIndex,
                itemId,
                index,
                itemJson,
                attempt,
                vars,
                env,
                map.agentTimeout());
    }

    private volatile String workflowHash;

    /** @return the value of {@code ${item_json}}: a command's output line reads as {@code {"item": line}} */
    private String itemJsonVariable(String itemJson) {
        if (!commandLines || !itemJson.startsWith("\"")) {
            return itemJson;
        }
        try {
            return Json.write(
                    Json.NODES.objectNode().put("item", Json.parse(itemJson).textValue()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return itemJson;
        }
    }

    /** The engine's side of one attempt, for the map executor. */
    private final class AttemptContext implements MapAttemptContext {
        private final int index;
        private final String itemId;
        private final JsonNode item;
        private final String itemJson;
        private final MapPhase map;
        private final int attempt;
        /** Whether the attempt ran in this process (its usage is counted by the step runner then). */
        volatile boolean ranHere;

        AttemptContext(int index, String itemId, JsonNode item, String itemJson, MapPhase map, int attempt) {
            this.index = index;
            this.itemId = itemId;
            this.item = item;
            this.itemJson = itemJson;
            this.map = map;
            this.attempt = attempt;
        }

        @Override
        public Workspace runWorkspace() {
            return runWorkspace;
        }

        @Override
        public Workspace acquireWorkspace() {
            return run.isolation().acquire(runWorkspace, new ItemKey(stageIndex, itemId));
        }

        @Override
        public void releaseWorkspace(Workspace workspace) {
            if (workspace != null && workspace != runWorkspace) {
                run.isolation().release(workspace, false);
            }
        }

        @Override
        public MapAttemptOutcome runHere(Workspace workspace) throws InterruptedException {
            ranHere = true;
            return ItemTemplate.run(
                    run,
                    steps,
                    stageVars,
                    map,
                    index,
                    itemId,
                    item,
                    itemJsonVariable(itemJson),
                    attempt,
                    workspace,
                    stageIndex,
                    onceSteps);
        }

        @Override
        public boolean isCancelled() {
            return run.cancellation().isCancelled();
        }

        @Override
        public void progress(String step, io.prodigy.api.spi.AgentActivity activity) {
            run.events()
                    .emit(new RunEvent.AgentActivity(
                            run.runId(),
                            run.clock().instant(),
                            itemId,
                            step,
                            activity.type(),
                            run.masker().mask(activity.summary()),
                            activity.details()));
        }
    }

    private ItemError integrate(String itemId, Workspace ws) {
        synchronized (mergeLock) {
            IntegrationResult r;
            CrashPoints.reach(CrashPoints.Point.INTEGRATE, itemId);
            try {
                r = run.isolation().integrate(runWorkspace, ws);
            } catch (ProdigyException e) {
                return new ItemError(
                        ErrorKind.WORKSPACE, "integrating item " + itemId + " failed: " + e.getMessage(), null, null);
            }
            if (r instanceof IntegrationResult.Conflict c) {
                return new ItemError(
                        ErrorKind.MERGE_CONFLICT,
                        "merging item " + itemId + " conflicted in " + String.join(", ", c.paths()) + ": "
                                + c.message(),
                        null,
                        null);
            }
            CrashPoints.reach(CrashPoints.Point.INTEGRATED, itemId);
            int commits =
                    r instanceof IntegrationResult.Integrated in ? in.commits().size() : 0;
            String head =
                    runWorkspace.versionControl().map(VersionControl::head).orElse(null);
            run.journal(new JournalEntry.ItemIntegrated(run.clock().instant(), stageIndex, itemId, head));
            run.events()
                    .emit(new RunEvent.ItemIntegrated(run.runId(), run.clock().instant(), itemId, commits));
            return null;
        }
    }

    /** @return the sum, sharing {@code TokenUsage.NONE} instead of a new zero per item */
    private static io.prodigy.api.spi.TokenUsage sum(io.prodigy.api.spi.TokenUsage a, io.prodigy.api.spi.TokenUsage b) {
        if (b.equals(io.prodigy.api.spi.TokenUsage.NONE)) {
            return a;
        }
        return a.equals(io.prodigy.api.spi.TokenUsage.NONE) ? b : a.plus(b);
    }
}
