package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named, immutable description of work: stages of plain steps and MapReduce stages, run in order, plus
 * the environment, secrets and defaults they share. Build one in code, or load one from YAML with
 * {@code prodigy-yaml}; both produce equal objects.
 *
 * <pre>{@code
 * Workflow wf = Workflow.mapReduce("triage")
 *     .map(MapPhase.builder()
 *         .input(WorkInput.jsonFile("items.json", "$.items[*]"))
 *         .filter("score >= 5")
 *         .sortBy("score DESC")
 *         .maxParallel(4)
 *         .agentTemplate(Step.shell("echo ${item.name}"), Step.agent("/fix ${item.name}")))
 *     .reduce(Step.shell("echo ${map.successful} of ${map.total} done"))
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class Workflow {
    private final String name;
    private final Map<String, String> env;
    private final Map<String, String> secrets;
    private final List<Stage> stages;
    private final List<Step> merge;
    private final @Nullable Duration mergeTimeout;
    private final @Nullable RetryPolicy defaultRetry;
    private final Map<String, EnvValue> computedEnv;
    private final List<String> envFiles;
    private final Map<String, Map<String, String>> profiles;
    private final Map<String, String> secretSources;
    private final IsolationHints isolation;

    private Workflow(Builder b) {
        this(
                b.name,
                b.env,
                b.secrets,
                b.stages,
                b.merge,
                b.mergeTimeout,
                b.defaultRetry,
                b.computedEnv,
                b.envFiles,
                b.profiles,
                b.secretSources,
                b.isolation);
    }

    private Workflow(
            String name,
            Map<String, String> env,
            Map<String, String> secrets,
            List<Stage> stages,
            List<Step> merge,
            Duration mergeTimeout,
            RetryPolicy defaultRetry,
            Map<String, EnvValue> computedEnv,
            List<String> envFiles,
            Map<String, Map<String, String>> profiles,
            Map<String, String> secretSources,
            IsolationHints isolation) {
        this.name = Checks.notBlank(name, "workflow name");
        this.isolation = isolation == null ? IsolationHints.NONE : isolation;
        this.env = Checks.map(env, "env");
        this.secrets = Checks.map(secrets, "secrets");
        this.stages = Checks.list(stages, "stages");
        if (this.stages.isEmpty()) {
            throw new WorkflowDefinitionException("workflow '" + name + "' has no steps");
        }
        this.merge = Checks.list(merge, "merge");
        this.mergeTimeout = Checks.positive(mergeTimeout, "merge timeout");
        this.defaultRetry = defaultRetry;
        this.computedEnv = Checks.map(computedEnv, "computed env");
        this.envFiles = Checks.list(envFiles, "env_files");
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        profiles.forEach((k, v) -> p.put(Checks.notBlank(k, "profile name"), Checks.map(v, "profile " + k)));
        this.profiles = java.util.Collections.unmodifiableMap(p);
        this.secretSources = Checks.map(secretSources, "secret sources");
        for (String key : this.computedEnv.keySet()) {
            if (this.env.containsKey(key) || this.secrets.containsKey(key)) {
                throw new WorkflowDefinitionException("'" + key + "' is defined twice in env");
            }
        }
        for (String key : this.secrets.keySet()) {
            if (this.env.containsKey(key)) {
                throw new WorkflowDefinitionException("'" + key + "' is defined both in env and in secrets");
            }
        }
    }

    /**
     * @param name the workflow name
     * @return a builder for a workflow of stages
     */
    public static Builder builder(String name) {
        return new Builder(Checks.notNull(name, "name"));
    }

    /**
     * @param name the workflow name
     * @param steps the steps, run in order
     * @return a sequential workflow of one stage
     */
    public static Workflow sequential(String name, Step... steps) {
        return builder(name).steps(Checks.elements("steps", steps)).build();
    }

    /**
     * @param name the workflow name
     * @param steps the steps being built, run in order
     * @return a sequential workflow of one stage
     * @throws WorkflowDefinitionException if a step is null or invalid
     */
    public static Workflow sequential(String name, Step.Builder... steps) {
        return builder(name).steps(Checks.built("steps", steps)).build();
    }

    /**
     * @param name the workflow name
     * @return a builder for a workflow of one MapReduce stage
     */
    public static MapReduceBuilder mapReduce(String name) {
        return new MapReduceBuilder(Checks.notNull(name, "name"));
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return environment variables for every step (values are templates) */
    public Map<String, String> env() {
        return env;
    }

    /** @return secret environment variables: passed to steps, masked in every log, event and record */
    public Map<String, String> secrets() {
        return secrets;
    }

    /** @return the stages in order */
    public List<Stage> stages() {
        return stages;
    }

    /** @return the custom merge-back steps, run when the run's work is merged into the user's branch */
    public List<Step> merge() {
        return merge;
    }

    /** @return the time limit of the merge steps, or null */
    public @Nullable Duration mergeTimeout() {
        return mergeTimeout;
    }

    /** @return the retry policy of steps that set none, or null for no retry */
    public @Nullable RetryPolicy defaultRetry() {
        return defaultRetry;
    }

    /** @return environment variables computed when the run starts (from a command or a condition) */
    public Map<String, EnvValue> computedEnv() {
        return computedEnv;
    }

    /** @return {@code .env}-format files (relative to the project) read when the run starts, in order */
    public List<String> envFiles() {
        return envFiles;
    }

    /**
     * @return named sets of variables; the one selected with {@link RunOptions#profile()} overrides {@link #env()}
     */
    public Map<String, Map<String, String>> profiles() {
        return profiles;
    }

    /**
     * Where secrets came from, for writers: a reference such as {@code env:API_KEY} (an environment variable) or
     * {@code file:secrets/token} (a file relative to the workflow), by secret name. A loader records it when it
     * resolves a secret, so that writing the workflow back gives the reference, never the value; a secret whose
     * variable was not set is recorded here without a value in {@link #secrets()}. Not part of equality: two
     * workflows with the same secret values are equal wherever the values came from.
     *
     * @return the references, by secret name (empty for secrets given as values)
     */
    public Map<String, String> secretSources() {
        return secretSources;
    }

    /** @return whether the workflow has at least one MapReduce stage */
    public boolean isMapReduce() {
        return stages.stream().anyMatch(s -> s instanceof Stage.MapReduce);
    }

    /** @return a builder initialised with this workflow */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.env.putAll(env);
        b.secrets.putAll(secrets);
        b.stages.addAll(stages);
        b.merge.addAll(merge);
        b.mergeTimeout = mergeTimeout;
        b.defaultRetry = defaultRetry;
        b.computedEnv.putAll(computedEnv);
        b.envFiles.addAll(envFiles);
        b.profiles.putAll(profiles);
        b.secretSources.putAll(secretSources);
        b.isolation = isolation;
        return b;
    }

    /** @return how the workflow asks to be isolated (worktree mode, merge conflicts); {@link IsolationHints#NONE} by default */
    public IsolationHints isolation() {
        return isolation;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Workflow w)) {
            return false;
        }
        return name.equals(w.name)
                && env.equals(w.env)
                && secrets.equals(w.secrets)
                && stages.equals(w.stages)
                && merge.equals(w.merge)
                && Objects.equals(mergeTimeout, w.mergeTimeout)
                && Objects.equals(defaultRetry, w.defaultRetry)
                && computedEnv.equals(w.computedEnv)
                && envFiles.equals(w.envFiles)
                && profiles.equals(w.profiles)
                && isolation.equals(w.isolation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                name,
                env,
                secrets,
                stages,
                merge,
                mergeTimeout,
                defaultRetry,
                computedEnv,
                envFiles,
                profiles,
                isolation);
    }

    @Override
    public String toString() {
        return "Workflow[" + name + ", " + stages.size() + " stage(s)]";
    }

    /**
     * Builds a {@link Workflow} of stages.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final String name;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> secrets = new LinkedHashMap<>();
        private final List<Stage> stages = new ArrayList<>();
        private final List<Step> merge = new ArrayList<>();
        private @Nullable Duration mergeTimeout;
        private @Nullable RetryPolicy defaultRetry;
        private final Map<String, EnvValue> computedEnv = new LinkedHashMap<>();
        private final List<String> envFiles = new ArrayList<>();
        private final Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        private final Map<String, String> secretSources = new LinkedHashMap<>();
        private @Nullable IsolationHints isolation;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param hints the worktree mode and merge-conflict handling the workflow asks for
         * @return this
         */
        public Builder isolation(IsolationHints hints) {
            this.isolation = Checks.notNull(hints, "hints");
            return this;
        }

        /**
         * @param key name
         * @param value computed when the run starts
         * @return this
         */
        public Builder env(String key, EnvValue value) {
            computedEnv.put(Checks.notNull(key, "key"), Checks.notNull(value, "value"));
            return this;
        }

        /**
         * @param path a {@code .env}-format file, relative to the project
         * @return this
         */
        public Builder envFile(String path) {
            envFiles.add(Checks.notNull(path, "path"));
            return this;
        }

        /**
         * @param profile the profile's name
         * @param values its variables
         * @return this
         */
        public Builder profile(String profile, Map<String, String> values) {
            profiles.put(
                    Checks.notNull(profile, "profile"),
                    new LinkedHashMap<>(Checks.map(Checks.notNull(values, "values"), "values")));
            return this;
        }

        /**
         * @param key name
         * @param value value template
         * @return this
         */
        public Builder env(String key, String value) {
            env.put(Checks.notNull(key, "key"), Checks.notNull(value, "value"));
            return this;
        }

        /**
         * @param values variables to add
         * @return this
         */
        public Builder env(Map<String, String> values) {
            env.putAll(Checks.map(Checks.notNull(values, "values"), "values"));
            return this;
        }

        /**
         * @param key name
         * @param value the secret value, masked everywhere
         * @return this
         */
        public Builder secret(String key, String value) {
            secrets.put(Checks.notNull(key, "key"), Checks.notNull(value, "value"));
            return this;
        }

        /**
         * @param key a secret's name
         * @param source where its value comes from: {@code env:NAME} or {@code file:PATH}; see
         *               {@link Workflow#secretSources()}
         * @return this
         */
        public Builder secretSource(String key, String source) {
            Checks.notNull(key, "key");
            Checks.notNull(source, "source");
            if (!source.startsWith("env:") && !source.startsWith("file:")) {
                throw new WorkflowDefinitionException(
                        "secret source of '" + key + "' must be env:NAME or file:PATH, " + "was '" + source + "'");
            }
            secretSources.put(key, source);
            return this;
        }

        /**
         * @param steps steps appended as a new plain stage
         * @return this
         */
        public Builder steps(Step... steps) {
            return stage(new Stage.Steps("steps-" + (stages.size() + 1), Checks.elements("steps", steps)));
        }

        /**
         * @param steps steps appended as a new plain stage
         * @return this
         */
        public Builder steps(List<Step> steps) {
            return stage(new Stage.Steps("steps-" + (stages.size() + 1), Checks.elements(steps, "steps")));
        }

        /**
         * @param steps steps being built, appended as a new plain stage
         * @return this
         */
        public Builder steps(Step.Builder... steps) {
            return steps(Checks.built("steps", steps));
        }

        /**
         * @param stage a stage appended after the others
         * @return this
         */
        public Builder stage(Stage stage) {
            stages.add(Checks.notNull(stage, "stage"));
            return this;
        }

        /**
         * @param stage a MapReduce stage being built ({@link Stage#mapReduce(String)}), appended after the others
         * @return this
         * @throws WorkflowDefinitionException if the stage is invalid
         */
        public Builder stage(Stage.MapReduceBuilder stage) {
            return stage(Checks.notNull(stage, "stage").build());
        }

        /**
         * @param steps custom merge-back steps
         * @return this
         */
        public Builder merge(List<Step> steps) {
            merge.addAll(Checks.elements(steps, "steps"));
            return this;
        }

        /**
         * @param steps custom merge-back steps
         * @return this
         */
        public Builder merge(Step... steps) {
            merge.addAll(Checks.elements("steps", steps));
            return this;
        }

        /**
         * @param steps custom merge-back steps being built
         * @return this
         */
        public Builder merge(Step.Builder... steps) {
            merge.addAll(Checks.built("steps", steps));
            return this;
        }

        /**
         * @param timeout the merge steps' time limit, or null for none
         * @return this
         */
        public Builder mergeTimeout(@Nullable Duration timeout) {
            this.mergeTimeout = timeout;
            return this;
        }

        /**
         * @param retry retry policy for steps that set none, or null for no retry
         * @return this
         */
        public Builder defaultRetry(@Nullable RetryPolicy retry) {
            this.defaultRetry = retry;
            return this;
        }

        /**
         * @param policy retry policy being built, for steps that set none
         * @return this
         */
        public Builder defaultRetry(RetryPolicy.Builder policy) {
            return defaultRetry(Checks.notNull(policy, "policy").build());
        }

        /**
         * @return the workflow
         * @throws WorkflowDefinitionException if it is invalid
         */
        public Workflow build() {
            return new Workflow(this);
        }

        private Builder copy() {
            Builder b = new Builder(name);
            b.env.putAll(env);
            b.secrets.putAll(secrets);
            b.stages.addAll(stages);
            b.merge.addAll(merge);
            b.mergeTimeout = mergeTimeout;
            b.defaultRetry = defaultRetry;
            b.computedEnv.putAll(computedEnv);
            b.envFiles.addAll(envFiles);
            b.profiles.putAll(profiles);
            b.secretSources.putAll(secretSources);
            b.isolation = isolation;
            return b;
        }
    }

    /**
     * Builds a {@link Workflow} of one MapReduce stage.
     *
     * @since 0.1
     */
    public static final class MapReduceBuilder {
        private final Builder workflow;
        private final Stage.MapReduceBuilder stage;

        private MapReduceBuilder(String name) {
            this.workflow = new Builder(name);
            this.stage = Stage.mapReduce(name);
        }

        /**
         * @param hints the worktree mode and merge-conflict handling the workflow asks for
         * @return this
         */
        public MapReduceBuilder isolation(IsolationHints hints) {
            workflow.isolation(hints);
            return this;
        }

        /**
         * @param key name
         * @param value value template
         * @return this
         */
        public MapReduceBuilder env(String key, String value) {
            workflow.env(key, value);
            return this;
        }

        /**
         * @param key name
         * @param value the secret value
         * @return this
         */
        public MapReduceBuilder secret(String key, String value) {
            workflow.secret(key, value);
            return this;
        }

        /**
         * @param steps setup steps (added in order)
         * @return this
         */
        public MapReduceBuilder setup(Step... steps) {
            stage.setup(steps);
            return this;
        }

        /**
         * @param steps setup steps (added in order)
         * @return this
         */
        public MapReduceBuilder setup(Step.Builder... steps) {
            stage.setup(steps);
            return this;
        }

        /**
         * @param steps setup steps (added in order)
         * @return this
         */
        public MapReduceBuilder setup(List<Step> steps) {
            stage.setup(steps);
            return this;
        }

        /**
         * @param timeout the whole setup phase's limit, or null for none
         * @return this
         */
        public MapReduceBuilder setupTimeout(@Nullable Duration timeout) {
            stage.setupTimeout(timeout);
            return this;
        }

        /**
         * @param variable the variable
         * @param capture where its value comes from
         * @return this
         */
        public MapReduceBuilder captureOutput(String variable, SetupCapture capture) {
            stage.captureOutput(variable, capture);
            return this;
        }

        /**
         * @param map the map phase
         * @return this
         */
        public MapReduceBuilder map(MapPhase map) {
            stage.map(map);
            return this;
        }

        /**
         * @param map the map phase being built
         * @return this
         */
        public MapReduceBuilder map(MapPhase.Builder map) {
            stage.map(map);
            return this;
        }

        /**
         * @param steps reduce steps (added in order)
         * @return this
         */
        public MapReduceBuilder reduce(Step... steps) {
            stage.reduce(steps);
            return this;
        }

        /**
         * @param steps reduce steps (added in order)
         * @return this
         */
        public MapReduceBuilder reduce(Step.Builder... steps) {
            stage.reduce(steps);
            return this;
        }

        /**
         * @param steps reduce steps (added in order)
         * @return this
         */
        public MapReduceBuilder reduce(List<Step> steps) {
            stage.reduce(steps);
            return this;
        }

        /**
         * @param policy how failed items are handled
         * @return this
         */
        public MapReduceBuilder errorPolicy(ErrorPolicy policy) {
            stage.errorPolicy(policy);
            return this;
        }

        /**
         * @param policy how failed items are handled, being built
         * @return this
         */
        public MapReduceBuilder errorPolicy(ErrorPolicy.Builder policy) {
            stage.errorPolicy(policy);
            return this;
        }

        /**
         * @param key name
         * @param value computed when the run starts
         * @return this
         */
        public MapReduceBuilder env(String key, EnvValue value) {
            workflow.env(key, value);
            return this;
        }

        /**
         * @param path a {@code .env}-format file, relative to the project
         * @return this
         */
        public MapReduceBuilder envFile(String path) {
            workflow.envFile(path);
            return this;
        }

        /**
         * @param profile the profile's name
         * @param values its variables
         * @return this
         */
        public MapReduceBuilder profile(String profile, Map<String, String> values) {
            workflow.profile(profile, values);
            return this;
        }

        /**
         * @param timeout the merge steps' time limit, or null for none
         * @return this
         */
        public MapReduceBuilder mergeTimeout(@Nullable Duration timeout) {
            workflow.mergeTimeout(timeout);
            return this;
        }

        /**
         * @param steps custom merge-back steps
         * @return this
         */
        public MapReduceBuilder merge(List<Step> steps) {
            workflow.merge(steps);
            return this;
        }

        /**
         * @param steps custom merge-back steps
         * @return this
         */
        public MapReduceBuilder merge(Step... steps) {
            workflow.merge(steps);
            return this;
        }

        /**
         * @param steps custom merge-back steps being built
         * @return this
         */
        public MapReduceBuilder merge(Step.Builder... steps) {
            workflow.merge(steps);
            return this;
        }

        /**
         * @param retry retry policy for steps that set none, or null for no retry
         * @return this
         */
        public MapReduceBuilder defaultRetry(@Nullable RetryPolicy retry) {
            workflow.defaultRetry(retry);
            return this;
        }

        /**
         * @param policy retry policy being built, for steps that set none
         * @return this
         */
        public MapReduceBuilder defaultRetry(RetryPolicy.Builder policy) {
            workflow.defaultRetry(policy);
            return this;
        }

        /**
         * @return the workflow
         * @throws WorkflowDefinitionException if it is invalid
         */
        public Workflow build() {
            if (!stage.hasMap()) {
                throw new WorkflowDefinitionException("MapReduce workflow '" + workflow.name + "' needs a map phase");
            }
            Builder b = workflow.copy();
            b.stage(stage.build());
            return b.build();
        }
    }
}
