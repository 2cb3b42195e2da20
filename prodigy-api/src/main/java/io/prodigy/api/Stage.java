package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One stage of a {@link Workflow}. Stages run in order; each sees the variables the previous ones captured,
 * including the {@code ${map.*}} aggregates of an earlier MapReduce stage.
 *
 * <pre>{@code
 * Workflow pipeline = Workflow.builder("pipeline")
 *     .stage(Stage.steps("prepare", Step.shell("./prepare.sh").capture("prep")))
 *     .stage(Stage.mapReduce("triage")
 *         .setup(Step.shell("./list-issues.sh > issues.json"))
 *         .map(MapPhase.builder()
 *             .input(WorkInput.jsonFile("issues.json", "$.items[*]"))
 *             .agentTemplate(Step.agent("/triage ${item.id}")))
 *         .reduce(Step.shell("echo ${map.successful} of ${map.total}")))
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface Stage permits Stage.Steps, Stage.MapReduce {

    /** @return the stage's name (for events and messages) */
    String name();

    /**
     * @param name the stage name
     * @param steps the steps, run in order
     * @return a plain stage
     * @throws WorkflowDefinitionException if the name is blank or a step is null
     */
    static Steps steps(String name, Step... steps) {
        return new Steps(Checks.notNull(name, "name"), Checks.elements("steps", steps));
    }

    /**
     * @param name the stage name
     * @param steps the steps being built, run in order
     * @return a plain stage
     * @throws WorkflowDefinitionException if the name is blank, a step is null or a step is invalid
     */
    static Steps steps(String name, Step.Builder... steps) {
        return new Steps(Checks.notNull(name, "name"), Checks.built("steps", steps));
    }

    /**
     * Starts a setup → map → reduce stage, to add to a {@link Workflow.Builder} with
     * {@link Workflow.Builder#stage(Stage.MapReduceBuilder)}.
     *
     * @param name the stage name
     * @return a builder; the map phase is required, setup and reduce are optional
     */
    static MapReduceBuilder mapReduce(String name) {
        return new MapReduceBuilder(Checks.notNull(name, "name"));
    }

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

    /**
     * Builds a {@link Stage.MapReduce}. Not thread-safe; {@link #build()} may be called more than once.
     *
     * @since 0.1
     */
    final class MapReduceBuilder {
        private final String name;
        private final List<Step> setup = new ArrayList<>();
        private @Nullable Duration setupTimeout;
        private final Map<String, SetupCapture> captureOutputs = new LinkedHashMap<>();
        private @Nullable MapPhase map;
        private final List<Step> reduce = new ArrayList<>();
        private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;

        private MapReduceBuilder(String name) {
            this.name = name;
        }

        /**
         * @param steps setup steps (added in order)
         * @return this
         */
        public MapReduceBuilder setup(Step... steps) {
            setup.addAll(Checks.elements("steps", steps));
            return this;
        }

        /**
         * @param steps setup steps being built (added in order)
         * @return this
         */
        public MapReduceBuilder setup(Step.Builder... steps) {
            setup.addAll(Checks.built("steps", steps));
            return this;
        }

        /**
         * @param steps setup steps (added in order)
         * @return this
         */
        public MapReduceBuilder setup(List<Step> steps) {
            setup.addAll(Checks.elements(steps, "steps"));
            return this;
        }

        /**
         * @param timeout the whole setup phase's limit, or null for none
         * @return this
         */
        public MapReduceBuilder setupTimeout(@Nullable Duration timeout) {
            this.setupTimeout = timeout;
            return this;
        }

        /**
         * @param variable the variable
         * @param capture where its value comes from (one of the setup commands' outputs)
         * @return this
         */
        public MapReduceBuilder captureOutput(String variable, SetupCapture capture) {
            captureOutputs.put(Checks.notNull(variable, "variable"), Checks.notNull(capture, "capture"));
            return this;
        }

        /**
         * @param map the map phase
         * @return this
         */
        public MapReduceBuilder map(MapPhase map) {
            this.map = Checks.notNull(map, "map");
            return this;
        }

        /**
         * @param map the map phase being built
         * @return this
         * @throws WorkflowDefinitionException if the map phase is invalid
         */
        public MapReduceBuilder map(MapPhase.Builder map) {
            this.map = Checks.notNull(map, "map").build();
            return this;
        }

        /**
         * @param steps reduce steps (added in order)
         * @return this
         */
        public MapReduceBuilder reduce(Step... steps) {
            reduce.addAll(Checks.elements("steps", steps));
            return this;
        }

        /**
         * @param steps reduce steps being built (added in order)
         * @return this
         */
        public MapReduceBuilder reduce(Step.Builder... steps) {
            reduce.addAll(Checks.built("steps", steps));
            return this;
        }

        /**
         * @param steps reduce steps (added in order)
         * @return this
         */
        public MapReduceBuilder reduce(List<Step> steps) {
            reduce.addAll(Checks.elements(steps, "steps"));
            return this;
        }

        /**
         * @param policy how failed items are handled
         * @return this
         */
        public MapReduceBuilder errorPolicy(ErrorPolicy policy) {
            this.errorPolicy = Checks.notNull(policy, "policy");
            return this;
        }

        /**
         * @param policy how failed items are handled, being built
         * @return this
         */
        public MapReduceBuilder errorPolicy(ErrorPolicy.Builder policy) {
            this.errorPolicy = Checks.notNull(policy, "policy").build();
            return this;
        }

        boolean hasMap() {
            return map != null;
        }

        /**
         * @return the stage
         * @throws WorkflowDefinitionException if no map phase was given, or a capture refers to a missing setup
         *     command
         */
        public MapReduce build() {
            if (map == null) {
                throw new WorkflowDefinitionException("MapReduce stage '" + name + "' needs a map phase");
            }
            return new MapReduce(name, new SetupPhase(setup, setupTimeout, captureOutputs), map, reduce, errorPolicy);
        }
    }
}
