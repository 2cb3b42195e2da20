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
public record ItemResult(
        String itemId,
        int index,
        String itemJson,
        ItemStatus status,
        int attempts,
        @Nullable Instant startedAt,
        Duration duration,
        @Nullable String output,
        @Nullable ItemError error,
        boolean deadLettered,
        @Nullable Path workspace,
        List<String> commits,
        @Nullable Double costUsd,
        io.prodigy.api.spi.TokenUsage tokens,
        List<String> filesModified,
        @Nullable Path worktreePath,
        @Nullable String branch) {
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
    public ItemResult(
            String itemId,
            int index,
            String itemJson,
            ItemStatus status,
            int attempts,
            @Nullable Instant startedAt,
            Duration duration,
            @Nullable String output,
            @Nullable ItemError error,
            boolean deadLettered,
            @Nullable Path workspace,
            List<String> commits,
            @Nullable Double costUsd,
            io.prodigy.api.spi.TokenUsage tokens) {
        this(
                itemId,
                index,
                itemJson,
                status,
                attempts,
                startedAt,
                duration,
                output,
                error,
                deadLettered,
                workspace,
                commits,
                costUsd,
                tokens,
                List.of(),
                workspace,
                null);
    }

    /** @return whether the item succeeded */
    public boolean succeeded() {
        return status == ItemStatus.SUCCEEDED;
    }

    /**
     * Starts an item result; every other value has a default (no attempts, no output, no error).
     *
     * @param itemId the item's id
     * @param status what happened
     * @return a builder
     */
    public static Builder builder(String itemId, ItemStatus status) {
        Builder b = new Builder();
        b.itemId = WorkflowDefinitionException.requireNonNull(itemId, "itemId");
        b.status = WorkflowDefinitionException.requireNonNull(status, "status");
        return b;
    }

    /**
     * @return a builder initialised with this item result
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.itemId = itemId;
        b.index = index;
        b.itemJson = itemJson;
        b.status = status;
        b.attempts = attempts;
        b.startedAt = startedAt;
        b.duration = duration;
        b.output = output;
        b.error = error;
        b.deadLettered = deadLettered;
        b.workspace = workspace;
        b.commits = commits;
        b.costUsd = costUsd;
        b.tokens = tokens;
        b.filesModified = filesModified;
        b.worktreePath = worktreePath;
        b.branch = branch;
        return b;
    }

    /**
     * Builds {@link ItemResult}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String itemId;
        private int index;
        private String itemJson = "{}";
        private ItemStatus status;
        private int attempts;
        private @Nullable Instant startedAt;
        private Duration duration = Duration.ZERO;
        private @Nullable String output;
        private @Nullable ItemError error;
        private boolean deadLettered;
        private @Nullable Path workspace;
        private List<String> commits = List.of();
        private @Nullable Double costUsd;
        private io.prodigy.api.spi.TokenUsage tokens = io.prodigy.api.spi.TokenUsage.NONE;
        private List<String> filesModified = List.of();
        private @Nullable Path worktreePath;
        private @Nullable String branch;

        private Builder() {}

        /**
         * @param status what happened
         * @return this
         */
        public Builder status(ItemStatus status) {
            this.status = WorkflowDefinitionException.requireNonNull(status, "status");
            return this;
        }

        /**
         * @param index the item's position after the data pipeline (default 0)
         * @return this
         */
        public Builder index(int index) {
            this.index = index;
            return this;
        }

        /**
         * @param itemJson the item as compact JSON (default {@code {}})
         * @return this
         */
        public Builder itemJson(String itemJson) {
            this.itemJson = WorkflowDefinitionException.requireNonNull(itemJson, "itemJson");
            return this;
        }

        /**
         * @param attempts how many times the item's template ran (default 0)
         * @return this
         */
        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        /**
         * @param startedAt when the first attempt started, or null
         * @return this
         */
        public Builder startedAt(@Nullable Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        /**
         * @param duration the time spent on the item over all attempts (default zero)
         * @return this
         */
        public Builder duration(Duration duration) {
            this.duration = WorkflowDefinitionException.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * @param output the output of the item's last step, or null
         * @return this
         */
        public Builder output(@Nullable String output) {
            this.output = output;
            return this;
        }

        /**
         * @param error why it failed, or null
         * @return this
         */
        public Builder error(@Nullable ItemError error) {
            this.error = error;
            return this;
        }

        /**
         * @param deadLettered whether it was recorded in the Dead Letter Queue
         * @return this
         */
        public Builder deadLettered(boolean deadLettered) {
            this.deadLettered = deadLettered;
            return this;
        }

        /**
         * @param workspace the workspace it ran in (kept for failed items), or null
         * @return this
         */
        public Builder workspace(@Nullable Path workspace) {
            this.workspace = workspace;
            return this;
        }

        /**
         * @param commits the commits it produced, oldest first
         * @return this
         */
        public Builder commits(List<String> commits) {
            this.commits = WorkflowDefinitionException.requireNonNull(commits, "commits");
            return this;
        }

        /**
         * @param costUsd the agent cost of the item in US dollars, or null if unknown
         * @return this
         */
        public Builder costUsd(@Nullable Double costUsd) {
            this.costUsd = costUsd;
            return this;
        }

        /**
         * @param tokens the tokens its agents used
         * @return this
         */
        public Builder tokens(io.prodigy.api.spi.TokenUsage tokens) {
            this.tokens = WorkflowDefinitionException.requireNonNull(tokens, "tokens");
            return this;
        }

        /**
         * @param filesModified the files its commits added or modified
         * @return this
         */
        public Builder filesModified(List<String> filesModified) {
            this.filesModified = WorkflowDefinitionException.requireNonNull(filesModified, "filesModified");
            return this;
        }

        /**
         * @param worktreePath the directory it last ran in, or null
         * @return this
         */
        public Builder worktreePath(@Nullable Path worktreePath) {
            this.worktreePath = worktreePath;
            return this;
        }

        /**
         * @param branch the branch it worked on, or null
         * @return this
         */
        public Builder branch(@Nullable String branch) {
            this.branch = branch;
            return this;
        }

        /**
         * @return the item result
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public ItemResult build() {
            return new ItemResult(
                    itemId,
                    index,
                    itemJson,
                    status,
                    attempts,
                    startedAt,
                    duration,
                    output,
                    error,
                    deadLettered,
                    workspace,
                    commits,
                    costUsd,
                    tokens,
                    filesModified,
                    worktreePath,
                    branch);
        }
    }
}
