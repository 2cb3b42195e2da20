package io.prodigy.yaml.internal;

import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the controls of a step, the keys around its action, one small method per control, in a fixed order (which
 * is also the order of the problems they report): the label and id, {@code when}, {@code once_per_worktree},
 * {@code timeout}, what happens on
 * failure, {@code on_success} and {@code on_exit_code}, the output, the environment and working directory, the
 * commits, the validation, the declared outputs, then the keys the model accepts but does not act on.
 */
final class ControlsReader {
    private static final Set<String> METADATA_KEYS =
            Set.of("retries", "timeout", "continue_on_error", "env", "commit_required", "analysis");
    private static final Set<String> COMMIT_CONFIG_KEYS =
            Set.of("message_template", "message_pattern", "sign", "author", "include_files", "exclude_files", "squash");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final String ANALYSIS_IGNORED =
            "the Rust tool 0.4.x ignores it too (its built-in code analysis " + "was removed in 0.3.0)";

    /**
     * What the controls of a step build on.
     *
     * @param form the workflow form the step is written in
     * @param action the step's action
     * @param structured whether the step is a structured command ({@code name} is its command, not its label)
     * @param hasOnFailure whether the step already has an on_failure (the previous step's, or {@code test}'s)
     * @param goalSeekValidates whether goal_seek already gave the step its validation
     */
    record Basis(Form form, StepAction action, boolean structured, boolean hasOnFailure, boolean goalSeekValidates) {}

    private final Diagnostics d;
    private final EnvLookup env;
    private final StepReader steps;
    private final HandlerReader handlers;
    private final RetryReader retries;
    private final StepOutputReader outputs;

    /**
     * @param d where problems go
     * @param env resolves {@code ${VAR}} durations
     * @param steps reads the steps of on_success and on_exit_code
     * @param handlers reads on_failure and the validations
     * @param retries reads retry policies
     */
    ControlsReader(Diagnostics d, EnvLookup env, StepReader steps, HandlerReader handlers, RetryReader retries) {
        this.d = d;
        this.env = env;
        this.steps = steps;
        this.handlers = handlers;
        this.retries = retries;
        this.outputs = new StepOutputReader(d);
    }

    /** Reads every control of {@code f} onto {@code b}; problems go to the diagnostics. */
    void read(Step.Builder b, Fields f, Basis c) {
        label(b, f, c.structured());
        when(b, f);
        Boolean once = f.bool("once_per_worktree");
        if (once != null) {
            b.oncePerWorktree(once);
        }
        timeout(b, f);
        Integer retryCount = failureHandling(b, f, c);
        if (f.has("on_success")) {
            b.onSuccess(steps.stepsOrOne(f.node("on_success"), f.pathOf("on_success"), c.form()));
        }
        if (f.has("on_exit_code")) {
            onExitCode(b, f.node("on_exit_code"), f.pathOf("on_exit_code"), c.form());
        }
        outputs.capture(b, f);
        outputs.outputFile(b, f, c.form());
        environment(b, f);
        commits(b, f);
        handlers.validation(b, f, c.form(), c.goalSeekValidates(), c.action(), retryCount);
        outputs.outputs(b, f);
        notActedOn(f, c.structured());
        foreachOnly(f, c.action());
    }

    /** {@code name} (unless it names a structured command), {@code description} as the name, {@code id}. */
    private static void label(Step.Builder b, Fields f, boolean structured) {
        String name = f.text("name");
        if (name != null && !structured) {
            b.name(name);
        }
        String description = f.text("description");
        if (description != null && !f.has("name") && !f.has("goal_seek")) {
            b.name(description.strip());
        }
        String id = f.text("id");
        if (id != null) {
            b.id(id);
        }
    }

    private void when(Step.Builder b, Fields f) {
        if (f.has("when")) {
            String when = f.text("when");
            if (when != null
                    && !when.isBlank()
                    && ExpressionChecks.expression(f.node("when"), when, f.pathOf("when"), "when", d)) {
                b.when(TemplateAliases.normalize(when));
            }
        }
    }

