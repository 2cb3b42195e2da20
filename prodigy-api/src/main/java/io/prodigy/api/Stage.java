package io.prodigy.api;

import java.util.List;

/**
 * One stage of a {@link Workflow}. Stages run in order; each sees the variables the previous ones captured,
 * including the {@code ${map.*}} aggregates of an earlier MapReduce stage.
 *
 * @since 0.1
 */
public sealed interface Stage permits Stage.Steps, Stage.MapReduce {

    /** @return the stage's name (for events and messages) */
    String name();

    /**
     * Plain steps run in order in the run's workspace.
     *
     * @param name the stage name
     * @param steps the steps
     * @since 0.1
     */
    record Steps(String name, List<Step> steps) implements Stage {
        /**
         * Validates and copies.
         *
         * @param name the stage name
         * @param steps the steps
         */
        public Steps {
            Checks.notBlank(name, "stage name");
            steps = Checks.list(steps, "steps");
        }
    }

    /**
     * A setup → map → reduce stage.
     *
     * @param name the stage name
     * @param setup the setup phase (may have no steps)
     * @param map the map phase
     * @param reduce the reduce steps, which see {@code ${map.successful}}, {@code ${map.failed}},
     *               {@code ${map.total}} and {@code ${map.results}}
     * @param errorPolicy how failed items are handled
     * @since 0.1
     */
    record MapReduce(String name, SetupPhase setup, MapPhase map, List<Step> reduce, ErrorPolicy errorPolicy)
            implements Stage {
        /**
         * Validates and applies defaults.
         *
         * @param name the stage name
         * @param setup the setup phase (may have no steps)
         * @param map the map phase
         * @param reduce the reduce steps, which see {@code ${map.successful}}, {@code ${map.failed}},
         *        {@code ${map.total}} and {@code ${map.results}}
         * @param errorPolicy how failed items are handled
         */
        public MapReduce {
            Checks.notBlank(name, "stage name");
            setup = setup == null ? SetupPhase.of(List.of()) : setup;
            Checks.notNull(map, "map phase");
            reduce = Checks.list(reduce, "reduce");
            errorPolicy = errorPolicy == null ? ErrorPolicy.DEFAULT : errorPolicy;
        }
    }
}
