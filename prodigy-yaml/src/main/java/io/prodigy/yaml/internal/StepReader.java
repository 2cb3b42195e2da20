package io.prodigy.yaml.internal;

import io.prodigy.api.OnFailure;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.WorkflowDefinitionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads steps in every shape the Rust tool and its documentation use onto {@link Step}: lists (with entries that
 * modify the step before them), the action (by {@link ActionReader}) and the controls around it (by
 * {@link ControlsReader}). Problems go to the {@link Diagnostics}; a step with an error is left out (and the load
 * fails).
 */
final class StepReader {
    static final List<String> ACTIONS =
            List.of("claude", "shell", "write_file", "foreach", "goal_seek", "test", "analyze", "command", "handler");
    static final Set<String> STEP_KEYS = Set.copyOf(List.of(
            "claude",
            "shell",
            "write_file",
            "foreach",
            "goal_seek",
            "test",
            "analyze",
            "command",
            "handler",
            "name",
            "description",
            "id",
            "when",
            "once_per_worktree",
            "timeout",
            "retry",
            "on_failure",
            "on_success",
            "on_exit_code",
            "capture",
            "capture_output",
            "capture_format",
            "capture_streams",
            "output_file",
            "output",
            "env",
            "working_dir",
            "commit_required",
            "auto_commit",
            "commit_config",
            "validate",
            "step_validate",
            "skip_validation",
            "validation_timeout",
            "ignore_validation_failure",
            "outputs",
            "inputs",
            "analysis",
            "allow_failure",
            "continue_on_error",
            "fail_workflow",
            "temporary",
            "clear_env",
            "args",
            "options",
            "metadata",
            "focus",
            "do",
            "parallel",
            "max_items"));
    /** Keys that, alone in a list entry, modify the step before it (the whitepaper writes them this way). */
    private static final Set<String> MODIFIERS =
            Set.of("validate", "on_failure", "on_success", "on_exit_code", "retry", "step_validate");

    private final Diagnostics d;
    private final EnvLookup env;
    private final RetryReader retries;
    private final HandlerReader handlers;
    private final StructuredCommandReader commands;
    private final GoalSeekReader goalSeeks;
    private final ActionReader actions;
    private final ControlsReader controls;

    /**
     * @param d where problems go
     * @param env resolves {@code ${VAR}} durations
     */
    StepReader(Diagnostics d, EnvLookup env) {
        this.d = d;
        this.env = env;
        this.handlers = new HandlerReader(d, env, this);
        this.retries = new RetryReader(d);
        this.commands = new StructuredCommandReader(d);
        this.goalSeeks = new GoalSeekReader(d);
        this.actions = new ActionReader(d, this, goalSeeks);
        this.controls = new ControlsReader(d, env, this, handlers, retries);
    }

    /** @return the reader of retry policies */
    RetryReader retries() {
        return retries;
    }

    EnvLookup env() {
        return env;
    }

    // ------------------------------------------------------------------ lists

