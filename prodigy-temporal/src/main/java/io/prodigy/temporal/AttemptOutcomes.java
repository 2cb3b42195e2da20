package io.prodigy.temporal;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.api.spi.Workspace;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what an attempt's Temporal workflow ended with into the engine's {@link MapAttemptOutcome}. */
final class AttemptOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptOutcomes.class);

    private AttemptOutcomes() {}

    private static TokenUsage tokens(ItemRecord record) {
        return new TokenUsage(record.inputTokens(), record.outputTokens(), 0, 0);
    }

    /** @return the outcome of an attempt that failed or was throttled on its worker (no workspace) */
    static MapAttemptOutcome unsuccessful(ItemRecord record) {
        ErrorKind kind = kindOf(record.errorKind());
        return new MapAttemptOutcome(
                null,
                null,
                new ItemError(kind, record.errorMessage(), record.exitCode(), record.step()),
                record.output(),
                record.costUsd(),
                tokens(record),
                null,
                record.dispatch());
    }

    /** @return the outcome of a successful attempt, its work checked out in {@code ws} for the engine to merge */
    static MapAttemptOutcome integrable(
            MapAttempt attempt, ItemRecord record, Workspace ws, String url, String itemRef, boolean sameRepository) {
        TokenUsage tokens = tokens(record);
        try {
            if (!sameRepository
                    && !Git.run(ws.directory(), null, "cat-file", "-e", record.commit() + "^{commit}")
                            .ok()) {
                // not in this repository yet (a remote of its own): fetch it; a fetch can trip over a worktree
                // that another thread is creating at that moment ("bad object worktrees/..."), so try again
                Git.Result fetched = null;
                for (int i = 0; i < 3 && (fetched == null || !fetched.ok()); i++) {
                    fetched = Git.run(ws.directory(), null, Git.fetch(url, itemRef));
                }
                if (!fetched.ok()) {
                    throw new io.prodigy.api.IsolationException(
                            "git fetch " + url + " " + itemRef + " failed: " + fetched.output());
                }
            }
            Git.check(ws.directory(), "reset", "-q", "--hard", record.commit());
        } catch (ProdigyException e) {
            return new MapAttemptOutcome(
                    ws,
                    null,
                    new ItemError(
                            ErrorKind.WORKSPACE,
                            "could not fetch item " + attempt.itemId() + " from " + itemRef + ": " + e.getMessage(),
                            null,
                            null),
                    record.output(),
                    record.costUsd(),
                    tokens,
                    null,
                    record.dispatch());
        }
        LOG.info(
                "item {} done on {} (dispatch {}{})",
                attempt.itemId(),
                record.worker(),
                record.dispatch(),
                record.recorded() ? ", recorded earlier" : "");
        return new MapAttemptOutcome(
                ws, record.baseCommit(), null, record.output(), record.costUsd(), tokens, null, record.dispatch());
    }

    /** @return a failed outcome without a workspace, dispatched once */
    static MapAttemptOutcome failed(ItemError error) {
        return new MapAttemptOutcome(null, null, error, "", null, TokenUsage.NONE, null, 1);
    }

    /** @return whether the workflow ended by a cancellation or termination */
    static boolean endedByCancel(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CanceledFailure || c instanceof TerminatedFailure) {
                return true;
            }
        }
        return false;
    }

    /** @return the engine's error for a workflow that failed */
    static ItemError failureOf(MapAttempt attempt, Throwable t) {
        Throwable cause = t instanceof WorkflowFailedException wf && wf.getCause() != null ? wf.getCause() : t;
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof ApplicationFailure af && ItemWorkflowImpl.MISMATCH.equals(af.getType())) {
                return new ItemError(ErrorKind.CONFIGURATION, af.getOriginalMessage(), null, null);
            }
            if (c instanceof TimeoutFailure) {
                return new ItemError(
                        ErrorKind.CRASH,
                        "item " + attempt.itemId() + ": no worker finished it (" + c.getMessage() + ")",
                        null,
                        null);
            }
        }
        return new ItemError(
                ErrorKind.CRASH, "item " + attempt.itemId() + " failed on Temporal: " + cause.getMessage(), null, null);
    }

    static ErrorKind kindOf(String name) {
        try {
            return name == null ? ErrorKind.UNKNOWN : ErrorKind.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorKind.UNKNOWN;
        }
    }
}
