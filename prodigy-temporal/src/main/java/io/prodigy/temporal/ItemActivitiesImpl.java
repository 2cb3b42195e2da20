package io.prodigy.temporal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.Prodigy;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of an item attempt: fetch the run's base into the cache, make the item's worktree, run its agents
 * with the engine, heartbeat, publish the item's commits at its ref on the remote with the record in an annotated tag
 * (in place, without {@code git push}, into a remote that is a repository of this machine: {@link InPlacePublication};
 * pushed elsewhere), and return the record. Idempotent: with the ref already on the remote, returns what it records.
 */
final class ItemActivitiesImpl implements ItemActivities, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ItemActivitiesImpl.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int OUTPUT_LIMIT = 4000;

    private final Prodigy prodigy;
    private final WorkflowResolver resolver;
    private final WorkerCache cache;
    private final String identity;
    private final InPlacePublication.Publisher publisher;

    ItemActivitiesImpl(Prodigy prodigy, WorkflowResolver resolver, Path cacheDir, String identity) {
        this(prodigy, resolver, cacheDir, identity, InPlacePublication::publish);
    }

    /** @param publisher how an item's work is published into a remote of this machine (tests wrap it) */
    ItemActivitiesImpl(
            Prodigy prodigy,
            WorkflowResolver resolver,
            Path cacheDir,
            String identity,
            InPlacePublication.Publisher publisher) {
        this(prodigy, resolver, new WorkerCache(cacheDir), identity, publisher);
    }

    /**
     * @param cache the worker's git cache (closed by {@link #close})
     * @param publisher how an item's work is published into a remote of this machine
     */
    ItemActivitiesImpl(
            Prodigy prodigy,
            WorkflowResolver resolver,
            WorkerCache cache,
            String identity,
            InPlacePublication.Publisher publisher) {
        this.publisher = publisher;
        this.prodigy = prodigy;
        this.resolver = resolver;
        this.cache = cache;
        this.identity = identity;
    }

    @Override
    public ItemRecord runItem(ItemTask task) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        int dispatch = ctx.getInfo().getAttempt();
        ItemProgress progress = new ItemProgress(task.itemId(), identity);
        // everything, the git work included, runs on its own thread while this one heartbeats: a slow fetch on a
        // loaded machine is not mistaken for a dead worker, and a cancellation stops whatever runs
        return withHeartbeats(ctx, task, progress, () -> work(task, dispatch, progress));
    }

    private ItemRecord work(ItemTask task, int dispatch, ItemProgress progress) throws InterruptedException {
        Path repo = cache.repository(task.remote());
        // one round trip: is the attempt's work there already, and where is the run's base
        java.util.Map<String, String> refs = Git.remoteRefs(repo, task.remote(), task.itemRef(), task.baseRef());
        if (refs.containsKey(task.itemRef())) {
            LOG.info(
                    "item {} of run {} is already on the remote ({}); returning its recorded result",
                    task.itemId(),
                    task.runId(),
                    task.itemRef());
            return recorded(repo, task).withDispatch(dispatch, true);
        }
        Workflow workflow;
        try {
            workflow = resolver.resolve(task.workflowName(), task.workflowHash(), task.workflowSource());
        } catch (ProdigyException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), ItemWorkflowImpl.MISMATCH);
        }
        Workspace ws = cache.acquire(task, refs.get(task.baseRef()));
        LOG.info("item {} of run {}: dispatch {} on {}", task.itemId(), task.runId(), dispatch, identity);
        try {
            MapAttemptOutcome outcome = prodigy.runMapAttempt(workflow, task.toAttempt(), ws, progress);
            if (outcome.error() != null) {
                return failure(task, outcome, dispatch);
            }
            String head = ws.versionControl()
                    .map(io.prodigy.api.spi.VersionControl::head)
                    .orElseGet(() -> Git.check(ws.directory(), "rev-parse", "HEAD"));
            ItemRecord record = new ItemRecord(
                    task.itemId(),
                    ItemRecord.SUCCEEDED,
                    null,
                    null,
                    null,
                    null,
                    truncate(outcome.output()),
                    outcome.costUsd(),
                    outcome.tokens().inputTokens(),
                    outcome.tokens().outputTokens(),
                    outcome.baseRevision(),
                    head,
                    0,
                    dispatch,
                    identity,
                    false);
            String text = tagText(head, record);
            java.util.Optional<InPlacePublication.Target> inPlace =
                    cache.inPlaceTarget(repo, task.remote(), ws.directory());
            String from = outcome.baseRevision() != null ? outcome.baseRevision() : task.baseCommit();
            if (inPlace.isPresent() && from != null) {
                switch (publisher.publish(inPlace.get(), from, head, text, task.itemRef())) {
                    case PUBLISHED:
                        return record;
                    case ALREADY_PUBLISHED:
                        // another dispatch of the same attempt finished first: its result stands
                        return recorded(repo, task).withDispatch(dispatch, true);
                    case UNAVAILABLE:
                    default:
                        LOG.info("item {}: cannot publish in place into {}; pushing", task.itemId(), task.remote());
                }
            }
            Git.Result made = Git.run(repo, text, "mktag");
            if (!made.ok()) {
                throw ApplicationFailure.newFailure(
                        "could not record item " + task.itemId() + ": " + made.output(), "RecordFailed");
            }
            String tag = made.output();
            Git.Result push = null;
            for (int i = 0; i < 3 && (push == null || !push.ok()); i++) {
                // a push into a repository whose worktrees change at that moment can fail once: try again
                push = Git.run(ws.directory(), null, "push", "-q", task.remote(), tag + ":" + task.itemRef());
            }
            if (!push.ok()) {
                if (Git.remoteRef(repo, task.remote(), task.itemRef()).isPresent()) {
                    // another dispatch of the same attempt finished first: its result stands
                    return recorded(repo, task).withDispatch(dispatch, true);
                }
                throw ApplicationFailure.newFailure(
                        "could not push item " + task.itemId() + " to " + task.itemRef() + ": " + push.output(),
                        "PushFailed");
            }
            return record;
        } finally {
            cache.releaseSoon(ws); // after the result goes back; the next acquire on this worker waits for it
        }
    }

    /** Does the pending worktree releases and stops the cache's thread. */
    @Override
    public void close() {
        cache.close();
    }

    private ItemRecord withHeartbeats(
            ActivityExecutionContext ctx, ItemTask task, ItemProgress progress, Callable<ItemRecord> work) {
        FutureTask<ItemRecord> job = new FutureTask<>(work);
        Thread thread = new Thread(job, "prodigy-item-" + task.itemId());
        thread.setDaemon(true);
        thread.start();
        long beat = Math.max(100, task.heartbeatTimeoutMillis() / 4);
        try {
            while (true) {
                // throws ActivityCompletionException once the activity is cancelled or timed out
                ctx.heartbeat(progress.snapshot());
                try {
                    return job.get(beat, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // still running: heartbeat again
                }
            }
        } catch (ActivityCompletionException e) {
            LOG.info(
                    "item {}: {}; stopping its agent",
                    task.itemId(),
                    e.getClass().getSimpleName());
            stop(thread, job);
            throw e;
        } catch (InterruptedException e) {
            stop(thread, job);
            Thread.currentThread().interrupt();
            throw ApplicationFailure.newFailure("the worker was interrupted", "Interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApplicationFailure af) {
                throw af;
            }
            if (cause instanceof WorkflowDefinitionException) {
                throw ApplicationFailure.newNonRetryableFailure(cause.getMessage(), ItemWorkflowImpl.MISMATCH);
            }
            throw ApplicationFailure.newFailure(
                    "item " + task.itemId() + " failed on " + identity + ": " + cause, "WorkerError");
        }
    }

    private static void stop(Thread thread, FutureTask<?> job) {
        thread.interrupt();
        try {
            job.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            LOG.debug("the stopped item ended with {}", e.toString());
        }
    }

    private ItemRecord failure(ItemTask task, MapAttemptOutcome o, int dispatch) {
        ItemError e = o.error();
        boolean throttled = e.kind() == ErrorKind.RATE_LIMITED
                || e.kind() == ErrorKind.OVERLOADED
                || e.kind() == ErrorKind.QUOTA_EXHAUSTED;
        return new ItemRecord(
                task.itemId(),
                throttled ? ItemRecord.THROTTLED : ItemRecord.FAILED,
                e.kind().name(),
                truncate(e.message()),
                e.exitCode(),
                e.step(),
                truncate(o.output()),
                o.costUsd(),
                o.tokens().inputTokens(),
                o.tokens().outputTokens(),
                o.baseRevision(),
                null,
                0,
                dispatch,
                identity,
                false);
    }

    private ItemRecord recorded(Path repo, ItemTask task) {
        Path inPlace = SettledRefs.localRepository(task.remote());
        if (inPlace != null) {
            return readRecord(inPlace, task.itemRef()); // a repository of this machine: read in place, no fetch
        }
        String local = "refs/prodigy-fetched/" + WorkerCache.hash(task.remote() + task.itemRef());
        cache.fetch(repo, task.remote(), "+" + task.itemRef() + ":" + local);
        return readRecord(repo, local);
    }

    /**
     * @param repo a repository holding the tag
     * @param ref the ref of the annotated tag an item's worker pushed
     * @return the record in its message
     */
    static ItemRecord readRecord(Path repo, String ref) {
        String text = Git.check(repo, "cat-file", "tag", ref);
        int blank = text.indexOf("\n\n");
        try {
            return JSON.readValue(blank < 0 ? "{}" : text.substring(blank + 2), ItemRecord.class);
        } catch (JsonProcessingException e) {
            throw new io.prodigy.api.IsolationException(
                    "the record at " + ref + " is not valid: " + e.getOriginalMessage(), e);
        }
    }

    private static String tagText(String commit, ItemRecord record) {
        try {
            return "object " + commit + "\ntype commit\ntag prodigy-item\ntagger Prodigy <prodigy@localhost> "
                    + Instant.now().getEpochSecond() + " +0000\n\n" + JSON.writeValueAsString(record) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= OUTPUT_LIMIT ? s : s.substring(0, OUTPUT_LIMIT) + "...";
    }
}
