package io.prodigy.api;

import java.util.Set;

/**
 * Which Dead Letter Queue entries to run again, and how.
 *
 * @param errorKinds only entries whose last failure is of one of these kinds; empty for all
 * @param maxParallel agents at once, or null for the workflow's {@code max_parallel}
 * @param dryRun only list what would run
 */
public record ReprocessOptions(Set<ErrorKind> errorKinds, Integer maxParallel, boolean dryRun) {
    /** Every unresolved entry, the workflow's parallelism, for real. */
    public static final ReprocessOptions ALL = new ReprocessOptions(Set.of(), null, false);

    /** Copies and validates. */
    public ReprocessOptions {
        errorKinds = errorKinds == null ? Set.of() : Set.copyOf(errorKinds);
        if (maxParallel != null) {
            Checks.positive(maxParallel, "max_parallel");
        }
    }
}
