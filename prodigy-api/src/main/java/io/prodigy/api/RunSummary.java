package io.prodigy.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Aggregate figures of a run's MapReduce items.
 *
 * @param total items after the data pipeline
 * @param succeeded items that succeeded
 * @param failed items that failed for good
 * @param deadLettered failed items recorded in the DLQ
 * @param notRun items never started
 * @param mapDuration wall time of the map phases
 * @param throughputPerSecond finished items per second of map wall time
 * @param parallelEfficiency the sum of item durations divided by (map wall time × max parallel), 0 to 1
 * @param averageItemDuration mean duration of finished items
 * @param costUsd the agent cost of the run (every step, items or not), or null if unknown
 * @param tokens the tokens the run's agents used
 * @since 0.1
 */
public record RunSummary(
        int total,
        int succeeded,
        int failed,
        int deadLettered,
        int notRun,
        Duration mapDuration,
        double throughputPerSecond,
        double parallelEfficiency,
        Duration averageItemDuration,
        @Nullable Double costUsd,
        io.prodigy.api.spi.TokenUsage tokens) {
    /**
     * Applies defaults.
     *
     * @param total items after the data pipeline
     * @param succeeded items that succeeded
     * @param failed items that failed for good
     * @param deadLettered failed items recorded in the DLQ
     * @param notRun items never started
     * @param mapDuration wall time of the map phases
     * @param throughputPerSecond finished items per second of map wall time
     * @param parallelEfficiency the sum of item durations divided by (map wall time × max parallel), 0 to 1
     * @param averageItemDuration mean duration of finished items
     * @param costUsd the agent cost of the run (every step, items or not), or null if unknown
     * @param tokens the tokens the run's agents used
     */
    public RunSummary {
        tokens = tokens == null ? io.prodigy.api.spi.TokenUsage.NONE : tokens;
    }

    /** A run without items: every figure zero, cost unknown, no tokens. */
    public static final RunSummary EMPTY =
            new RunSummary(0, 0, 0, 0, 0, Duration.ZERO, 0, 0, Duration.ZERO, null, io.prodigy.api.spi.TokenUsage.NONE);

    /**
     * Starts a summary whose figures are all zero.
     *
     * @return a builder
     */
    public static Builder builder() {
        Builder b = new Builder();
        return b;
    }

    /**
     * @return a builder initialised with this run summary
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.total = total;
        b.succeeded = succeeded;
        b.failed = failed;
        b.deadLettered = deadLettered;
        b.notRun = notRun;
        b.mapDuration = mapDuration;
        b.throughputPerSecond = throughputPerSecond;
        b.parallelEfficiency = parallelEfficiency;
        b.averageItemDuration = averageItemDuration;
        b.costUsd = costUsd;
        b.tokens = tokens;
        return b;
    }

    /**
     * Builds {@link RunSummary}: every value not set keeps its documented default. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int total;
        private int succeeded;
        private int failed;
        private int deadLettered;
        private int notRun;
        private Duration mapDuration = Duration.ZERO;
        private double throughputPerSecond;
        private double parallelEfficiency;
        private Duration averageItemDuration = Duration.ZERO;
        private @Nullable Double costUsd;
        private io.prodigy.api.spi.TokenUsage tokens = io.prodigy.api.spi.TokenUsage.NONE;

        private Builder() {}

        /**
         * @param total items after the data pipeline
         * @return this
         */
        public Builder total(int total) {
            this.total = total;
            return this;
        }

        /**
         * @param succeeded items that succeeded
         * @return this
         */
        public Builder succeeded(int succeeded) {
            this.succeeded = succeeded;
            return this;
        }

        /**
         * @param failed items that failed for good
         * @return this
         */
        public Builder failed(int failed) {
            this.failed = failed;
            return this;
        }

        /**
         * @param deadLettered failed items recorded in the DLQ
         * @return this
         */
        public Builder deadLettered(int deadLettered) {
            this.deadLettered = deadLettered;
            return this;
        }

        /**
         * @param notRun items never started
         * @return this
         */
        public Builder notRun(int notRun) {
            this.notRun = notRun;
            return this;
        }

        /**
         * @param mapDuration wall time of the map phases (default zero)
         * @return this
         */
        public Builder mapDuration(Duration mapDuration) {
            this.mapDuration = WorkflowDefinitionException.requireNonNull(mapDuration, "mapDuration");
            return this;
        }

        /**
         * @param throughputPerSecond finished items per second of map wall time
         * @return this
         */
        public Builder throughputPerSecond(double throughputPerSecond) {
            this.throughputPerSecond = throughputPerSecond;
            return this;
        }

        /**
         * @param parallelEfficiency the sum of item durations divided by (map wall time × max parallel), 0 to 1
         * @return this
         */
        public Builder parallelEfficiency(double parallelEfficiency) {
            this.parallelEfficiency = parallelEfficiency;
            return this;
        }

        /**
         * @param averageItemDuration mean duration of finished items (default zero)
         * @return this
         */
        public Builder averageItemDuration(Duration averageItemDuration) {
            this.averageItemDuration =
                    WorkflowDefinitionException.requireNonNull(averageItemDuration, "averageItemDuration");
            return this;
        }

        /**
         * @param costUsd the agent cost of the run, or null if unknown
         * @return this
         */
        public Builder costUsd(@Nullable Double costUsd) {
            this.costUsd = costUsd;
            return this;
        }

        /**
         * @param tokens the tokens the run's agents used
         * @return this
         */
        public Builder tokens(io.prodigy.api.spi.TokenUsage tokens) {
            this.tokens = WorkflowDefinitionException.requireNonNull(tokens, "tokens");
            return this;
        }

        /**
         * @return the run summary
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public RunSummary build() {
            return new RunSummary(
                    total,
                    succeeded,
                    failed,
                    deadLettered,
                    notRun,
                    mapDuration,
                    throughputPerSecond,
                    parallelEfficiency,
                    averageItemDuration,
                    costUsd,
                    tokens);
        }
    }
}
