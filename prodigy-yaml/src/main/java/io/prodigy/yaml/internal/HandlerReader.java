package io.prodigy.yaml.internal;

import io.prodigy.api.OnFailure;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkflowDefinitionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what runs around a step: {@code on_failure} in every shape the Rust tool and its documentation use, and
 * {@code validate} (with {@code on_incomplete}) and {@code step_validate}.
 */
final class HandlerReader {
    private static final Set<String> ON_FAILURE_POLICY = Set.of(
            "fail_workflow",
            "retry_original",
            "max_retries",
            "max_attempts",
            "handler_failure_fatal",
            "stop_on_success",
            "strategy");
    private static final Set<String> ON_FAILURE_DETAILED = Set.of(
            "commands",
            "strategy",
            "timeout",
            "capture",
            "fail_workflow",
            "handler_failure_fatal",
            "max_attempts",
            "max_retries",
            "retry_original");
    private static final List<String> STRATEGIES = List.of("recovery", "fallback", "cleanup", "custom");
    private static final Set<String> VALIDATE_KEYS = Set.of(
            "shell",
            "claude",
            "command",
            "commands",
            "expected_schema",
            "threshold",
            "timeout",
            "on_incomplete",
            "result_file");
    private static final Set<String> ON_INCOMPLETE_KEYS =
            Set.of("claude", "shell", "commands", "prompt", "max_attempts", "fail_workflow", "commit_required");
    private static final Set<String> STEP_VALIDATE_KEYS =
            Set.of("commands", "success_criteria", "max_attempts", "retry_delay");
    private static final Set<String> STEP_VALIDATE_COMMAND_KEYS =
            Set.of("command", "expect_output", "expect_exit_code", "command_type");

    private final Diagnostics d;
    private final EnvLookup env;
    private final StepReader steps;

    /** @param steps reads the handler steps written as mappings */
    HandlerReader(Diagnostics d, EnvLookup env, StepReader steps) {
        this.d = d;
        this.env = env;
        this.steps = steps;
    }

