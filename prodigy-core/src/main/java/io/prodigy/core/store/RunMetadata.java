package io.prodigy.core.store;

import io.prodigy.api.spi.RunRecord;

/**
 * The keys of a {@link RunRecord#metadata() run record's metadata} the engine writes, and typed readers for the
 * figures that the engine, the report and the run listing read back. Every value is text: numbers in Java's
 * {@code String.valueOf} form, {@link #ARGS} and {@link #VARIABLES} as JSON.
 */
public final class RunMetadata {
    /** The run's positional arguments, as a JSON array of strings. */
    public static final String ARGS = "args";
    /** The run's variables, as a JSON object of strings. */
    public static final String VARIABLES = "variables";
    /** The profile the run was started with. */
    public static final String PROFILE = "profile";
    /** The {@code max_parallel} the run was started with. */
    public static final String MAX_PARALLEL = "max_parallel";
    /** The run's cost budget in US dollars. */
    public static final String BUDGET_USD = "budget_usd";
    /** What the run's agents cost so far in US dollars, over every session. */
    public static final String SPENT_USD = "spent_usd";
    /** The {@code max_iterations} the run was started with. */
    public static final String MAX_ITERATIONS = "max_iterations";

    private RunMetadata() {}

    /**
     * @param record a run
     * @return what its agents cost, or null if not recorded or not a number
     * @throws NullPointerException if {@code record} is null
     */
    public static Double spentUsd(RunRecord record) {
        return decimal(record.metadata().get(SPENT_USD));
    }

    /**
     * @param record a run
     * @return its cost budget, or null if it has none or it is not a number
     * @throws NullPointerException if {@code record} is null
     */
    public static Double budgetUsd(RunRecord record) {
        return decimal(record.metadata().get(BUDGET_USD));
    }

    /**
     * @param record a run
     * @return the {@code max_parallel} it was started with, or null (the workflow's) if not recorded or not an
     *         integer
     * @throws NullPointerException if {@code record} is null
     */
    public static Integer maxParallel(RunRecord record) {
        String v = record.metadata().get(MAX_PARALLEL);
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double decimal(String v) {
        try {
            return v == null ? null : Double.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
