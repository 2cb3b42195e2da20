package io.prodigy.api.spi;

import io.prodigy.api.ItemError;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one attempt at a map item.
 *
 * @param workspace the item's workspace holding its work, to integrate on success and release afterwards, or null
 *                  if none was made
 * @param baseRevision the revision the item's work started from (its commits are those since it), or null to use
 *                     the workspace's head when it was acquired
 * @param error why the attempt failed, or null on success
 * @param output the last step's output
 * @param costUsd what the agents cost, or null if unknown
 * @param tokens tokens used
 * @param log the agent's transcript path or log, or null
 * @param dispatches how many times the executor had to start the attempt (more than 1 when a worker died and another
 *                   finished it); at least 1
 *
 * @since 0.1
 */
public record MapAttemptOutcome(@Nullable Workspace workspace, @Nullable String baseRevision, @Nullable ItemError error, String output,
                                @Nullable Double costUsd, TokenUsage tokens, @Nullable String log, int dispatches) {
    /**
     * Applies defaults.
     *
     * @param workspace the item's workspace holding its work, to integrate on success and release afterwards, or null
     *        if none was made
     * @param baseRevision the revision the item's work started from (its commits are those since it), or null to use
     *        the workspace's head when it was acquired
     * @param error why the attempt failed, or null on success
     * @param output the last step's output
     * @param costUsd what the agents cost, or null if unknown
     * @param tokens tokens used
     * @param log the agent's transcript path or log, or null
     * @param dispatches how many times the executor had to start the attempt (more than 1 when a worker died and another
     *        finished it); at least 1
     */
    public MapAttemptOutcome {
        output = output == null ? "" : output;
        tokens = tokens == null ? TokenUsage.NONE : tokens;
        dispatches = Math.max(1, dispatches);
    }
}
