package io.prodigy.api;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
 * @param filesModified the files its commits added or modified (empty without version control or when unknown)
 * @param worktreePath the directory it last ran in, or null (the workspace itself may be gone)
 * @param branch the branch it worked on, or null
 * @since 0.1
 */
public record ItemResult(String itemId, int index, String itemJson, ItemStatus status, int attempts,
                         @Nullable Instant startedAt, Duration duration, @Nullable String output, @Nullable ItemError error, boolean deadLettered,
                         @Nullable Path workspace, List<String> commits, @Nullable Double costUsd, io.prodigy.api.spi.TokenUsage tokens,
                         List<String> filesModified, @Nullable Path worktreePath, @Nullable String branch) {
    /**
     * Validates and copies.
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
     * @param filesModified the files its commits added or modified (empty without version control or when unknown)
     * @param worktreePath the directory it last ran in, or null (the workspace itself may be gone)
     * @param branch the branch it worked on, or null
     */
    public ItemResult {
        Checks.notNull(itemId, "item id");
        Checks.notNull(status, "item status");
        duration = duration == null ? Duration.ZERO : duration;
        commits = Checks.list(commits, "commits");
        tokens = tokens == null ? io.prodigy.api.spi.TokenUsage.NONE : tokens;
        filesModified = filesModified == null ? List.of() : Checks.list(filesModified, "files modified");
    }

    /**
     * An item result without the files, directory and branch it worked on.
     *
     * @param itemId the item's id
     * @param index its position
     * @param itemJson the item as JSON
     * @param status what happened
     * @param attempts how many times its template ran
     * @param startedAt when the first attempt started, or null
     * @param duration the time spent
     * @param output the last step's output, or null
     * @param error why it failed, or null
     * @param deadLettered whether it is in the Dead Letter Queue
     * @param workspace the kept workspace, or null
     * @param commits its commits
     * @param costUsd its agent cost, or null
     * @param tokens the tokens its agents used
     */
    public ItemResult(String itemId, int index, String itemJson, ItemStatus status, int attempts, @Nullable Instant startedAt,
                      Duration duration, @Nullable String output, @Nullable ItemError error, boolean deadLettered, @Nullable Path workspace,
                      List<String> commits, @Nullable Double costUsd, io.prodigy.api.spi.TokenUsage tokens) {
        this(itemId, index, itemJson, status, attempts, startedAt, duration, output, error, deadLettered, workspace,
                commits, costUsd, tokens, List.of(), workspace, null);
    }

    /** @return whether the item succeeded */
    public boolean succeeded() {
        return status == ItemStatus.SUCCEEDED;
    }
}
