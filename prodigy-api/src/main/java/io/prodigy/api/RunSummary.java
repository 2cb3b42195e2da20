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
public record RunSummary(int total, int succeeded, int failed, int deadLettered, int notRun, Duration mapDuration,
                         double throughputPerSecond, double parallelEfficiency, Duration averageItemDuration,
                         @Nullable Double costUsd, io.prodigy.api.spi.TokenUsage tokens) {
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
}
