package io.prodigy.yaml.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.FileFormat;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkflowDefinitionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads steps in every shape the Rust tool and its documentation use, with every control, onto {@link Step}.
 * Problems go to the {@link Diagnostics}; a step with an error is left out (and the load fails).
 */
final class StepReader {
    static final List<String> ACTIONS = List.of("claude", "shell", "write_file", "foreach", "goal_seek", "test",
            "analyze", "command", "handler");
    static final Set<String> STEP_KEYS = Set.copyOf(List.of("claude", "shell", "write_file", "foreach", "goal_seek",
            "test", "analyze", "command", "handler", "name", "description", "id", "when", "timeout", "retry",
            "on_failure", "on_success", "on_exit_code", "capture", "capture_output", "capture_format",
            "capture_streams", "output_file", "output", "env", "working_dir", "commit_required", "auto_commit",
            "commit_config", "validate", "step_validate", "skip_validation", "validation_timeout",
            "ignore_validation_failure", "outputs", "inputs", "analysis", "allow_failure", "continue_on_error",
            "fail_workflow", "temporary", "clear_env", "args", "options", "metadata", "focus", "do", "parallel",
            "max_items"));
    /** Keys that, alone in a list entry, modify the step before it (the whitepaper writes them this way). */
    private static final Set<String> MODIFIERS = Set.of("validate", "on_failure", "on_success", "on_exit_code",
            "retry", "step_validate");
    private static final List<String> CAPTURE_FORMATS = List.of("string", "json", "lines", "number", "boolean");
    private static final List<String> FILE_FORMATS = List.of("text", "json", "yaml");
    private static final Set<String> WRITE_FILE_KEYS = Set.of("path", "content", "format", "mode", "create_dirs");
    private static final Set<String> FOREACH_KEYS = Set.of("foreach", "input", "items", "parallel", "do",
            "continue_on_error", "max_items");
    private static final Set<String> GOAL_SEEK_KEYS = Set.of("goal", "claude", "shell", "validate", "threshold",
            "max_attempts", "timeout_seconds", "fail_on_incomplete");
    private static final Set<String> TEST_KEYS = Set.of("command", "on_failure");
    private static final Set<String> HANDLER_KEYS = Set.of("name", "attributes");
    private static final Set<String> METADATA_KEYS = Set.of("retries", "timeout", "continue_on_error", "env",
            "commit_required", "analysis");
    private static final Set<String> CAPTURE_STREAM_KEYS = Set.of("stdout", "stderr", "exit_code", "success",
            "duration");
    private static final Set<String> COMMIT_CONFIG_KEYS = Set.of("message_template", "message_pattern", "sign",
            "author", "include_files", "exclude_files", "squash");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final ObjectMapper YAML_OUT = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();
    private static final ObjectMapper JSON_OUT = new ObjectMapper();

    private final Diagnostics d;
    private final EnvLookup env;
    private final HandlerReader handlers;
    private final RetryReader retries;

