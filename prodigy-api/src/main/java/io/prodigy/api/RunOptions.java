package io.prodigy.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Per-run inputs that are not part of the workflow: positional arguments ({@code $1}, {@code ${ARG_1}},
 * {@code ${ARG}}), extra variables, and overrides.
 *
 * @param args positional arguments
 * @param variables extra variables visible to every step (they win over the workflow's env)
 * @param maxParallel overrides every map phase's {@code max_parallel}, or null
 * @param runId the id to use, or null to generate one
 * @param profile the workflow profile to apply, or null
 * @param budgetUsd the most the run's agents may cost in US dollars; when reached the run pauses (status
 *                  {@link RunStatus#PAUSED}) instead of failing items; null for no budget
 * @param maxIterations how many times a workflow without a map phase runs its steps (the Rust tool's
 *                      {@code -n}): iteration 2 and later run only while the iteration before made commits;
 *                      {@code ${ITERATION}} and {@code ${workflow.iteration}} hold the number, from 1
 *
 * @since 0.1
 */
public record RunOptions(
        List<String> args,
        Map<String, String> variables,
        @Nullable Integer maxParallel,
        @Nullable String runId,
        @Nullable String profile,
        @Nullable Double budgetUsd,
        int maxIterations) {

    /** No arguments, no overrides. */
    public static final RunOptions DEFAULT = new RunOptions(List.of(), Map.of(), null, null, null, null, 1);

    /**
     * Options for one iteration.
     *
     * @param args positional arguments
     * @param variables extra variables
     * @param maxParallel the map phases' max_parallel override, or null
     * @param runId the run id, or null
     * @param profile the profile, or null
     * @param budgetUsd the budget, or null
     */
    public RunOptions(
            List<String> args,
            Map<String, String> variables,
            @Nullable Integer maxParallel,
            @Nullable String runId,
            @Nullable String profile,
            @Nullable Double budgetUsd) {
        this(args, variables, maxParallel, runId, profile, budgetUsd, 1);
    }

    /**
     * Validates and copies.
     *
     * @param args positional arguments
     * @param variables extra variables visible to every step (they win over the workflow's env)
     * @param maxParallel overrides every map phase's {@code max_parallel}, or null
     * @param runId the id to use, or null to generate one
     * @param profile the workflow profile to apply, or null
     * @param budgetUsd the most the run's agents may cost in US dollars; when reached the run pauses (status
     *        {@link RunStatus#PAUSED}) instead of failing items; null for no budget
     * @param maxIterations how many times a workflow without a map phase runs its steps (the Rust tool's
     *        {@code -n}): iteration 2 and later run only while the iteration before made commits;
     *        {@code ${ITERATION}} and {@code ${workflow.iteration}} hold the number, from 1
     */
    public RunOptions {
        args = Checks.list(args, "args");
        variables = Checks.map(variables, "variables");
        if (maxParallel != null) {
            Checks.positive(maxParallel, "max_parallel");
        }
        runId = Checks.blankToNull(runId);
        profile = Checks.blankToNull(profile);
        if (budgetUsd != null && !(budgetUsd >= 0)) {
            throw new WorkflowDefinitionException("budget must be a non-negative amount, was " + budgetUsd);
        }
        if (maxIterations < 1) {
            throw new WorkflowDefinitionException("max iterations must be at least 1, was " + maxIterations);
        }
        if (runId != null && !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new WorkflowDefinitionException(
                    "run id must be letters, digits, '.', '_' or '-', was '" + runId + "'");
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link RunOptions}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> variables = new LinkedHashMap<>();
        private @Nullable Integer maxParallel;
        private @Nullable String runId;
        private @Nullable String profile;
        private @Nullable Double budgetUsd;
        private int maxIterations = 1;

        private Builder() {}

        /**
         * @param n how many iterations a workflow without a map phase may run (default 1)
         * @return this
         */
        public Builder maxIterations(int n) {
            this.maxIterations = n;
            return this;
        }

        /**
         * @param values positional arguments, appended
         * @return this
         */
        public Builder args(String... values) {
            args.addAll(Checks.elements("values", values));
            return this;
        }

        /**
         * @param name name
         * @param value value
         * @return this
         */
        public Builder variable(String name, String value) {
            variables.put(Checks.notNull(name, "name"), Checks.notNull(value, "value"));
            return this;
        }

        /**
         * @param max overrides max_parallel, or null for the workflow's
         * @return this
         */
        public Builder maxParallel(@Nullable Integer max) {
            this.maxParallel = max;
            return this;
        }

        /**
         * @param id the run id to use, or null for a generated one
         * @return this
         */
        public Builder runId(@Nullable String id) {
            this.runId = id;
            return this;
        }

        /**
         * @param name the workflow profile to apply, or null for none
         * @return this
         */
        public Builder profile(@Nullable String name) {
            this.profile = name;
            return this;
        }

        /**
         * @param usd the most the run's agents may cost, or null
         * @return this
         */
        public Builder budgetUsd(@Nullable Double usd) {
            this.budgetUsd = usd;
            return this;
        }

        /** @return the options */
        public RunOptions build() {
            return new RunOptions(args, variables, maxParallel, runId, profile, budgetUsd, maxIterations);
        }
    }
}