    /**
     * Reads a list of steps. An entry holding only {@code validate}, {@code on_failure}, {@code on_success},
     * {@code on_exit_code}, {@code retry} or {@code step_validate} modifies the step before it.
     *
     * @return the steps, never null (invalid entries are reported and left out)
     */
    List<Step> steps(Node node, String path, Form form) {
        if (node == null || (node instanceof ScalarNode && ((ScalarNode) node).isNull())) {
            return new ArrayList<>();
        }
        if (!(node instanceof ListNode)) {
            d.error(node.location(), path, "expected a list of steps, found " + node.describe());
            return new ArrayList<>();
        }
        List<Step> out = new ArrayList<>();
        List<Node> items = ((ListNode) node).items();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = path + "[" + i + "]";
            if (item instanceof MapNode && isModifier((MapNode) item)) {
                if (out.isEmpty()) {
                    d.error(
                            item.location(),
                            itemPath,
                            "this entry has no action (" + String.join(", ", ((MapNode) item).keys())
                                    + ") and there is no step before it to apply to; add an "
                                    + "action such as 'claude' or 'shell'");
                    continue;
                }
                Step modified = modify(out.get(out.size() - 1), (MapNode) item, itemPath, form);
                if (modified != null) {
                    out.set(out.size() - 1, modified);
                }
                continue;
            }
            Step s = step(item, itemPath, form);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Reads steps written as a list or as one step mapping ({@code do: {claude: ...}}). */
    List<Step> stepsOrOne(Node node, String path, Form form) {
        if (node instanceof MapNode) {
            Step s = step(node, path, form);
            List<Step> out = new ArrayList<>();
            if (s != null) {
                out.add(s);
            }
            return out;
        }
        return steps(node, path, form);
    }

    private static boolean isModifier(MapNode m) {
        if (m.size() == 0) {
            return false;
        }
        for (String k : m.keys()) {
            if (!MODIFIERS.contains(k)) {
                return false;
            }
        }
        return true;
    }

    private Step modify(Step previous, MapNode m, String path, Form form) {
        Fields f = Fields.of(m, path, d, MODIFIERS, "a step modifier");
        Step.Builder b = previous.toBuilder();
        for (String key : m.keys()) {
            if (hasControl(key, previous)) {
                d.error(f.keyAt(key), path, "the step before this entry already has '" + key + "'; write it once");
                return null;
            }
        }
        int before = d.errorCount();
        controls.read(
                b, f, new ControlsReader.Basis(form, previous.action(), false, previous.onFailure() != null, false));
        if (d.errorCount() > before) {
            return null;
        }
        return build(b, m, path);
    }

    private static boolean hasControl(String key, Step s) {
        switch (key) {
            case "validate":
            case "step_validate":
                return s.validate() != null;
            case "on_failure":
                return s.onFailure() != null;
            case "on_success":
                return !s.onSuccess().isEmpty();
            case "on_exit_code":
                return !s.onExitCode().isEmpty();
            case "retry":
                return s.retry() != null;
            default:
                return false;
        }
    }

    // ------------------------------------------------------------------ one step

    /**
     * Reads one step (a mapping, or a slash-command string).
     *
     * @return the step, or null when it is invalid (reported) or left out ({@code analyze}, reported)
     */
    Step step(Node node, String path, Form form) {
        Step step = read(node, path, form);
        if (step != null) {
            d.locate(step, node.location());
        }
        return step;
    }

    private Step read(Node node, String path, Form form) {
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            if (s.type() != ScalarNode.Type.STRING || s.text().isBlank()) {
                d.error(
                        node.location(),
                        path,
                        "expected a step (a mapping such as {shell: \"make\"}, or a slash "
                                + "command string such as \"/lint\"), found " + node.describe());
                return null;
            }
            return build(
                    Step.agent(StructuredCommandReader.slashCommand(s.text().strip())), null, path);
        }
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected a step (a mapping such as {shell: \"make\"}), found " + node.describe());
            return null;
        }
        MapNode m = (MapNode) node;
        List<String> actionKeys = new ArrayList<>();
        for (String k : m.keys()) {
            if (ACTIONS.contains(k)) {
                actionKeys.add(k);
            }
        }
        Fields f = Fields.of(m, path, d, STEP_KEYS, "a step");
        if (actionKeys.size() > 1) {
            d.error(
                    f.keyAt(actionKeys.get(1)),
                    path,
                    "a step has exactly one action, but this one has " + Texts.list(actionKeys) + "; split it into "
                            + actionKeys.size() + " steps");
            return null;
        }
        int before = d.errorCount();
        StepAction action;
        boolean structured = false;
        if (actionKeys.isEmpty()) {
            if (m.has("name") && form.structuredCommands()) {
                action = commands.read(f);
                structured = true;
            } else {
                reportNoAction(m, path);
                return null;
            }
        } else {
            String kind = actionKeys.get(0);
            if (kind.equals("analyze")) {
                f.notActedOn(
                        "analyze",
                        "the Rust tool 0.4.x ignores it too (its built-in code analysis was "
                                + "removed in 0.3.0); the step is left out (run your analysis tool with a shell step instead)");
                f.finish();
                return null;
            }
            action = actions.read(kind, f, form);
        }
        if (action == null || d.errorCount() > before) {
            f.finish();
            return null;
        }
        Step.Builder b = Step.of(action);
        boolean hasOnFailure = testOnFailure(b, m, f);
        boolean goalSeek = m.has("goal_seek");
        if (goalSeek) {
            goalSeeks.controls(b, f, action);
        }
        controls.read(b, f, new ControlsReader.Basis(form, action, structured, hasOnFailure, goalSeek));
        f.finish();
        if (d.errorCount() > before) {
            return null;
        }
        return build(b, m, path);
    }

    private void reportNoAction(MapNode m, String path) {
        String close = null;
        for (String k : m.keys()) {
            if (!STEP_KEYS.contains(k) && close == null) {
                close = Texts.closest(k, ACTIONS);
            }
        }
        d.error(
                m.location(),
                path,
                "this step has no action: expected one of 'claude', 'shell', "
                        + "'write_file', 'foreach' or 'goal_seek'"
                        + (m.has("name") ? " ('name' is only a label " + "in a MapReduce phase)" : "")
                        + ", found the keys " + Texts.list(new ArrayList<>(m.keys()))
                        + (close != null ? "; did you mean '" + close + "'?" : ""));
    }

    /** A {@code test} step's {@code on_failure} (written inside {@code test}). @return whether it set one */
    private boolean testOnFailure(Step.Builder b, MapNode m, Fields f) {
        if (!(m.get("test") instanceof MapNode test) || test.get("on_failure") == null) {
            return false;
        }
        OnFailure of = handlers.onFailure(test.get("on_failure"), f.pathOf("test") + ".on_failure", Form.COMMANDS);
        if (of == null) {
            return false;
        }
        b.onFailure(of);
        return true;
    }

    private Step build(Step.Builder b, MapNode m, String path) {
        try {
            return b.build();
        } catch (WorkflowDefinitionException e) {
            d.error(m == null ? Location.of("") : m.location(), path, e.getMessage());
            return null;
        }
    }

    /** {@code parallel}: true is 10 (the Rust tool's default), false is 1, or a positive number. */
    int parallelism(Fields f, String key) {
        Node n = f.node(key);
        if (n == null) {
            return 1;
        }
        Boolean b = Scalars.bool(n);
        if (b != null) {
            return b ? 10 : 1;
        }
        Integer v = f.integer(key, 1, env);
        return v == null ? 1 : v;
    }
}
