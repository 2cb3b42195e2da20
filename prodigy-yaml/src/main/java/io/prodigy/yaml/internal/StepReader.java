package io.prodigy.yaml.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.prodigy.api.Backoff;
import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.FileFormat;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryCondition;
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
import java.util.regex.PatternSyntaxException;

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
    private static final Set<String> ON_FAILURE_POLICY = Set.of("fail_workflow", "retry_original", "max_retries",
            "max_attempts", "handler_failure_fatal", "stop_on_success", "strategy");
    private static final Set<String> ON_FAILURE_DETAILED = Set.of("commands", "strategy", "timeout", "capture",
            "fail_workflow", "handler_failure_fatal", "max_attempts", "max_retries", "retry_original");
    private static final List<String> STRATEGIES = List.of("recovery", "fallback", "cleanup", "custom");
    private static final Set<String> VALIDATE_KEYS = Set.of("shell", "claude", "command", "commands",
            "expected_schema", "threshold", "timeout", "on_incomplete", "result_file");
    private static final Set<String> ON_INCOMPLETE_KEYS = Set.of("claude", "shell", "commands", "prompt",
            "max_attempts", "fail_workflow", "commit_required");
    private static final Set<String> STEP_VALIDATE_KEYS = Set.of("commands", "success_criteria", "max_attempts",
            "retry_delay");
    private static final Set<String> STEP_VALIDATE_COMMAND_KEYS = Set.of("command", "expect_output",
            "expect_exit_code", "command_type");
    private static final Set<String> RETRY_KEYS = Set.of("attempts", "max_attempts", "backoff", "initial_delay",
            "max_delay", "jitter", "jitter_factor", "retry_on", "retry_budget", "on_failure", "delay");
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

    /**
     * @param d where problems go
     * @param env resolves {@code ${VAR}} durations
     */
    StepReader(Diagnostics d, EnvLookup env) {
        this.d = d;
        this.env = env;
    }

    Diagnostics diagnostics() {
        return d;
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
            if (item instanceof MapNode && isModifier((MapNode) item, form)) {
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
            Step s = stepOrSkip(item, itemPath, form);
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

    /** Reads one step. @return the step, or null when it is invalid (reported) */
    Step step(Node node, String path, Form form) {
        return stepOrSkip(node, path, form);
    }

    private boolean isModifier(MapNode m, Form form) {
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
            boolean taken = switch0(key, previous);
            if (taken) {
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

    private static boolean switch0(String key, Step s) {
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

    private Step stepOrSkip(Node node, String path, Form form) {
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
                f.finish();
                return null;
            }
        } else {
            String kind = actions.get(0);
            if (kind.equals("analyze")) {
                f.notActedOn("analyze", "Prodigy 0.1.8's built-in code analysis does not exist here; the step is "
                        + "left out (run your analysis tool with a shell step instead)");
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
        if (kind(m, "test") && m.get("test") instanceof MapNode) {
            Node testFailure = ((MapNode) m.get("test")).get("on_failure");
            if (testFailure != null) {
                OnFailure of = onFailure(testFailure, f.pathOf("test") + ".on_failure", Form.COMMANDS, action);
                if (of != null) {
                    b.onFailure(of);
                    c.onFailureSet = true;
                }
            }
        }
        if (kind(m, "goal_seek")) {
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

    private static boolean kind(MapNode m, String action) {
        return m.has(action);
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
            RetryRead r = retry(f.node("retry"), f.pathOf("retry"));
            if (r != null) {
                b.retry(r.policy);
                implied = r.onFailure;
                if (f.node("retry") instanceof ScalarNode) {
                    retryCount = r.policy.maxAttempts();
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
            OnFailure of = onFailure(f.node("on_failure"), f.pathOf("on_failure"), c.form, action);
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
                f.notActedOn("output", "it only documents a file the step writes; use 'output_file' to write the "
                        + "step's standard output to a file");
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
        validation(b, f, c, action, retryCount);
        f.notActedOn("outputs", "structured data flow between commands (${id.name} from files matching a "
                + "file_pattern in the step's commits) is not in the model; capture the value with 'capture' instead");
        f.notActedOn("inputs", "structured data flow between commands is not in the model; pass values in the "
                + "command with ${...}");
        f.notActedOn("analysis", "Prodigy 0.1.8's built-in code analysis does not exist here");
        if (f.has("clear_env") && Boolean.TRUE.equals(f.bool("clear_env"))) {
            f.notActedOn("clear_env", "steps always inherit the workflow's environment; the model has no way to "
                    + "start a step with an empty one");
        }
        f.bool("temporary");
        if (!c.structured) {
            if (f.has("args") || f.has("options") || f.has("focus")) {
                for (String k : List.of("args", "options", "focus")) {
                    f.notActedOn(k, "it only applies to the structured command form {name, args, options}; "
                            + "here the command is written out in full");
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
        f.notActedOn("analysis", "Prodigy 0.1.8's built-in code analysis does not exist here");
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

    // ------------------------------------------------------------------ on_failure

    /**
     * Reads {@code on_failure} in every shape: a boolean, a command string, a list, the detailed
     * {@code {commands: [...]}} form, and a handler mapping with its policy keys.
     */
    OnFailure onFailure(Node node, String path, Form form, StepAction failing) {
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            if (s.isNull()) {
                return null;
            }
            Boolean b = Scalars.bool(s);
            if (b != null && s.type() == ScalarNode.Type.BOOLEAN) {
                return b ? OnFailure.ignore() : OnFailure.fail();
            }
            return OnFailure.run(handlerCommand(s.text())).build();
        }
        if (node instanceof ListNode) {
            List<Step> handlers = handlerList((ListNode) node, path, form);
            return handlers.isEmpty() ? null : OnFailure.run(handlers).build();
        }
        MapNode m = (MapNode) node;
        if (m.has("commands")) {
            Fields f = Fields.of(m, path, d, ON_FAILURE_DETAILED, "on_failure");
            Node cmds = f.node("commands");
            List<Step> handlers = cmds instanceof ListNode ? handlerList((ListNode) cmds, f.pathOf("commands"), form)
                    : new ArrayList<>();
            if (!(cmds instanceof ListNode)) {
                f.error("commands", "expected a list of handler commands, found " + cmds.describe());
            }
            Duration timeout = f.duration("timeout", env);
            if (timeout != null && !timeout.isZero()) {
                List<Step> timed = new ArrayList<>();
                for (Step h : handlers) {
                    timed.add(h.timeout() == null ? h.toBuilder().timeout(timeout).build() : h);
                }
                handlers = timed;
            }
            if (f.has("strategy")) {
                f.choice("strategy", STRATEGIES);
            }
            if (f.node("capture") instanceof MapNode && ((MapNode) f.node("capture")).size() > 0) {
                f.notActedOn("capture", "handler output capture by name is not in the model; use 'capture' on a "
                        + "handler command");
            }
            OnFailure.Builder ob = OnFailure.run(handlers)
                    .failWorkflow(f.bool("fail_workflow", false))
                    .handlerFailureFatal(f.bool("handler_failure_fatal", false));
            policy(ob, f, false);
            f.finish();
            return handlers.isEmpty() ? null : build(ob, m, path);
        }
        Map<String, MapNode.Entry> handlerEntries = new LinkedHashMap<>();
        Map<String, MapNode.Entry> policyEntries = new LinkedHashMap<>();
        for (MapNode.Entry e : m.entries()) {
            (ON_FAILURE_POLICY.contains(e.key()) ? policyEntries : handlerEntries).put(e.key(), e);
        }
        Fields f = Fields.of(new MapNode(m.location(), policyEntries), path, d, ON_FAILURE_POLICY, "on_failure");
        if (handlerEntries.isEmpty()) {
            f.errorHere("on_failure needs a handler: 'claude', 'shell', a list of steps, or 'commands'");
            return null;
        }
        Step handler = step(new MapNode(m.location(), handlerEntries), path, Form.PHASE);
        if (f.has("strategy")) {
            f.choice("strategy", STRATEGIES);
        }
        f.bool("stop_on_success");
        if (handler == null) {
            return null;
        }
        OnFailure.Builder ob = OnFailure.run(handler)
                .failWorkflow(f.bool("fail_workflow", false))
                .handlerFailureFatal(f.bool("handler_failure_fatal", true));
        boolean testDebugLoop = form.testDebugLoop() && handler.action() instanceof StepAction.Agent
                && !f.has("retry_original") && !f.has("max_retries");
        policy(ob, f, testDebugLoop);
        return build(ob, m, path);
    }

    private void policy(OnFailure.Builder ob, Fields f, boolean testDebugLoop) {
        Integer maxRetries = f.integer("max_retries", 0, null);
        Integer maxAttempts = f.integer("max_attempts", 1, null);
        Boolean retryOriginal = f.bool("retry_original");
        if (testDebugLoop) {
            ob.retryOriginal(true).maxAttempts(maxAttempts == null ? 3 : maxAttempts);
            return;
        }
        if (maxRetries != null) {
            ob.retryOriginal(maxRetries > 0 || Boolean.TRUE.equals(retryOriginal))
                    .maxAttempts(Math.max(1, maxRetries));
            if (maxAttempts != null) {
                f.error("max_attempts", "write either max_retries or max_attempts, not both");
            }
            return;
        }
        ob.retryOriginal(retryOriginal != null && retryOriginal).maxAttempts(maxAttempts == null ? 1 : maxAttempts);
    }

    private OnFailure build(OnFailure.Builder ob, MapNode m, String path) {
        try {
            return ob.build();
        } catch (WorkflowDefinitionException e) {
            d.error(m.location(), path, e.getMessage());
            return null;
        }
    }

    private List<Step> handlerList(ListNode list, String path, Form form) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            if (item instanceof ScalarNode && ((ScalarNode) item).type() == ScalarNode.Type.STRING) {
                out.add(handlerCommand(((ScalarNode) item).text()));
                continue;
            }
            Step s = step(item, path + "[" + i + "]", Form.PHASE);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A handler command string: a leading {@code /} is an agent command, anything else a shell command. */
    static Step handlerCommand(String text) {
        String t = TemplateAliases.normalize(text.strip());
        return t.startsWith("/") ? Step.agent(t).build() : Step.shell(t).build();
    }

    // ------------------------------------------------------------------ validate

    private void validation(Step.Builder b, Fields f, Controls c, StepAction action, Integer retryCount) {
        boolean skip = Boolean.TRUE.equals(f.bool("skip_validation"));
        Duration validationTimeout = f.duration("validation_timeout", env);
        Boolean ignoreFailure = f.bool("ignore_validation_failure");
        Validation v = null;
        if (f.has("validate")) {
            if (c.validateSet) {
                f.error("validate", "goal_seek already validates this step; write the check in goal_seek.validate");
                return;
            }
            v = validate(f.node("validate"), f.pathOf("validate"), c.form, action, retryCount);
        }
        if (f.has("step_validate")) {
            if (v != null || c.validateSet) {
                f.notActedOn("step_validate", "the step also has 'validate', and a step takes one validation");
            } else {
                v = stepValidate(f.node("step_validate"), f.pathOf("step_validate"));
            }
        }
        if (v == null) {
            return;
        }
        if (skip) {
            return;
        }
        if (validationTimeout != null && !validationTimeout.isZero() && v.timeout() == null) {
            v = new Validation(v.commands(), v.resultFile(), v.threshold(), validationTimeout, v.onIncomplete());
        }
        if (ignoreFailure != null && ignoreFailure) {
            if (v.onIncomplete() != null) {
                v = v.withOnIncomplete(new Validation.OnIncomplete(v.onIncomplete().commands(),
                        v.onIncomplete().maxAttempts(), false));
            } else {
                f.notActedOn("ignore_validation_failure", "without on_incomplete the model fails a step whose "
                        + "validation stays below its threshold; add on_incomplete with fail_workflow: false");
            }
        }
        b.validate(v);
    }

    /**
     * Reads {@code validate}: a command string, a list of commands, or {@code {shell, claude, commands,
     * result_file, threshold, timeout, on_incomplete}}. In the tasks form a string or list repeats the task until
     * the check passes (up to its {@code retry} count, 2 by default).
     */
    Validation validate(Node node, String path, Form form, StepAction action, Integer retryCount) {
        List<Step> commands = new ArrayList<>();
        String resultFile = null;
        double threshold = 100.0;
        Duration timeout = null;
        Validation.OnIncomplete onIncomplete = null;
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            if (s.isNull()) {
                return null;
            }
            commands.add(handlerCommand(s.text()));
        } else if (node instanceof ListNode) {
            commands.addAll(handlerList((ListNode) node, path, Form.PHASE));
        } else {
            Fields f = Fields.of((MapNode) node, path, d, VALIDATE_KEYS, "validate");
            String shell = f.text("shell");
            if (shell == null) {
                shell = f.text("command");
            }
            if (shell != null) {
                commands.add(Step.shell(TemplateAliases.normalize(shell)).build());
            }
            String claude = f.text("claude");
            if (claude != null) {
                commands.add(Step.agent(TemplateAliases.normalize(claude.strip())).build());
            }
            if (f.has("commands")) {
                Node cmds = f.node("commands");
                if (cmds instanceof ListNode) {
                    commands.addAll(handlerList((ListNode) cmds, f.pathOf("commands"), Form.PHASE));
                } else {
                    f.error("commands", "expected a list of validation commands, found " + cmds.describe());
                }
            }
            String rf = f.text("result_file");
            if (rf != null) {
                resultFile = TemplateAliases.normalize(rf);
            }
            Double t = f.number("threshold");
            if (t != null) {
                if (t < 0 || t > 100) {
                    f.error("threshold", "threshold must be a percentage from 0 to 100, found " + f.text("threshold"));
                } else {
                    threshold = t;
                }
            }
            Duration to = f.duration("timeout", env);
            if (to != null && !to.isZero()) {
                timeout = to;
            }
            f.notActedOn("expected_schema", "the validation result is read as {completion_percentage, status, "
                    + "missing, gaps}; a schema check of it is not in the model");
            if (f.has("on_incomplete")) {
                onIncomplete = onIncomplete(f.node("on_incomplete"), f.pathOf("on_incomplete"));
            }
            if (commands.isEmpty()) {
                if (resultFile == null) {
                    f.errorHere("validate needs a command ('shell', 'claude' or 'commands') or a 'result_file' "
                            + "written by the step");
                    f.finish();
                    return null;
                }
                // the step itself writes result_file; the check only reads it
                commands.add(Step.shell("true").build());
            }
            f.finish();
        }
        if (commands.isEmpty()) {
            d.error(node.location(), path, "validate needs at least one command");
            return null;
        }
        if (form.validateRepeats() && onIncomplete == null && !(node instanceof MapNode)) {
            onIncomplete = new Validation.OnIncomplete(List.of(Step.of(action).build()),
                    retryCount == null ? 2 : retryCount, true);
        }
        try {
            return new Validation(commands, resultFile, threshold, timeout, onIncomplete);
        } catch (WorkflowDefinitionException e) {
            d.error(node.location(), path, e.getMessage());
            return null;
        }
    }

    private Validation.OnIncomplete onIncomplete(Node node, String path) {
        if (node instanceof ListNode) {
            List<Step> cmds = handlerList((ListNode) node, path, Form.PHASE);
            return cmds.isEmpty() ? null : new Validation.OnIncomplete(cmds, 2, true);
        }
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            return s.isNull() ? null : new Validation.OnIncomplete(List.of(handlerCommand(s.text())), 2, true);
        }
        Fields f = Fields.of((MapNode) node, path, d, ON_INCOMPLETE_KEYS, "on_incomplete");
        boolean commit = f.bool("commit_required", false);
        List<Step> cmds = new ArrayList<>();
        String claude = f.text("claude");
        if (claude != null) {
            cmds.add(Step.agent(TemplateAliases.normalize(claude.strip())).commitRequired(commit).build());
        }
        String shell = f.text("shell");
        if (shell != null) {
            cmds.add(Step.shell(TemplateAliases.normalize(shell)).commitRequired(commit).build());
        }
        if (f.has("commands")) {
            Node list = f.node("commands");
            if (list instanceof ListNode) {
                cmds.addAll(handlerList((ListNode) list, f.pathOf("commands"), Form.PHASE));
            } else {
                f.error("commands", "expected a list of commands, found " + list.describe());
            }
        }
        f.notActedOn("prompt", "interactive prompts are not supported; on_incomplete runs its commands");
        Integer attempts = f.integer("max_attempts", 1, null);
        boolean fail = f.bool("fail_workflow", true);
        f.finish();
        if (cmds.isEmpty()) {
            f.errorHere("on_incomplete needs 'claude', 'shell' or 'commands': what to run when the validation is "
                    + "below its threshold");
            return null;
        }
        return new Validation.OnIncomplete(cmds, attempts == null ? 2 : attempts, fail);
    }

    private Validation stepValidate(Node node, String path) {
        List<Step> cmds = new ArrayList<>();
        if (node instanceof ScalarNode) {
            if (((ScalarNode) node).isNull()) {
                return null;
            }
            cmds.add(handlerCommand(((ScalarNode) node).text()));
        } else if (node instanceof ListNode) {
            cmds.addAll(handlerList((ListNode) node, path, Form.PHASE));
        } else {
            Fields f = Fields.of((MapNode) node, path, d, STEP_VALIDATE_KEYS, "step_validate");
            Node list = f.node("commands");
            if (list instanceof ListNode) {
                List<Node> items = ((ListNode) list).items();
                for (int i = 0; i < items.size(); i++) {
                    Node item = items.get(i);
                    if (item instanceof ScalarNode) {
                        cmds.add(handlerCommand(((ScalarNode) item).text()));
                        continue;
                    }
                    if (!(item instanceof MapNode)) {
                        d.error(item.location(), f.pathOf("commands") + "[" + i + "]", "expected a command, found "
                                + item.describe());
                        continue;
                    }
                    Fields cf = Fields.of((MapNode) item, f.pathOf("commands") + "[" + i + "]", d,
                            STEP_VALIDATE_COMMAND_KEYS, "a step_validate command");
                    String cmd = cf.requiredText("command");
                    String type = cf.has("command_type") ? cf.choice("command_type", List.of("shell", "claude"))
                            : "shell";
                    cf.notActedOn("expect_output", "the check passes on exit code 0; match the output in the command "
                            + "itself (for example with grep -q)");
                    Integer code = cf.integer("expect_exit_code", 0, null);
                    if (code != null && code != 0) {
                        cf.notActedOn("expect_exit_code", "the check passes on exit code 0 only");
                    }
                    cf.finish();
                    if (cmd != null) {
                        String c = TemplateAliases.normalize(cmd);
                        cmds.add("claude".equals(type) ? Step.agent(c.strip()).build() : Step.shell(c).build());
                    }
                }
            } else {
                f.errorHere("step_validate needs 'commands'");
            }
            String criteria = f.text("success_criteria");
            if (criteria != null && !criteria.trim().equalsIgnoreCase("all")) {
                f.notActedOn("success_criteria", "every command must pass (the 'all' criterion)");
            }
            f.notActedOn("max_attempts", "step_validate has no fix command to run between attempts");
            f.notActedOn("retry_delay", "step_validate has no fix command to run between attempts");
            f.finish();
        }
        if (cmds.isEmpty()) {
            return null;
        }
        return new Validation(cmds, null, 100.0, null, null);
    }

    // ------------------------------------------------------------------ retry

    /** A retry policy, and the on_failure its {@code on_failure: continue|{fallback}} implies. */
    record RetryRead(RetryPolicy policy, OnFailure onFailure) {
    }

    /**
     * Reads {@code retry}: a number of attempts, or {@code {attempts, backoff, initial_delay, max_delay, jitter,
     * jitter_factor, retry_on, retry_budget, on_failure}}.
     */
    RetryRead retry(Node node, String path) {
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            Long n = Scalars.parseLong(s.text());
            if (n == null || n < 1 || n > 1000) {
                d.error(node.location(), path, "expected a number of attempts or a retry mapping {attempts, backoff, "
                        + "...}, found " + node.describe());
                return null;
            }
            return new RetryRead(RetryPolicy.builder().maxAttempts(n.intValue()).build(), null);
        }
        if (!(node instanceof MapNode)) {
            d.error(node.location(), path, "expected a retry mapping {attempts, backoff, ...}, found "
                    + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, RETRY_KEYS, "retry");
        RetryPolicy.Builder rb = RetryPolicy.builder();
        Integer attempts = f.integer("attempts", 1, null);
        Integer max = f.integer("max_attempts", 1, null);
        if (attempts != null && max != null) {
            f.error("max_attempts", "write either attempts or max_attempts, not both");
        }
        if (attempts != null || max != null) {
            rb.maxAttempts(attempts != null ? attempts : max);
        }
        Duration initial = f.duration("initial_delay", null);
        Duration delay = f.duration("delay", null);
        if (initial != null || delay != null) {
            rb.initialDelay(initial != null ? initial : delay);
        }
        if (f.has("backoff")) {
            BackoffRead br = backoff(f.node("backoff"), f.pathOf("backoff"));
            if (br != null) {
                rb.backoff(br.backoff);
                if (br.initial != null) {
                    rb.initialDelay(br.initial);
                }
            }
        }
        Duration maxDelay = f.duration("max_delay", null);
        if (maxDelay != null) {
            rb.maxDelay(maxDelay);
        }
        Boolean jitter = f.bool("jitter");
        if (jitter != null) {
            rb.jitter(jitter);
        }
        Double factor = f.number("jitter_factor");
        if (factor != null) {
            rb.jitterFactor(factor);
        }
        if (f.has("retry_on")) {
            rb.retryOn(retryOn(f.node("retry_on"), f.pathOf("retry_on")));
        }
        Duration budget = f.duration("retry_budget", null);
        if (budget != null) {
            rb.retryBudget(budget);
        }
        OnFailure after = null;
        Node of = f.node("on_failure");
        if (of instanceof ScalarNode && !((ScalarNode) of).isNull()) {
            String v = f.choice("on_failure", List.of("stop", "continue", "fail"));
            if ("continue".equals(v)) {
                after = OnFailure.ignore();
            }
        } else if (of instanceof MapNode) {
            Fields ff = Fields.of((MapNode) of, f.pathOf("on_failure"), d, Set.of("fallback"), "retry on_failure");
            Node fb = ff.node("fallback");
            if (fb == null) {
                ff.errorHere("expected stop, continue or {fallback: {command: ...}}");
            } else if (fb instanceof MapNode && ((MapNode) fb).get("command") instanceof ScalarNode) {
                after = OnFailure.run(handlerCommand(((ScalarNode) ((MapNode) fb).get("command")).text())).build();
                Fields fbf = Fields.of((MapNode) fb, ff.pathOf("fallback"), d, Set.of("command"), "fallback");
                fbf.finish();
            } else if (fb instanceof ScalarNode) {
                after = OnFailure.run(handlerCommand(((ScalarNode) fb).text())).build();
            } else {
                ff.error("fallback", "expected {command: ...}, found " + fb.describe());
            }
            ff.finish();
        }
        f.finish();
        try {
            return new RetryRead(rb.build(), after);
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
            return null;
        }
    }

    /** A backoff, and the initial delay its error_policy-style form ({@code {fixed: {delay}}}) carries. */
    record BackoffRead(Backoff backoff, Duration initial) {
    }

    /**
     * Reads a backoff: {@code fixed}, {@code exponential}, {@code fibonacci}, or {@code {fixed: {delay}}},
     * {@code {linear: {increment, initial}}}, {@code {exponential: {base|multiplier, initial}}},
     * {@code {fibonacci: {initial}}}, {@code {custom: {delays: [...]}}}.
     */
    BackoffRead backoff(Node node, String path) {
        List<String> kinds = List.of("fixed", "linear", "exponential", "fibonacci", "custom");
        if (node instanceof ScalarNode) {
            String name = ((ScalarNode) node).text().trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "fixed":
                    return new BackoffRead(Backoff.fixed(), null);
                case "exponential":
                    return new BackoffRead(Backoff.exponential(2.0), null);
                case "fibonacci":
                    return new BackoffRead(Backoff.fibonacci(), null);
                case "linear":
                    d.error(node.location(), path, "linear backoff needs its increment: backoff: {linear: "
                            + "{increment: \"5s\"}}");
                    return null;
                default:
                    d.error(node.location(), path, "unknown backoff " + Texts.quote(name) + Texts.suggestion(name,
                            kinds));
                    return null;
            }
        }
        if (!(node instanceof MapNode) || ((MapNode) node).size() != 1) {
            d.error(node.location(), path, "expected a backoff such as exponential or {linear: {increment: \"5s\"}}, "
                    + "found " + node.describe());
            return null;
        }
        MapNode.Entry e = ((MapNode) node).entries().iterator().next();
        String kind = e.key();
        if (!kinds.contains(kind)) {
            d.error(e.keyLocation(), path, "unknown backoff '" + kind + "'" + Texts.suggestion(kind, kinds));
            return null;
        }
        Node body = e.value();
        String bodyPath = path + "." + kind;
        MapNode args = body instanceof MapNode ? (MapNode) body : new MapNode(body.location(), Map.of());
        if (!(body instanceof MapNode) && !(body instanceof ScalarNode && ((ScalarNode) body).isNull())) {
            d.error(body.location(), bodyPath, "expected the " + kind + " backoff's settings as a mapping, found "
                    + body.describe());
            return null;
        }
        try {
            switch (kind) {
                case "fixed": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("delay"), "fixed backoff");
                    Duration delay = f.duration("delay", null);
                    f.finish();
                    return new BackoffRead(Backoff.fixed(), delay);
                }
                case "linear": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("increment", "initial"), "linear backoff");
                    Duration inc = f.duration("increment", null);
                    Duration initial = f.duration("initial", null);
                    if (inc == null && !f.has("increment")) {
                        f.errorHere("linear backoff needs 'increment'");
                    }
                    f.finish();
                    return inc == null ? null : new BackoffRead(Backoff.linear(inc), initial);
                }
                case "exponential": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("base", "multiplier", "initial"),
                            "exponential backoff");
                    Double base = f.number("base");
                    Double mult = f.number("multiplier");
                    Duration initial = f.duration("initial", null);
                    f.finish();
                    double b = base != null ? base : mult != null ? mult : 2.0;
                    return new BackoffRead(Backoff.exponential(b), initial);
                }
                case "fibonacci": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("initial"), "fibonacci backoff");
                    Duration initial = f.duration("initial", null);
                    f.finish();
                    return new BackoffRead(Backoff.fibonacci(), initial);
                }
                default: {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("delays"), "custom backoff");
                    Node delays = f.node("delays");
                    List<Duration> list = new ArrayList<>();
                    if (delays instanceof ListNode) {
                        List<Node> items = ((ListNode) delays).items();
                        for (int i = 0; i < items.size(); i++) {
                            Duration du = Scalars.duration(items.get(i), f.pathOf("delays") + "[" + i + "]", d, null);
                            if (du != null) {
                                list.add(du);
                            }
                        }
                    } else {
                        f.errorHere("custom backoff needs 'delays', a list of durations");
                    }
                    f.finish();
                    return list.isEmpty() ? null : new BackoffRead(Backoff.custom(list), null);
                }
            }
        } catch (WorkflowDefinitionException ex) {
            d.error(node.location(), path, ex.getMessage());
            return null;
        }
    }

    private List<RetryCondition> retryOn(Node node, String path) {
        List<RetryCondition> out = new ArrayList<>();
        List<Node> items = node instanceof ListNode ? ((ListNode) node).items() : List.of(node);
        List<String> names = List.of("network", "timeout", "server_error", "rate_limit");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = path + "[" + i + "]";
            if (item instanceof ScalarNode) {
                String name = ((ScalarNode) item).text().trim().toLowerCase(Locale.ROOT);
                if (names.contains(name)) {
                    out.add(RetryCondition.named(name));
                } else {
                    d.error(item.location(), itemPath, "unknown retry_on " + Texts.quote(name)
                            + Texts.suggestion(name, names) + " (or {pattern: <regex>})");
                }
            } else if (item instanceof MapNode && ((MapNode) item).get("pattern") instanceof ScalarNode) {
                String re = ((ScalarNode) ((MapNode) item).get("pattern")).text();
                try {
                    Pattern.compile(re);
                    out.add(RetryCondition.pattern(re));
                } catch (PatternSyntaxException e) {
                    d.error(item.location(), itemPath, "invalid regular expression " + Texts.quote(re) + ": "
                            + e.getDescription() + " at index " + e.getIndex());
                }
            } else {
                d.error(item.location(), itemPath, "expected network, timeout, server_error, rate_limit or "
                        + "{pattern: <regex>}, found " + item.describe());
            }
        }
        return out;
    }
}