    /**
     * Reads {@code on_failure} in every shape: a boolean, a command string, a list, the detailed
     * {@code {commands: [...]}} form, and a handler mapping with its policy keys.
     */
    OnFailure onFailure(Node node, String path, Form form) {
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
            List<Step> handlers = cmds instanceof ListNode
                    ? handlerList((ListNode) cmds, f.pathOf("commands"), form)
                    : new ArrayList<>();
            if (!(cmds instanceof ListNode)) {
                f.error("commands", "expected a list of handler commands, found " + cmds.describe());
            }
            Duration timeout = f.duration("timeout", env);
            if (timeout != null && !timeout.isZero()) {
                List<Step> timed = new ArrayList<>();
                for (Step h : handlers) {
                    timed.add(
                            h.timeout() == null ? h.toBuilder().timeout(timeout).build() : h);
                }
                handlers = timed;
            }
            strategy(f);
            if (f.node("capture") instanceof MapNode && ((MapNode) f.node("capture")).size() > 0) {
                f.notActedOn(
                        "capture",
                        "handler output capture by name is not in the model; use 'capture' on a " + "handler command");
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
        Step handler = steps.step(new MapNode(m.location(), handlerEntries), path, Form.PHASE);
        strategy(f);
        if (f.has("stop_on_success")) {
            f.bool("stop_on_success");
            f.notActedOn(
                    "stop_on_success",
                    "the Rust tool 0.4.x has no such key and ignores it; a handler runs "
                            + "its commands once per failure");
        }
        if (handler == null) {
            return null;
        }
        OnFailure.Builder ob = OnFailure.run(handler)
                .failWorkflow(f.bool("fail_workflow", false))
                .handlerFailureFatal(f.bool("handler_failure_fatal", true));
        boolean testDebugLoop = form.testDebugLoop()
                && handler.action() instanceof StepAction.Agent
                && !f.has("retry_original")
                && !f.has("max_retries");
        policy(ob, f, testDebugLoop);
        return build(ob, m, path);
    }

    /**
     * The Rust tool uses {@code strategy} only to decide whether a handler that succeeds marks the step recovered
     * ({@code recovery}, its default); here a handler that succeeds always settles the step unless
     * {@code fail_workflow} is set, which is {@code recovery}.
     */
    private static void strategy(Fields f) {
        if (!f.has("strategy")) {
            return;
        }
        String strategy = f.choice("strategy", STRATEGIES);
        if (strategy != null && !strategy.equals("recovery")) {
            f.notActedOn(
                    "strategy",
                    "handlers here always work as 'recovery' (a handler that succeeds settles "
                            + "the failed step unless fail_workflow is set); the Rust tool 0.4.x uses the strategy only to "
                            + "leave the step failed after a successful '" + strategy + "' handler");
        }
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
            Step s = steps.step(item, path + "[" + i + "]", Form.PHASE);
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

    void validation(
            Step.Builder b, Fields f, Form form, boolean goalSeekValidates, StepAction action, Integer retryCount) {
        boolean skip = Boolean.TRUE.equals(f.bool("skip_validation"));
        Duration validationTimeout = f.duration("validation_timeout", env);
        Boolean ignoreFailure = f.bool("ignore_validation_failure");
        Validation v = null;
        if (f.has("validate")) {
            if (goalSeekValidates) {
                f.error("validate", "goal_seek already validates this step; write the check in goal_seek.validate");
                return;
            }
            v = validate(f.node("validate"), f.pathOf("validate"), form, action, retryCount);
        }
        if (f.has("step_validate")) {
            if (v != null || goalSeekValidates) {
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
                v = v.withOnIncomplete(new Validation.OnIncomplete(
                        v.onIncomplete().commands(), v.onIncomplete().maxAttempts(), false));
            } else {
                f.notActedOn(
                        "ignore_validation_failure",
                        "without on_incomplete the model fails a step whose "
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
                commands.add(
                        Step.agent(TemplateAliases.normalize(claude.strip())).build());
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
            f.notActedOn(
                    "expected_schema",
                    "the validation result is read as {completion_percentage, status, "
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
            onIncomplete = new Validation.OnIncomplete(
                    List.of(Step.of(action).build()), retryCount == null ? 2 : retryCount, true);
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
            cmds.add(Step.agent(TemplateAliases.normalize(claude.strip()))
                    .commitRequired(commit)
                    .build());
        }
        String shell = f.text("shell");
        if (shell != null) {
            cmds.add(Step.shell(TemplateAliases.normalize(shell))
                    .commitRequired(commit)
                    .build());
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
                        d.error(
                                item.location(),
                                f.pathOf("commands") + "[" + i + "]",
                                "expected a command, found " + item.describe());
                        continue;
                    }
                    Fields cf = Fields.of(
                            (MapNode) item,
                            f.pathOf("commands") + "[" + i + "]",
                            d,
                            STEP_VALIDATE_COMMAND_KEYS,
                            "a step_validate command");
                    String cmd = cf.requiredText("command");
                    String type =
                            cf.has("command_type") ? cf.choice("command_type", List.of("shell", "claude")) : "shell";
                    cf.notActedOn(
                            "expect_output",
                            "the check passes on exit code 0; match the output in the command "
                                    + "itself (for example with grep -q)");
                    Integer code = cf.integer("expect_exit_code", 0, null);
                    if (code != null && code != 0) {
                        cf.notActedOn("expect_exit_code", "the check passes on exit code 0 only");
                    }
                    cf.finish();
                    if (cmd != null) {
                        String c = TemplateAliases.normalize(cmd);
                        cmds.add(
                                "claude".equals(type)
                                        ? Step.agent(c.strip()).build()
                                        : Step.shell(c).build());
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
}
