package io.prodigy.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a run's progress, cheap to take at any moment from any thread.
 *
 * @param phase the phase running now ({@code setup}, {@code map}, {@code reduce}, {@code steps}) or {@code done}
 * @param total items in the current map phase (0 before it is known)
 * @param succeeded items that succeeded
 * @param failed items that failed for good
 * @param running items running now
 * @param pending items not yet started
 * @param elapsed time since the run started
 * @param throughputPerSecond finished items per second of map time so far
 * @param eta estimated time until the map phase ends, or null when unknown
 * @since 0.1
 */
public record ProgressSnapshot(
        String phase,
        int total,
        int succeeded,
        int failed,
        int running,
        int pending,
        Duration elapsed,
        double throughputPerSecond,
        @Nullable Duration eta) {
    /** @return items finished, successfully or not */
    public int done() {
        return succeeded + failed;
    }
}
