package io.prodigy.yaml.internal;

import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.WorkflowDefinitionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a step's action from its action key: {@code claude}, {@code shell}, {@code command}, {@code write_file},
 * {@code foreach}, {@code goal_seek}, {@code test} and the {@code handler} form.
 */
final class ActionReader {
    private static final Set<String> FOREACH_KEYS =
            Set.of("foreach", "input", "items", "parallel", "do", "continue_on_error", "max_items");
    private static final Set<String> TEST_KEYS = Set.of("command", "on_failure");
    private static final Set<String> HANDLER_KEYS = Set.of("name", "attributes");

    private final Diagnostics d;
    private final StepReader steps;
    private final WriteFileReader writeFiles;
    private final GoalSeekReader goalSeeks;

    /**
     * @param d where problems go
     * @param steps reads the steps a foreach runs
     * @param goalSeeks reads goal_seek
     */
    ActionReader(Diagnostics d, StepReader steps, GoalSeekReader goalSeeks) {
        this.d = d;
        this.steps = steps;
        this.writeFiles = new WriteFileReader(d);
        this.goalSeeks = goalSeeks;
    }

    /**
     * @param kind the action key, one of {@link StepReader#ACTIONS} but {@code analyze}
     * @return the action, or null when it is invalid (reported)
     */
    StepAction read(String kind, Fields f, Form form) {
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
                return writeFiles.read(f.node("write_file"), f.pathOf("write_file"));
            case "foreach":
                return foreach(f, form);
            case "goal_seek":
                return goalSeeks.action(f);
            case "test":
                return test(f);
            case "handler":
                return handler(f);
            default:
                throw new IllegalStateException(kind);
        }
    }

    /** @return an agent action running {@code command}, stripped, its template aliases normalized */
    static StepAction.Agent agent(String command) {
        return new StepAction.Agent(TemplateAliases.normalize(command.strip()));
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
                f.error(
                        inputs.get(1),
                        "foreach takes its elements from one of 'foreach', 'input' or 'items', " + "found "
                                + Texts.list(inputs));
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
                items.add(
                        item instanceof ScalarNode
                                ? ((ScalarNode) item).text()
                                : Trees.toJson(item).toString());
            }
        } else {
            d.error(
                    input.location(),
                    inputPath,
                    "expected the foreach elements: a command string or a list, " + "found " + input.describe());
        }
        int parallel = steps.parallelism(f, "parallel");
        Boolean cont = f.bool("continue_on_error");
        Integer max = f.integer("max_items", 0, null);
        List<Step> body;
        if (!f.has("do")) {
            f.errorHere("foreach needs 'do': the steps run for each element");
            body = List.of();
        } else {
            body = steps.stepsOrOne(f.node("do"), f.pathOf("do"), form);
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
}
