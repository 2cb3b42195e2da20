package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.RunOptions;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.internal.Json;
import io.prodigy.core.store.RunMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run options a run record keeps in its metadata, so that a resume or a DLQ reprocessing runs with the options
 * the run started with: written when a run starts, read back when it is resumed.
 */
final class RecordedRunOptions {
    private static final String ARGS = RunMetadata.ARGS;
    private static final String VARIABLES = RunMetadata.VARIABLES;
    private static final String PROFILE = RunMetadata.PROFILE;
    private static final String MAX_PARALLEL = RunMetadata.MAX_PARALLEL;
    private static final String BUDGET = RunMetadata.BUDGET_USD;
    private static final String ITERATIONS = RunMetadata.MAX_ITERATIONS;

    private RecordedRunOptions() {}

    /**
     * @param options a run's options
     * @return the metadata recording them
     */
    static Map<String, String> of(RunOptions options) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ARGS, Json.writeValue(options.args()));
        m.put(VARIABLES, Json.writeValue(options.variables()));
        if (options.profile() != null) {
            m.put(PROFILE, options.profile());
        }
        if (options.maxParallel() != null) {
            m.put(MAX_PARALLEL, String.valueOf(options.maxParallel()));
        }
        if (options.budgetUsd() != null) {
            m.put(BUDGET, String.valueOf(options.budgetUsd()));
        }
        if (options.maxIterations() > 1) {
            m.put(ITERATIONS, String.valueOf(options.maxIterations()));
        }
        return m;
    }

    /**
     * @param record a run's record
     * @return the options the run started with, under its id
     * @throws ProdigyException if the recorded arguments or variables are not readable JSON
     */
    static RunOptions optionsOf(RunRecord record) {
        Map<String, String> m = record.metadata();
        RunOptions.Builder b = RunOptions.builder().runId(record.runId());
        try {
            if (m.containsKey(ARGS)) {
                for (JsonNode a : Json.parse(m.get(ARGS))) {
                    b.args(a.asText());
                }
            }
            if (m.containsKey(VARIABLES)) {
                Json.parse(m.get(VARIABLES))
                        .properties()
                        .forEach(e -> b.variable(e.getKey(), e.getValue().asText()));
            }
        } catch (JsonProcessingException e) {
            throw new ProdigyException(
                    "the record of run '" + record.runId() + "' has unreadable options: " + e.getOriginalMessage(), e);
        }
        if (m.containsKey(PROFILE)) {
            b.profile(m.get(PROFILE));
        }
        if (m.containsKey(MAX_PARALLEL)) {
            b.maxParallel(Integer.valueOf(m.get(MAX_PARALLEL)));
        }
        if (m.containsKey(BUDGET)) {
            b.budgetUsd(Double.valueOf(m.get(BUDGET)));
        }
        if (m.containsKey(ITERATIONS)) {
            b.maxIterations(Integer.parseInt(m.get(ITERATIONS)));
        }
        return b.build();
    }

    /**
     * @param record the record of the run being resumed, or null for a new run
     * @return what the run spent before (0 when nothing is recorded)
     */
    static double spentBefore(RunRecord record) {
        Double spent = record == null ? null : RunMetadata.spentUsd(record);
        return spent == null ? 0 : spent;
    }
}