    /**
     * @param d where problems go
     * @param env resolves {@code ${VAR}} durations
     */
    StepReader(Diagnostics d, EnvLookup env) {
        this.d = d;
        this.env = env;
        this.handlers = new HandlerReader(d, env, this);
        this.retries = new RetryReader(d);
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
                    d.error(item.location(), itemPath, "this entry has no action (" + String.join(", ",
                            ((MapNode) item).keys()) + ") and there is no step before it to apply to; add an "
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
        Controls c = new Controls(form, previous.action());
        for (String key : m.keys()) {
            if (hasControl(key, previous)) {
                d.error(f.keyAt(key), path, "the step before this entry already has '" + key + "'; write it once");
                return null;
            }
        }
        int before = d.errorCount();
        applyControls(b, f, c, previous.action(), previous.onFailure() != null);
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
                d.error(node.location(), path, "expected a step (a mapping such as {shell: \"make\"}, or a slash "
                        + "command string such as \"/lint\"), found " + node.describe());
                return null;
            }
            return build(Step.agent(slashCommand(s.text().strip())), null, path);
        }
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected a step (a mapping such as {shell: \"make\"}), found "
                    + node.describe());
            return null;
        }
        MapNode m = (MapNode) node;
        List<String> actions = new ArrayList<>();
        for (String k : m.keys()) {
            if (ACTIONS.contains(k)) {
                actions.add(k);
            }
        }
        Fields f = Fields.of(m, path, d, STEP_KEYS, "a step");
        if (actions.size() > 1) {
            d.error(f.keyAt(actions.get(1)), path, "a step has exactly one action, but this one has "
                    + Texts.list(actions) + "; split it into " + actions.size() + " steps");
            return null;
        }
        int before = d.errorCount();
        StepAction action;
        boolean structured = false;
        if (actions.isEmpty()) {
            if (m.has("name") && form.structuredCommands()) {
                action = structuredCommand(f);
                structured = true;
            } else {
                String close = null;
                for (String k : m.keys()) {
                    if (!STEP_KEYS.contains(k) && close == null) {
                        close = Texts.closest(k, ACTIONS);
                    }
                }
                d.error(m.location(), path, "this step has no action: expected one of 'claude', 'shell', "
                        + "'write_file', 'foreach' or 'goal_seek'" + (m.has("name") ? " ('name' is only a label "
                        + "in a MapReduce phase)" : "") + ", found the keys " + Texts.list(new ArrayList<>(m.keys()))
                        + (close != null ? "; did you mean '" + close + "'?" : ""));
                return null;
            }
        } else {
            String kind = actions.get(0);
            if (kind.equals("analyze")) {
                f.notActedOn("analyze", "the Rust tool 0.4.x ignores it too (its built-in code analysis was "
                        + "removed in 0.3.0); the step is left out (run your analysis tool with a shell step instead)");
                f.finish();
                return null;
            }
            action = action(kind, f, form);
        }
        if (action == null || d.errorCount() > before) {
            f.finish();
            return null;
        }
        Step.Builder b = Step.of(action);
        Controls c = new Controls(form, action);
        c.structured = structured;
        if (m.get("test") instanceof MapNode) {
            Node testFailure = ((MapNode) m.get("test")).get("on_failure");
            if (testFailure != null) {
                OnFailure of = handlers.onFailure(testFailure, f.pathOf("test") + ".on_failure", Form.COMMANDS);
                if (of != null) {
                    b.onFailure(of);
                    c.onFailureSet = true;
                }
            }
        }
        if (m.has("goal_seek")) {
            goalSeekControls(b, f, action);
            c.validateSet = true;
        }
        applyControls(b, f, c, action, c.onFailureSet);
        f.finish();
        if (d.errorCount() > before) {
            return null;
        }
        return build(b, m, path);
    }

    private Step build(Step.Builder b, MapNode m, String path) {
        try {
            return b.build();
        } catch (WorkflowDefinitionException e) {
            d.error(m == null ? Location.of("") : m.location(), path, e.getMessage());
            return null;
        }
    }

    // ------------------------------------------------------------------ actions

    private StepAction action(String kind, Fields f, Form form) {
        switch (kind) {
            case "claude": {
                String cmd = f.requiredText("claude");
                return cmd == null ? null : agent(cmd);
            }
            case "shell": {
                String cmd = f.requiredText("shell");
                return cmd == null ? null : new StepAction.Shell(TemplateAliases.normalize(cmd));
            }
            case "command": {
                String cmd = f.requiredText("command");
                return cmd == null ? null : agent(cmd);
            }
            case "write_file":
                return writeFile(f.node("write_file"), f.pathOf("write_file"));
            case "foreach":
                return foreach(f, form);
            case "goal_seek":
                return goalSeekAction(f);
            case "test":
                return test(f);
            case "handler":
                return handler(f);
            default:
                throw new IllegalStateException(kind);
        }
    }

    private static StepAction.Agent agent(String command) {
        return new StepAction.Agent(TemplateAliases.normalize(command.strip()));
    }

    /** A bare command string or a structured command name: {@code "lint"} and {@code "/lint"} run {@code /lint}. */
    private static String slashCommand(String text) {
        String t = TemplateAliases.normalize(text.strip());
        return t.startsWith("/") ? t : "/" + t;
    }

    private StepAction structuredCommand(Fields f) {
        String name = f.requiredText("name");
        if (name == null) {
            return null;
        }
        StringBuilder cmd = new StringBuilder(slashCommand(name));
        List<String> args = f.textList("args");
        if (args != null) {
            for (String a : args) {
                cmd.append(' ').append(argument(a));
            }
        }
        String focus = f.text("focus");
        Map<String, Node> options = new LinkedHashMap<>();
        Node opts = f.node("options");
        if (opts instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) opts).entries()) {
                options.put(e.key(), e.value());
            }
        } else if (opts != null && !(opts instanceof ScalarNode && ((ScalarNode) opts).isNull())) {
            f.error("options", "expected a mapping of option names to values, found " + opts.describe());
        }
        if (focus != null && !options.containsKey("focus")) {
            options.put("focus", ScalarNode.string(f.at("focus"), focus));
        }
        for (Map.Entry<String, Node> e : options.entrySet()) {
            appendOption(cmd, e.getKey(), e.getValue(), f.pathOf("options") + "." + e.getKey());
        }
        return new StepAction.Agent(cmd.toString());
    }

    private void appendOption(StringBuilder cmd, String key, Node value, String path) {
        if (value instanceof ListNode) {
            for (Node item : ((ListNode) value).items()) {
                appendOption(cmd, key, item, path);
            }
            return;
        }
        if (!(value instanceof ScalarNode)) {
            d.error(value.location(), path, "expected an option value (a string, number or boolean), found "
                    + value.describe());
            return;
        }
        ScalarNode s = (ScalarNode) value;
        Boolean b = s.type() == ScalarNode.Type.BOOLEAN ? s.booleanValue() : null;
        if (b != null) {
            if (b) {
                cmd.append(" --").append(key);
            }
            return;
        }
        if (s.isNull()) {
            cmd.append(" --").append(key);
            return;
        }
        cmd.append(" --").append(key).append(' ').append(argument(TemplateAliases.normalize(s.text())));
    }

    private static String argument(String a) {
        if (a.isEmpty() || a.chars().anyMatch(Character::isWhitespace)) {
            return "'" + a.replace("'", "'\\''") + "'";
        }
        return a;
    }

    private StepAction writeFile(Node node, String path) {
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected {path, content, format, mode, create_dirs}, found "
                    + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, WRITE_FILE_KEYS, "write_file");
        String file = f.requiredText("path");
        String format = f.has("format") ? f.choice("format", FILE_FORMATS) : "text";
        FileFormat ff = format == null ? FileFormat.TEXT : FileFormat.valueOf(format.toUpperCase(Locale.ROOT));
        String content = "";
        Node c = f.node("content");
        if (c instanceof ScalarNode) {
            content = ((ScalarNode) c).isNull() ? "" : ((ScalarNode) c).text();
        } else if (c != null) {
            content = structuredContent(c, ff, f.pathOf("content"));
        }
        String mode = f.text("mode");
        Boolean createDirs = f.bool("create_dirs");
        f.finish();
        if (file == null) {
            return null;
        }
        try {
            return new StepAction.WriteFile(TemplateAliases.normalize(file), TemplateAliases.normalize(content), ff,
                    mode, createDirs != null && createDirs);
        } catch (WorkflowDefinitionException e) {
            f.error("mode", e.getMessage());
            return null;
        }
    }

    /** Content written as a YAML mapping or list: JSON text for format json, YAML text otherwise. */
    private String structuredContent(Node c, FileFormat format, String path) {
        JsonNode json = Trees.toJson(c);
        try {
            if (format == FileFormat.JSON) {
                return JSON_OUT.writerWithDefaultPrettyPrinter().writeValueAsString(json);
            }
            return YAML_OUT.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            d.error(c.location(), path, "could not render the content: " + e.getOriginalMessage());
            return "";
        }
    }

    private StepAction foreach(Fields step, Form form) {
        Node spec = step.node("foreach");
        Fields f = step;
        Node input = spec;
        String inputPath = step.pathOf("foreach");
        if (spec instanceof MapNode) {
            f = Fields.of((MapNode) spec, step.pathOf("foreach"), d, FOREACH_KEYS, "foreach");
            List<String> inputs = new ArrayList<>();
            for (String k : List.of("foreach", "input", "items")) {
                if (f.has(k)) {
                    inputs.add(k);
                }
            }
            if (inputs.isEmpty()) {
                f.errorHere("foreach needs its elements: a command ('foreach: \"find . -name *.py\"') or a list "
                        + "('foreach: [a, b]')");
                f.finish();
                return null;
            }
            if (inputs.size() > 1) {
                f.error(inputs.get(1), "foreach takes its elements from one of 'foreach', 'input' or 'items', "
                        + "found " + Texts.list(inputs));
            }
            input = f.node(inputs.get(0));
            inputPath = f.pathOf(inputs.get(0));
            for (String k : List.of("do", "parallel", "continue_on_error", "max_items")) {
                if (step.has(k)) {
                    step.error(k, "'" + k + "' belongs inside the foreach mapping here, next to its elements");
                }
            }
        }
        String command = null;
        List<String> items = null;
        if (input instanceof ScalarNode && ((ScalarNode) input).type() != ScalarNode.Type.NULL) {
            command = TemplateAliases.normalize(((ScalarNode) input).text());
        } else if (input instanceof ListNode) {
            items = new ArrayList<>();
            for (Node item : ((ListNode) input).items()) {
                items.add(item instanceof ScalarNode ? ((ScalarNode) item).text() : Trees.toJson(item).toString());
            }
        } else {
            d.error(input.location(), inputPath, "expected the foreach elements: a command string or a list, "
                    + "found " + input.describe());
        }
        int parallel = parallelism(f, "parallel");
        Boolean cont = f.bool("continue_on_error");
        Integer max = f.integer("max_items", 0, null);
        List<Step> body;
        if (!f.has("do")) {
            f.errorHere("foreach needs 'do': the steps run for each element");
            body = List.of();
        } else {
            body = stepsOrOne(f.node("do"), f.pathOf("do"), form);
        }
        if (f != step) {
            f.finish();
        }
        if ((command == null && items == null) || body.isEmpty()) {
            return null;
        }
        try {
            return new StepAction.Foreach(items, command, parallel, cont != null && cont, max, body);
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
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

    private StepAction goalSeekAction(Fields step) {
        Node spec = step.node("goal_seek");
        if (!(spec instanceof MapNode)) {
            step.error("goal_seek", "expected {goal, claude or shell, validate, threshold, max_attempts}, found "
                    + spec.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) spec, step.pathOf("goal_seek"), d, GOAL_SEEK_KEYS, "goal_seek");
        boolean claude = f.has("claude");
        boolean shell = f.has("shell");
        if (claude == shell) {
            f.errorHere("goal_seek needs exactly one of 'claude' or 'shell': the command that works towards the "
                    + "goal");
            return null;
        }
        String cmd = f.requiredText(claude ? "claude" : "shell");
        if (cmd == null) {
            return null;
        }
        return claude ? agent(cmd) : new StepAction.Shell(TemplateAliases.normalize(cmd));
    }

    /** goal_seek's goal, validator, threshold and attempts become the step's validate with on_incomplete. */
    private void goalSeekControls(Step.Builder b, Fields step, StepAction action) {
        Fields f = Fields.of((MapNode) step.node("goal_seek"), step.pathOf("goal_seek"), d, GOAL_SEEK_KEYS,
                "goal_seek");
        String goal = f.text("goal");
        if (goal != null && !step.has("name")) {
            b.name(goal);
        }
        String validator = f.requiredText("validate");
        Double threshold = f.number("threshold");
        Integer attempts = f.integer("max_attempts", 1, null);
        Boolean failOnIncomplete = f.bool("fail_on_incomplete");
        f.notActedOn("timeout_seconds", "it limits the whole goal-seeking loop, and the model has no such limit "
                + "(set 'timeout' on the step to limit each attempt)");
        f.finish();
        if (validator == null) {
            return;
        }
        if (threshold != null && (threshold < 0 || threshold > 100)) {
            f.error("threshold", "threshold must be between 0 and 100, found " + threshold);
            return;
        }
        Step check = Step.shell(GoalSeek.scoreCommand(TemplateAliases.normalize(validator))).build();
        Validation.OnIncomplete again = new Validation.OnIncomplete(List.of(Step.of(action).build()),
                attempts == null ? 3 : attempts, failOnIncomplete != null && failOnIncomplete);
        b.validate(new Validation(List.of(check), null, threshold == null ? 100.0 : threshold, null, again));
    }

    private StepAction test(Fields step) {
        Node spec = step.node("test");
        if (!(spec instanceof MapNode)) {
            step.error("test", "expected {command, on_failure}, found " + spec.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) spec, step.pathOf("test"), d, TEST_KEYS, "test");
        String cmd = f.requiredText("command");
        f.finish();
        if (step.has("on_failure")) {
            step.error("on_failure", "a 'test' step takes its on_failure inside 'test'; write it once");
        }
        return cmd == null ? null : new StepAction.Shell(TemplateAliases.normalize(cmd));
    }

    private StepAction handler(Fields step) {
        Node spec = step.node("handler");
        if (!(spec instanceof MapNode)) {
            step.error("handler", "expected {name, attributes}, found " + spec.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) spec, step.pathOf("handler"), d, HANDLER_KEYS, "handler");
        String name = f.choice("name", List.of("shell", "claude", "git", "cargo", "file"));
        Node attrs = f.node("attributes");
        f.finish();
        if (name == null) {
            return null;
        }
        String command = null;
        if (attrs instanceof MapNode) {
            Node c = ((MapNode) attrs).get("command");
            if (c == null) {
                c = ((MapNode) attrs).get("args");
            }
            if (c instanceof ScalarNode) {
                command = ((ScalarNode) c).text();
            } else if (c instanceof ListNode) {
                List<String> parts = new ArrayList<>();
                for (Node p : ((ListNode) c).items()) {
                    parts.add(p instanceof ScalarNode ? ((ScalarNode) p).text() : p.toString());
                }
                command = String.join(" ", parts);
            }
        }
        if (name.equals("file")) {
            f.error("name", "the 'file' handler is not supported; use a write_file step");
            return null;
        }
        if (command == null || command.isBlank()) {
            f.error("attributes", "the " + name + " handler needs attributes.command");
            return null;
        }
        String cmd = TemplateAliases.normalize(command);
        switch (name) {
            case "claude":
                return agent(cmd);
            case "git":
                return new StepAction.Shell("git " + cmd);
            case "cargo":
                return new StepAction.Shell("cargo " + cmd);
            default:
                return new StepAction.Shell(cmd);
        }
    }

    // ------------------------------------------------------------------ controls

    /** What the controls of one step have set so far, to resolve the keys that imply an on_failure. */
    private static final class Controls {
        final Form form;
        final StepAction action;
        boolean structured;
        boolean onFailureSet;
        boolean validateSet;

        Controls(Form form, StepAction action) {
            this.form = form;
            this.action = action;
        }
    }

    private void applyControls(Step.Builder b, Fields f, Controls c, StepAction action, boolean hasOnFailure) {
        boolean onFailureSet = hasOnFailure || c.onFailureSet;
        if (!c.structured) {
            String name = f.text("name");
            if (name != null) {
                b.name(name);
            }
        } else {
            f.text("name");
        }
        String description = f.text("description");
        if (description != null && !f.has("name") && !f.has("goal_seek")) {
            b.name(description.strip());
        }
        String id = f.text("id");
        if (id != null) {
            b.id(id);
        }
        if (f.has("when")) {
            String when = f.text("when");
            if (when != null && !when.isBlank()
                    && ExpressionChecks.expression(f.node("when"), when, f.pathOf("when"), "when", d)) {
                b.when(TemplateAliases.normalize(when));
            }
        }
        Duration timeout = f.duration("timeout", env);
        if (timeout != null) {
            if (timeout.isZero()) {
                f.error("timeout", "timeout must be positive; leave it out for no limit");
            } else {
                b.timeout(timeout);
            }
        }
        OnFailure implied = null;
        Integer retryCount = null;
        if (f.has("retry")) {
            RetryReader.RetryRead r = retries.retry(f.node("retry"), f.pathOf("retry"));
            if (r != null) {
                b.retry(r.policy());
                implied = r.onFailure();
                if (f.node("retry") instanceof ScalarNode) {
                    retryCount = r.policy().maxAttempts();
                }
            }
        }
        Node meta = f.node("metadata");
        if (meta != null) {
            OnFailure metaFailure = metadata(b, meta, f.pathOf("metadata"), f.has("retry"), f.has("timeout"));
            if (metaFailure != null && implied == null) {
                implied = metaFailure;
            }
        }
        if (f.has("on_failure")) {
            OnFailure of = handlers.onFailure(f.node("on_failure"), f.pathOf("on_failure"), c.form);
            if (of != null) {
                b.onFailure(of);
                onFailureSet = true;
            }
        }
        for (String k : List.of("allow_failure", "continue_on_error")) {
            if (f.has(k) && !(action instanceof StepAction.Foreach && k.equals("continue_on_error"))) {
                Boolean v = f.bool(k);
                if (v != null && v && implied == null) {
                    implied = OnFailure.ignore();
                }
            }
        }
        if (f.has("fail_workflow")) {
            Boolean v = f.bool("fail_workflow");
            if (v != null && !v && implied == null) {
                implied = OnFailure.ignore();
            }
        }
        if (!onFailureSet && implied != null) {
            b.onFailure(implied);
        }
        if (f.has("on_success")) {
            b.onSuccess(stepsOrOne(f.node("on_success"), f.pathOf("on_success"), c.form));
        }
        if (f.has("on_exit_code")) {
            onExitCode(b, f.node("on_exit_code"), f.pathOf("on_exit_code"), c.form);
        }
        capture(b, f);
        String outputFile = f.text("output_file");
        if (outputFile != null) {
            b.outputFile(TemplateAliases.normalize(outputFile));
        }
        if (f.has("output")) {
            if (c.form.outputIsFile() && outputFile == null) {
                String out = f.text("output");
                if (out != null) {
                    b.outputFile(TemplateAliases.normalize(out));
                }
            } else {
                f.notActedOn("output", "the Rust tool 0.4.x ignores it too (its steps have no such key); it only "
                        + "documents a file the step writes; use 'output_file' to write the step's standard output "
                        + "to a file");
            }
        }
        Map<String, String> stepEnv = envMap(f.node("env"), f.pathOf("env"));
        if (stepEnv != null) {
            b.env(stepEnv);
        }
        String wd = f.text("working_dir");
        if (wd != null) {
            b.workingDir(TemplateAliases.normalize(wd));
        }
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
        handlers.validation(b, f, c.form, c.validateSet, action, retryCount);
        outputs(b, f);
        f.notActedOn("inputs", "structured data flow between commands is not in the model; pass values in the "
                + "command with ${...}");
        f.notActedOn("analysis", ANALYSIS_IGNORED);
        if (f.has("clear_env") && Boolean.TRUE.equals(f.bool("clear_env"))) {
            f.notActedOn("clear_env", "the Rust tool 0.4.x ignores it too (it parses clear_env but always "
                    + "inherits the environment); steps here always inherit the workflow's environment");
        }
        if (f.has("temporary") && Boolean.FALSE.equals(f.bool("temporary"))) {
            f.notActedOn("temporary", "the Rust tool 0.4.x ignores it too; a step's env applies to that step only, "
                    + "as with temporary: true");
        }
        if (!c.structured) {
            if (f.has("args") || f.has("options") || f.has("focus")) {
                for (String k : List.of("args", "options", "focus")) {
                    f.notActedOn(k, "the Rust tool 0.4.x ignores it too (it applies only to the structured "
                            + "command form {name, args, options}); here the command is written out in full");
                }
            }
        }
        if (!(action instanceof StepAction.Foreach)) {
            for (String k : List.of("do", "parallel", "max_items")) {
                if (f.has(k)) {
                    f.error(k, "'" + k + "' only applies to a 'foreach' step");
                }
            }
        }
    }

    /**
     * {@code outputs: {NAME: {file_pattern: P}}} (or {@code NAME: P}): the step's declared outputs, read as
     * {@code ${ID.NAME}} by later steps.
     */
    private void outputs(Step.Builder b, Fields f) {
        Node node = f.node("outputs");
        if (node == null) {
            return;
        }
        if (!(node instanceof MapNode)) {
            f.error("outputs", "expected a mapping of output names to {file_pattern: PATTERN}, found "
                    + node.describe());
            return;
        }
        for (MapNode.Entry e : ((MapNode) node).entries()) {
            String path = f.pathOf("outputs") + "." + e.key();
            Node v = e.value();
            String pattern = null;
            if (v instanceof ScalarNode sv && sv.type() == ScalarNode.Type.STRING) {
                pattern = sv.text();
            } else if (v instanceof MapNode mv) {
                Fields of = Fields.of(mv, path, d, Set.of("file_pattern"), "an output");
                pattern = of.text("file_pattern");
                if (pattern == null && d.errorCount() == 0) {
                    of.errorHere("an output needs 'file_pattern', the pattern of the file it names");
                }
                of.finish();
            } else {
                d.error(v.location(), path, "expected {file_pattern: PATTERN}, found " + v.describe());
            }
            if (pattern != null && !pattern.isBlank()) {
                b.output(e.key(), pattern);
            }
        }
        if (f.text("id") == null) {
            d.warning(f.keyAt("outputs"), f.pathOf("outputs"), "the step has 'outputs' but no 'id', so later steps "
                    + "cannot read them (they are ${ID.NAME}); add an 'id'");
        }
    }

    private static final String ANALYSIS_IGNORED = "the Rust tool 0.4.x ignores it too (its built-in code analysis "
            + "was removed in 0.3.0)";

    private OnFailure metadata(Step.Builder b, Node node, String path, boolean hasRetry, boolean hasTimeout) {
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected {retries, timeout, continue_on_error, env, commit_required}, "
                    + "found " + node.describe());
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
                d.error(e.keyLocation(), path, "expected an exit code from 0 to 255 as the key, found "
                        + Texts.quote(e.key()));
                continue;
            }
            b.onExitCode(code.intValue(), stepsOrOne(e.value(), path + "." + e.key(), form));
        }
    }

    private void capture(Step.Builder b, Fields f) {
        String capture = f.text("capture");
        if (capture != null) {
            b.capture(capture);
        }
        Node co = f.node("capture_output");
        if (co != null && !(co instanceof ScalarNode && ((ScalarNode) co).isNull())) {
            Boolean flag = Scalars.bool(co);
            if (flag == null) {
                String name = f.text("capture_output");
                if (name != null && !name.isBlank()) {
                    if (capture != null && !capture.equals(name)) {
                        f.error("capture_output", "'capture' and 'capture_output' name different variables ("
                                + Texts.quote(capture) + " and " + Texts.quote(name) + "); keep one");
                    } else {
                        b.capture(name);
                    }
                }
            }
            // capture_output: true/false: ${shell.output}, ${claude.output} and ${last.output} are always set
        }
        if (f.has("capture_format")) {
            String fmt = f.choice("capture_format", CAPTURE_FORMATS);
            if (fmt != null) {
                b.captureFormat(CaptureFormat.valueOf(fmt.toUpperCase(Locale.ROOT)));
            }
        }
        Node cs = f.node("capture_streams");
        if (cs instanceof ScalarNode && !((ScalarNode) cs).isNull()) {
            String v = f.choice("capture_streams", List.of("stdout", "stderr", "both"));
            if (v != null) {
                b.captureStreams(CaptureStreams.named(v));
            }
        } else if (cs instanceof MapNode) {
            Fields s = Fields.of((MapNode) cs, f.pathOf("capture_streams"), d, CAPTURE_STREAM_KEYS,
                    "capture_streams");
            b.captureStreams(new CaptureStreams(s.bool("stdout", true), s.bool("stderr", false),
                    s.bool("exit_code", true), s.bool("success", true), s.bool("duration", true)));
            s.finish();
        } else if (cs != null && !(cs instanceof ScalarNode)) {
            f.error("capture_streams", "expected stdout, stderr, both, or a mapping {stdout, stderr, exit_code, "
                    + "success, duration}, found " + cs.describe());
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
    Map<String, String> envMap(Node node, String path) {
        if (node == null || (node instanceof ScalarNode && ((ScalarNode) node).isNull())) {
            return null;
        }
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected a mapping of variable names to values, found "
                    + node.describe());
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (MapNode.Entry e : ((MapNode) node).entries()) {
            if (!ENV_NAME.matcher(e.key()).matches()) {
                d.error(e.keyLocation(), path, "invalid environment variable name " + Texts.quote(e.key()));
                continue;
            }
            if (!(e.value() instanceof ScalarNode)) {
                d.error(e.value().location(), path + "." + e.key(), "expected a string value, found "
                        + e.value().describe());
                continue;
            }
            ScalarNode s = (ScalarNode) e.value();
            out.put(e.key(), s.isNull() ? "" : TemplateAliases.normalize(s.text()));
        }
        return out;
    }
}
