package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a workflow: an {@link StepAction action} plus the controls that apply to every kind of step,
 * in every phase (setup, map, reduce, merge and plain steps alike).
 *
 * <p>Order of evaluation for one step, the same in every phase:
 * <ol>
 *   <li>{@code when}: a false condition skips the step (it counts as succeeded);</li>
 *   <li>the action, under {@code timeout}, writing {@code output_file} as it runs; each attempt is followed by
 *       the {@code commit_required} / {@code auto_commit} check, and failed attempts are retried by
 *       {@code retry};</li>
 *   <li>the capture of the output into variables ({@code capture}, {@code ${shell.output}},
 *       {@code ${last.output}}), right after the action, whether it failed or not;</li>
 *   <li>{@code on_exit_code}: the handlers of the exit code, if any: their failure fails the step, their success
 *       makes a failed step succeed;</li>
 *   <li>if the step failed: {@code on_failure};</li>
 *   <li>if it succeeded: {@code on_success}, then {@code validate}, then {@code outputs};</li>
 *   <li>in a version-controlled workspace, the {@code ${step.*}} variables of its commits.</li>
 * </ol>
 *
 * <p>{@link #oncePerWorktree()} comes before all of these: in a map phase's agent template, a step that already
 * succeeded in the same reused worktree is skipped (as a false {@code when} skips it) on later items.
 *
 * <pre>{@code
 * Step build = Step.shell("make test")
 *     .timeout(Duration.ofMinutes(10))
 *     .retry(RetryPolicy.builder().maxAttempts(3).build())
 *     .onFailure(OnFailure.run(Step.agent("/fix-tests ${error.message}")).retryOriginal(true).maxAttempts(3))
 *     .capture("test_output")
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class Step {
    private final StepAction action;
    private final @Nullable String name;
    private final @Nullable String id;
    private final @Nullable String when;
    private final @Nullable Duration timeout;
    private final @Nullable RetryPolicy retry;
    private final @Nullable OnFailure onFailure;
    private final List<Step> onSuccess;
    private final Map<Integer, List<Step>> onExitCode;
    private final @Nullable String capture;
    private final CaptureFormat captureFormat;
    private final CaptureStreams captureStreams;
    private final @Nullable String outputFile;
    private final Map<String, String> env;
    private final @Nullable String workingDir;
    private final boolean commitRequired;
    private final boolean autoCommit;
    private final @Nullable String commitMessage;
    private final @Nullable Validation validate;
    private final Map<String, String> outputs;
    private final boolean oncePerWorktree;

    private Step(Builder b) {
        this.action = Checks.notNull(b.action, "step action");
        this.name = Checks.blankToNull(b.name);
        this.id = Checks.blankToNull(b.id);
        this.when = Checks.blankToNull(b.when);
        this.timeout = Checks.positive(b.timeout, "timeout");
        this.retry = b.retry;
        this.onFailure = b.onFailure;
        this.onSuccess = Checks.list(b.onSuccess, "on_success");
        Map<Integer, List<Step>> codes = new LinkedHashMap<>();
        b.onExitCode.forEach((k, v) -> codes.put(k, Checks.list(v, "on_exit_code")));
        this.onExitCode = Map.copyOf(codes);
        this.capture = Checks.blankToNull(b.capture);
        this.captureFormat = b.captureFormat == null ? CaptureFormat.STRING : b.captureFormat;
        this.captureStreams = b.captureStreams == null ? CaptureStreams.ALL : b.captureStreams;
        this.outputFile = Checks.blankToNull(b.outputFile);
        this.env = Checks.map(b.env, "env");
        this.workingDir = Checks.blankToNull(b.workingDir);
        this.commitRequired = b.commitRequired;
        this.autoCommit = b.autoCommit;
        this.commitMessage = Checks.blankToNull(b.commitMessage);
        this.validate = b.validate;
        this.outputs = Checks.map(b.outputs, "outputs");
        this.oncePerWorktree = b.oncePerWorktree;
        refuseNestedOncePerWorktree();
    }

    /**
     * A step run by another step (its handlers, its validation's commands, a foreach's steps) may run several times
     * for one item, or not at all: "once per worktree" has no meaning there.
     */
    private void refuseNestedOncePerWorktree() {
        List<Step> nested = new ArrayList<>(onSuccess);
        onExitCode.values().forEach(nested::addAll);
        if (onFailure != null) {
            nested.addAll(onFailure.handlers());
        }
        if (validate != null) {
            nested.addAll(validate.commands());
            if (validate.onIncomplete() != null) {
                nested.addAll(validate.onIncomplete().commands());
            }
        }
        if (action instanceof StepAction.Foreach f) {
            nested.addAll(f.steps());
        }
        for (Step s : nested) {
            if (s.oncePerWorktree) {
                throw new WorkflowDefinitionException("once_per_worktree applies to the steps of a phase (a map "
                        + "phase's agent_template), not to '" + s.label() + "', which '" + label()
                        + "' runs as a handler, validation or foreach step; move it into the phase's list");
            }
        }
    }

    /**
     * Starts a {@code shell} step.
     *
     * @param command the command template, run with {@code sh -c}
     * @return a builder
     */
    public static Builder shell(String command) {
        return new Builder(new StepAction.Shell(Checks.notNull(command, "command")));
    }

    /**
     * Starts an agent ({@code claude}) step, run by the configured {@link io.prodigy.api.spi.AgentRunner}.
     *
     * @param command the agent command template, e.g. {@code /fix ${item.path}}
     * @return a builder
     */
    public static Builder agent(String command) {
        return new Builder(new StepAction.Agent(Checks.notNull(command, "command")));
    }

    /**
     * Starts a {@code write_file} step writing text.
     *
     * @param path the file path template, relative to the workspace
     * @param content the content template
     * @return a builder
     */
    public static Builder writeFile(String path, String content) {
        return new Builder(new StepAction.WriteFile(
                Checks.notNull(path, "path"), Checks.notNull(content, "content"), FileFormat.TEXT, null, false));
    }

    /**
     * Starts a step for any action.
     *
     * @param action the action
     * @return a builder
     */
    public static Builder of(StepAction action) {
        return new Builder(action);
    }

    /** @return a builder initialised with this step's values */
    public Builder toBuilder() {
        Builder b = new Builder(action);
        b.name = name;
        b.id = id;
        b.when = when;
        b.timeout = timeout;
        b.retry = retry;
        b.onFailure = onFailure;
        b.onSuccess = new ArrayList<>(onSuccess);
        b.onExitCode = new LinkedHashMap<>(onExitCode);
        b.capture = capture;
        b.captureFormat = captureFormat;
        b.captureStreams = captureStreams;
        b.outputFile = outputFile;
        b.env = new LinkedHashMap<>(env);
        b.workingDir = workingDir;
        b.commitRequired = commitRequired;
        b.autoCommit = autoCommit;
        b.commitMessage = commitMessage;
        b.validate = validate;
        b.outputs = new LinkedHashMap<>(outputs);
        b.oncePerWorktree = oncePerWorktree;
        return b;
    }

    /** @return what the step does */
    public StepAction action() {
        return action;
    }

    /** @return the label shown in events and messages, or null */
    public @Nullable String name() {
        return name;
    }

    /** @return the step id (names its outputs), or null */
    public @Nullable String id() {
        return id;
    }

    /** @return the condition expression that must hold for the step to run, or null */
    public @Nullable String when() {
        return when;
    }

    /** @return the time limit of one attempt; the whole process tree is killed at the limit; null for none */
    public @Nullable Duration timeout() {
        return timeout;
    }

    /** @return the retry policy for failed attempts, or null to use the workflow default */
    public @Nullable RetryPolicy retry() {
        return retry;
    }

    /** @return what to do when the step fails, or null to fail */
    public @Nullable OnFailure onFailure() {
        return onFailure;
    }

    /** @return steps run after the step succeeds */
    public List<Step> onSuccess() {
        return onSuccess;
    }

    /** @return steps run when the action exits with a given code */
    public Map<Integer, List<Step>> onExitCode() {
        return onExitCode;
    }

    /** @return the variable that receives the output, or null */
    public @Nullable String capture() {
        return capture;
    }

    /** @return how the captured output is converted */
    public CaptureFormat captureFormat() {
        return captureFormat;
    }

    /** @return which facets are stored next to the captured variable */
    public CaptureStreams captureStreams() {
        return captureStreams;
    }

    /** @return the file (relative to the workspace) that receives standard output, or null */
    public @Nullable String outputFile() {
        return outputFile;
    }

    /** @return extra environment variables for this step (values are templates) */
    public Map<String, String> env() {
        return env;
    }

    /** @return the directory (relative to the workspace) the step runs in, or null for the workspace */
    public @Nullable String workingDir() {
        return workingDir;
    }

    /** @return whether the step must create at least one commit in the workspace */
    public boolean commitRequired() {
        return commitRequired;
    }

    /** @return whether uncommitted changes are committed automatically after the step */
    public boolean autoCommit() {
        return autoCommit;
    }

    /** @return the commit message template for {@link #autoCommit()}, or null for the default */
    public @Nullable String commitMessage() {
        return commitMessage;
    }

    /** @return the completeness check run after success, or null */
    public @Nullable Validation validate() {
        return validate;
    }

    /**
     * The step's declared outputs (the Rust tool's {@code outputs: {NAME: {file_pattern: PATTERN}}}): after the
     * step succeeds, each NAME becomes the variable {@code ${ID.NAME}} (ID is {@link #id()}) holding the absolute
     * path of the first file the step's commits added or modified that matches PATTERN ({@code *suffix},
     * {@code prefix*suffix} on the file name, or a substring of the file name). A pattern no file matches fails
     * the step.
     *
     * @return output names and their file patterns, in declaration order; empty when none
     */
    public Map<String, String> outputs() {
        return outputs;
    }

    /**
     * Whether the step runs once per reused worktree rather than for every item (setup such as dependency installs).
     * In a map phase's agent template with reused worktrees ({@code reuse}, {@code pooled}), the step runs on the
     * first item a worktree serves and is skipped - recorded as skipped, as a false {@code when} is - on later items
     * served by the same worktree, once it has succeeded there (a failed step runs again on the next item). A
     * worktree that is re-created (its reset failed, or it was kept for a failed item) is a new worktree. With a
     * fresh worktree per item ({@code on_demand}) or without isolation, the step runs for every item. In setup,
     * reduce, merge and plain steps it changes nothing: they run in the run's own workspace as always. Only the reused directory survives between
     * items: what the step makes must be in a warm directory (such as {@code node_modules/}) or outside the
     * worktree to be seen by the later items.
     *
     * @return whether the step runs once per reused worktree
     */
    public boolean oncePerWorktree() {
        return oncePerWorktree;
    }

    /** @return the name if set, else a description of the action */
    public String label() {
        return name != null ? name : action.describe();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Step s)) {
            return false;
        }
        return commitRequired == s.commitRequired
                && autoCommit == s.autoCommit
                && oncePerWorktree == s.oncePerWorktree
                && action.equals(s.action)
                && Objects.equals(name, s.name)
                && Objects.equals(id, s.id)
                && Objects.equals(when, s.when)
                && Objects.equals(timeout, s.timeout)
                && Objects.equals(retry, s.retry)
                && Objects.equals(onFailure, s.onFailure)
                && onSuccess.equals(s.onSuccess)
                && onExitCode.equals(s.onExitCode)
                && Objects.equals(capture, s.capture)
                && captureFormat == s.captureFormat
                && captureStreams.equals(s.captureStreams)
                && Objects.equals(outputFile, s.outputFile)
                && env.equals(s.env)
                && Objects.equals(workingDir, s.workingDir)
                && Objects.equals(commitMessage, s.commitMessage)
                && Objects.equals(validate, s.validate)
                && outputs.equals(s.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                action,
                name,
                id,
                when,
                timeout,
                retry,
                onFailure,
                onSuccess,
                onExitCode,
                capture,
                captureFormat,
                captureStreams,
                outputFile,
                env,
                workingDir,
                commitRequired,
                autoCommit,
                commitMessage,
                validate,
                outputs,
                oncePerWorktree);
    }

    @Override
    public String toString() {
        return "Step[" + label() + "]";
    }

    /**
     * Builds a {@link Step}. Not thread-safe; {@link #build()} may be called more than once.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final StepAction action;
        private @Nullable String name;
        private @Nullable String id;
        private @Nullable String when;
        private @Nullable Duration timeout;
        private @Nullable RetryPolicy retry;
        private @Nullable OnFailure onFailure;
        private List<Step> onSuccess = new ArrayList<>();
        private Map<Integer, List<Step>> onExitCode = new LinkedHashMap<>();
        private @Nullable String capture;
        private @Nullable CaptureFormat captureFormat;
        private @Nullable CaptureStreams captureStreams;
        private @Nullable String outputFile;
        private Map<String, String> env = new LinkedHashMap<>();
        private @Nullable String workingDir;
        private boolean commitRequired;
        private boolean autoCommit;
        private @Nullable String commitMessage;
        private @Nullable Validation validate;
        private Map<String, String> outputs = new LinkedHashMap<>();
        private boolean oncePerWorktree;

        private Builder(StepAction action) {
            this.action = Checks.notNull(action, "step action");
        }

        /**
         * Declares an output; see {@link Step#outputs()}.
         *
         * @param name the output name, read as {@code ${ID.NAME}}
         * @param filePattern the pattern the file name must match
         * @return this
         */
        public Builder output(String name, String filePattern) {
            outputs.put(Checks.notNull(name, "name"), Checks.notNull(filePattern, "filePattern"));
            return this;
        }

        /**
         * @param name a label for events and messages
         * @return this
         */
        public Builder name(String name) {
            this.name = Checks.notNull(name, "name");
            return this;
        }

        /**
         * @param id the step id
         * @return this
         */
        public Builder id(String id) {
            this.id = Checks.notNull(id, "id");
            return this;
        }

        /**
         * @param condition an expression such as {@code ${tests.success} == false}
         * @return this
         */
        public Builder when(String condition) {
            this.when = Checks.notNull(condition, "condition");
            return this;
        }

        /**
         * @param timeout the limit of one attempt, or null
         * @return this
         */
        public Builder timeout(@Nullable Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * @param retry the retry policy, or null
         * @return this
         */
        public Builder retry(@Nullable RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /**
         * @param policy the retry policy being built
         * @return this
         */
        public Builder retry(RetryPolicy.Builder policy) {
            this.retry = Checks.notNull(policy, "policy").build();
            return this;
        }

        /**
         * @param onFailure the failure handling, or null
         * @return this
         */
        public Builder onFailure(@Nullable OnFailure onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /**
         * @param handler failure handling being built
         * @return this
         */
        public Builder onFailure(OnFailure.Builder handler) {
            this.onFailure = Checks.notNull(handler, "handler").build();
            return this;
        }

        /**
         * @param steps steps run after success
         * @return this
         */
        public Builder onSuccess(Step... steps) {
            this.onSuccess.addAll(Checks.elements("steps", steps));
            return this;
        }

        /**
         * @param steps steps run after success
         * @return this
         */
        public Builder onSuccess(List<Step> steps) {
            this.onSuccess.addAll(Checks.elements(steps, "steps"));
            return this;
        }

        /**
         * @param steps steps being built, run after success
         * @return this
         */
        public Builder onSuccess(Step.Builder... steps) {
            this.onSuccess.addAll(Checks.built("steps", steps));
            return this;
        }

        /**
         * @param exitCode the code
         * @param steps steps run when the action exits with it
         * @return this
         */
        public Builder onExitCode(int exitCode, List<Step> steps) {
            this.onExitCode.put(exitCode, List.copyOf(Checks.elements(steps, "steps")));
            return this;
        }

        /**
         * @param exitCode the code
         * @param steps steps run when the action exits with it
         * @return this
         */
        public Builder onExitCode(int exitCode, Step... steps) {
            return onExitCode(exitCode, Checks.elements("steps", steps));
        }

        /**
         * @param exitCode the code
         * @param steps steps being built, run when the action exits with it
         * @return this
         */
        public Builder onExitCode(int exitCode, Step.Builder... steps) {
            return onExitCode(exitCode, Checks.built("steps", steps));
        }

        /**
         * @param variable the variable that receives standard output
         * @return this
         */
        public Builder capture(String variable) {
            this.capture = Checks.notNull(variable, "variable");
            return this;
        }

        /**
         * @param format how captured output is converted
         * @return this
         */
        public Builder captureFormat(CaptureFormat format) {
            this.captureFormat = Checks.notNull(format, "format");
            return this;
        }

        /**
         * @param streams which facets are stored
         * @return this
         */
        public Builder captureStreams(CaptureStreams streams) {
            this.captureStreams = Checks.notNull(streams, "streams");
            return this;
        }

        /**
         * @param path a file (relative to the workspace) that receives standard output
         * @return this
         */
        public Builder outputFile(String path) {
            this.outputFile = Checks.notNull(path, "path");
            return this;
        }

        /**
         * @param name variable name
         * @param value value template
         * @return this
         */
        public Builder env(String name, String value) {
            this.env.put(Checks.notNull(name, "name"), Checks.notNull(value, "value"));
            return this;
        }

        /**
         * @param env variables to add
         * @return this
         */
        public Builder env(Map<String, String> env) {
            this.env.putAll(Checks.map(Checks.notNull(env, "env"), "env"));
            return this;
        }

        /**
         * @param dir the directory, relative to the workspace
         * @return this
         */
        public Builder workingDir(String dir) {
            this.workingDir = Checks.notNull(dir, "dir");
            return this;
        }

        /**
         * @param required whether the step must create a commit
         * @return this
         */
        public Builder commitRequired(boolean required) {
            this.commitRequired = required;
            return this;
        }

        /**
         * @param autoCommit whether to commit a dirty tree after the step
         * @return this
         */
        public Builder autoCommit(boolean autoCommit) {
            this.autoCommit = autoCommit;
            return this;
        }

        /**
         * @param template the auto-commit message template
         * @return this
         */
        public Builder commitMessage(String template) {
            this.commitMessage = Checks.notNull(template, "template");
            return this;
        }

        /**
         * @param validation the completeness check
         * @return this
         */
        public Builder validate(Validation validation) {
            this.validate = Checks.notNull(validation, "validation");
            return this;
        }

        /**
         * @param once whether the step runs once per reused worktree instead of for every item (see
         *             {@link Step#oncePerWorktree()}); default false
         * @return this
         */
        public Builder oncePerWorktree(boolean once) {
            this.oncePerWorktree = once;
            return this;
        }

        /**
         * @return the step
         * @throws WorkflowDefinitionException if a value is invalid, or a step it runs as a handler, validation or
         *     foreach step is {@link Step#oncePerWorktree()}
         */
        public Step build() {
            return new Step(this);
        }
    }
}