    private void timeout(Step.Builder b, Fields f) {
        Duration timeout = f.duration("timeout", env);
        if (timeout != null) {
            if (timeout.isZero()) {
                f.error("timeout", "timeout must be positive; leave it out for no limit");
            } else {
                b.timeout(timeout);
            }
        }
    }

    /**
     * {@code retry}, {@code metadata}, {@code on_failure}, and the keys that imply ignoring a failure
     * ({@code allow_failure}, {@code continue_on_error}, {@code fail_workflow: false}). An explicit on_failure wins
     * over an implied one; among the implied ones the first wins.
     *
     * @return the attempts a bare-number {@code retry} allows (the tasks form repeats a validated task that often),
     *     or null
     */
    private Integer failureHandling(Step.Builder b, Fields f, Basis c) {
        RetryReader.RetryRead retry = f.has("retry") ? retries.retry(f.node("retry"), f.pathOf("retry")) : null;
        OnFailure implied = null;
        if (retry != null) {
            b.retry(retry.policy());
            implied = retry.onFailure();
        }
        Node meta = f.node("metadata");
        if (meta != null) {
            OnFailure metaFailure = metadata(b, meta, f.pathOf("metadata"), f.has("retry"), f.has("timeout"));
            if (implied == null) {
                implied = metaFailure;
            }
        }
        boolean onFailureSet = onFailure(b, f, c.form()) || c.hasOnFailure();
        OnFailure ignored = ignoredFailure(f, c.action());
        if (implied == null) {
            implied = ignored;
        }
        if (!onFailureSet && implied != null) {
            b.onFailure(implied);
        }
        return retry != null && f.node("retry") instanceof ScalarNode
                ? retry.policy().maxAttempts()
                : null;
    }

    /** @return whether the step's own {@code on_failure} was read and set */
    private boolean onFailure(Step.Builder b, Fields f, Form form) {
        if (!f.has("on_failure")) {
            return false;
        }
        OnFailure of = handlers.onFailure(f.node("on_failure"), f.pathOf("on_failure"), form);
        if (of == null) {
            return false;
        }
        b.onFailure(of);
        return true;
    }

    /** @return ignore, when {@code allow_failure}, {@code continue_on_error} or {@code fail_workflow: false} say so */
    private static OnFailure ignoredFailure(Fields f, StepAction action) {
        boolean ignore = false;
        for (String k : List.of("allow_failure", "continue_on_error")) {
            if (f.has(k) && !(action instanceof StepAction.Foreach && k.equals("continue_on_error"))) {
                Boolean v = f.bool(k);
                ignore |= v != null && v;
            }
        }
        if (f.has("fail_workflow")) {
            Boolean v = f.bool("fail_workflow");
            ignore |= v != null && !v;
        }
        return ignore ? OnFailure.ignore() : null;
    }

    /** {@code env}, {@code working_dir}. */
    private void environment(Step.Builder b, Fields f) {
        Map<String, String> stepEnv = envMap(f.node("env"), f.pathOf("env"));
        if (stepEnv != null) {
            b.env(stepEnv);
        }
        String wd = f.text("working_dir");
        if (wd != null) {
            b.workingDir(TemplateAliases.normalize(wd));
        }
    }

    /** {@code commit_required}, {@code auto_commit}, {@code commit_config}. */
    private void commits(Step.Builder b, Fields f) {
        Boolean commit = f.bool("commit_required");
        if (commit != null) {
            b.commitRequired(commit);
        }
        Boolean auto = f.bool("auto_commit");
        if (auto != null) {
            b.autoCommit(auto);
        }
        if (f.has("commit_config")) {
            commitConfig(b, f.node("commit_config"), f.pathOf("commit_config"));
        }
    }

