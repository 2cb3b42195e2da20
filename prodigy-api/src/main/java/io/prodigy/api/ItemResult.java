package io.prodigy.api;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one MapReduce work item.
 *
 * @param itemId the item's id ({@code item_<index>} or the configured id field)
 * @param index the item's position after the data pipeline
 * @param itemJson the item as compact JSON
 * @param status what happened
 * @param attempts how many times the item's template ran (0 if never)
 * @param startedAt when the first attempt started, or null
 * @param duration the time spent on the item over all attempts
 * @param output the output of the item's last step, or null
 * @param error why it failed, or null
 * @param deadLettered whether it was recorded in the Dead Letter Queue
 * @param workspace the workspace it ran in (kept for failed items), or null
 * @param commits the commits it produced, oldest first (empty without version control)
 * @param costUsd the agent cost of the item in US dollars, or null if unknown
 * @param tokens the tokens its agents used
 */
public record ItemResult(String itemId, int index, String itemJson, ItemStatus status, int attempts,
                         Instant startedAt, Duration duration, String output, ItemError error, boolean deadLettered,
                         Path workspace, List<String> commits, Double costUsd, io.prodigy.api.spi.TokenUsage tokens) {
    /** Validates and copies. */
    public ItemResult {
        Checks.notNull(itemId, "item id");
        Checks.notNull(status, "item status");
        duration = duration == null ? Duration.ZERO : duration;
        commits = Checks.list(commits, "commits");
        tokens = tokens == null ? io.prodigy.api.spi.TokenUsage.NONE : tokens;
    }

    /** @return whether the item succeeded */
    public boolean succeeded() {
        return status == ItemStatus.SUCCEEDED;
    }
}
