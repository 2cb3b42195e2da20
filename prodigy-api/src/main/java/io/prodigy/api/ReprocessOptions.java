package io.prodigy.api;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which Dead Letter Queue entries to run again, and how.
 *
 * @param errorKinds only entries whose last failure is of one of these kinds; empty for all
 * @param maxParallel agents at once, or null for the workflow's {@code max_parallel}
 * @param dryRun only list what would run
 * @param rerunReduce whether the reduce phase runs again, with the new {@code ${map.*}} values, once a retried item
 *                    has been integrated (default true: the run's result then covers the fixed items); false keeps
 *                    the earlier reduce's result
 *
 * @since 0.1
 */
public record ReprocessOptions(
        Set<ErrorKind> errorKinds, @Nullable Integer maxParallel, boolean dryRun, boolean rerunReduce) {
    /** Every unresolved entry, the workflow's parallelism, for real, reduce run again. */
    public static final ReprocessOptions ALL = new ReprocessOptions(Set.of(), null, false, true);

    /**
     * Copies and validates.
     *
     * @param errorKinds only entries whose last failure is of one of these kinds; empty for all
     * @param maxParallel agents at once, or null for the workflow's {@code max_parallel}
     * @param dryRun only list what would run
     * @param rerunReduce whether the reduce phase runs again, with the new {@code ${map.*}} values, once a retried item
     *        has been integrated (default true: the run's result then covers the fixed items); false keeps
     *        the earlier reduce's result
     */
    public ReprocessOptions {
        errorKinds = errorKinds == null ? Set.of() : Set.copyOf(errorKinds);
        if (maxParallel != null) {
            Checks.positive(maxParallel, "max_parallel");
        }
    }

    /**
     * Options that run reduce again after integrating retried items.
     *
     * @param errorKinds only entries whose last failure is of one of these kinds; empty or null for all
     * @param maxParallel agents at once, or null for the workflow's {@code max_parallel}
     * @param dryRun only list what would run
     */
    public ReprocessOptions(@Nullable Set<ErrorKind> errorKinds, @Nullable Integer maxParallel, boolean dryRun) {
        this(errorKinds, maxParallel, dryRun, true);
    }

    /** @return a builder with the defaults of {@link #ALL} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link ReprocessOptions}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private Set<ErrorKind> errorKinds = Set.of();
        private @Nullable Integer maxParallel;
        private boolean dryRun;
        private boolean rerunReduce = true;

        private Builder() {}

        /**
         * @param kinds only entries whose last failure is of one of these kinds; empty for all
         * @return this
         */
        public Builder errorKinds(Set<ErrorKind> kinds) {
            this.errorKinds = Checks.notNull(kinds, "kinds");
            return this;
        }

        /**
         * @param max agents at once, or null for the workflow's {@code max_parallel}
         * @return this
         */
        public Builder maxParallel(@Nullable Integer max) {
            this.maxParallel = max;
            return this;
        }

        /**
         * @param dry only list what would run
         * @return this
         */
        public Builder dryRun(boolean dry) {
            this.dryRun = dry;
            return this;
        }

        /**
         * @param rerun whether reduce runs again after retried items are integrated (default true)
         * @return this
         */
        public Builder rerunReduce(boolean rerun) {
            this.rerunReduce = rerun;
            return this;
        }

        /**
         * @return the options
         * @throws WorkflowDefinitionException if a value is out of range
         */
        public ReprocessOptions build() {
            return new ReprocessOptions(errorKinds, maxParallel, dryRun, rerunReduce);
        }
    }
}