    /** The keys the model accepts and does not act on, each reported where it is written. */
    private static void notActedOn(Fields f, boolean structured) {
        f.notActedOn(
                "inputs",
                "structured data flow between commands is not in the model; pass values in the "
                        + "command with ${...}");
        f.notActedOn("analysis", ANALYSIS_IGNORED);
        if (f.has("clear_env") && Boolean.TRUE.equals(f.bool("clear_env"))) {
            f.notActedOn(
                    "clear_env",
                    "the Rust tool 0.4.x ignores it too (it parses clear_env but always "
                            + "inherits the environment); steps here always inherit the workflow's environment");
        }
        if (f.has("temporary") && Boolean.FALSE.equals(f.bool("temporary"))) {
            f.notActedOn(
                    "temporary",
                    "the Rust tool 0.4.x ignores it too; a step's env applies to that step only, "
                            + "as with temporary: true");
        }
        if (!structured) {
            if (f.has("args") || f.has("options") || f.has("focus")) {
                for (String k : List.of("args", "options", "focus")) {
                    f.notActedOn(
                            k,
                            "the Rust tool 0.4.x ignores it too (it applies only to the structured "
                                    + "command form {name, args, options}); here the command is written out in full");
                }
            }
        }
    }

    private static void foreachOnly(Fields f, StepAction action) {
        if (!(action instanceof StepAction.Foreach)) {
            for (String k : List.of("do", "parallel", "max_items")) {
                if (f.has(k)) {
                    f.error(k, "'" + k + "' only applies to a 'foreach' step");
                }
            }
        }
    }

    private OnFailure metadata(Step.Builder b, Node node, String path, boolean hasRetry, boolean hasTimeout) {
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected {retries, timeout, continue_on_error, env, commit_required}, " + "found "
                            + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, METADATA_KEYS, "metadata");
        Integer retries = f.integer("retries", 0, null);
        if (retries != null && !hasRetry) {
            b.retry(RetryPolicy.builder().maxAttempts(retries + 1).build());
        }
        Duration timeout = f.duration("timeout", env);
        if (timeout != null && !hasTimeout && !timeout.isZero()) {
            b.timeout(timeout);
        }
        Map<String, String> e = envMap(f.node("env"), f.pathOf("env"));
        if (e != null) {
            b.env(e);
        }
        Boolean commit = f.bool("commit_required");
        if (commit != null) {
            b.commitRequired(commit);
        }
        f.notActedOn("analysis", ANALYSIS_IGNORED);
        Boolean cont = f.bool("continue_on_error");
        f.finish();
        return cont != null && cont ? OnFailure.ignore() : null;
    }

    private void onExitCode(Step.Builder b, Node node, String path, Form form) {
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected a mapping of exit codes to steps, found " + node.describe());
            return;
        }
        for (MapNode.Entry e : ((MapNode) node).entries()) {
            Long code = Scalars.parseLong(e.key());
            if (code == null || code < 0 || code > 255) {
                d.error(
                        e.keyLocation(),
                        path,
                        "expected an exit code from 0 to 255 as the key, found " + Texts.quote(e.key()));
                continue;
            }
            b.onExitCode(code.intValue(), steps.stepsOrOne(e.value(), path + "." + e.key(), form));
        }
    }

    private void commitConfig(Step.Builder b, Node node, String path) {
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected {message_template, ...}, found " + node.describe());
            return;
        }
        Fields f = Fields.of((MapNode) node, path, d, COMMIT_CONFIG_KEYS, "commit_config");
        String template = f.text("message_template");
        if (template != null) {
            b.commitMessage(TemplateAliases.normalize(template));
        }
        for (String k : List.of("message_pattern", "sign", "author", "include_files", "exclude_files", "squash")) {
            f.notActedOn(k, "the model's commits take only a message template");
        }
        f.finish();
    }

    /** Reads an env mapping of names to string values (numbers and booleans as written). */
    private Map<String, String> envMap(Node node, String path) {
        if (node == null || (node instanceof ScalarNode && ((ScalarNode) node).isNull())) {
            return null;
        }
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected a mapping of variable names to values, found " + node.describe());
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (MapNode.Entry e : ((MapNode) node).entries()) {
            if (!ENV_NAME.matcher(e.key()).matches()) {
                d.error(e.keyLocation(), path, "invalid environment variable name " + Texts.quote(e.key()));
                continue;
            }
            if (!(e.value() instanceof ScalarNode)) {
                d.error(
                        e.value().location(),
                        path + "." + e.key(),
                        "expected a string value, found " + e.value().describe());
                continue;
            }
            ScalarNode s = (ScalarNode) e.value();
            out.put(e.key(), s.isNull() ? "" : TemplateAliases.normalize(s.text()));
        }
        return out;
    }
}
