package io.prodigy.yaml.internal;

import io.prodigy.api.Backoff;
import io.prodigy.api.CircuitBreakerPolicy;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.ItemFailureAction;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.SetupPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
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

/** Reads a MapReduce stage: setup, map, reduce and the error policy with its top-level shorthands. */
final class PhaseReader {
    /** Keys of a MapReduce stage (top level of a mapreduce file, a task's mapreduce block, a stages entry). */
    static final Set<String> STAGE_KEYS = Set.of(
            "setup",
            "map",
            "reduce",
            "error_policy",
            "on_item_failure",
            "continue_on_failure",
            "max_failures",
            "failure_threshold",
            "error_collection");

    static final Set<String> MAP_KEYS = Set.of(
            "input",
            "json_path",
            "agent_template",
            "operation",
            "max_parallel",
            "parallel",
            "filter",
            "sort_by",
            "max_items",
            "offset",
            "distinct",
            "timeout_per_agent",
            "agent_timeout_secs",
            "timeout_config",
            "retry_on_failure",
            "id_field",
            "allow_empty");
    private static final Set<String> SETUP_KEYS = Set.of("commands", "timeout", "capture_outputs");
    private static final Set<String> CAPTURE_KEYS =
            Set.of("command_index", "source", "pattern", "json_path", "max_size", "default", "multiline");
    private static final Set<String> INPUT_KEYS = Set.of("file", "command", "json_path");
    private static final Set<String> TIMEOUT_CONFIG_KEYS = Set.of(
            "agent_timeout_secs",
            "command_timeouts",
            "timeout_policy",
            "cleanup_grace_period_secs",
            "timeout_action",
            "enable_monitoring");
    private static final Set<String> POLICY_KEYS = Set.of(
            "on_item_failure",
            "continue_on_failure",
            "max_failures",
            "failure_threshold",
            "error_collection",
            "circuit_breaker",
            "retry_config");
    private static final Set<String> BREAKER_KEYS =
            Set.of("failure_threshold", "success_threshold", "timeout", "half_open_requests");
    private static final Pattern BATCHED = Pattern.compile("batched:\\s*\\d+");

    private final Diagnostics d;
    private final StepReader steps;
    private final EnvLookup env;
    private final Form form;

    /**
     * @param form {@link Form#PHASE}, or {@link Form#TASK_PHASE} for the mapreduce blocks of a tasks workflow
     */
    PhaseReader(Diagnostics d, StepReader steps, EnvLookup env, Form form) {
        this.d = d;
        this.steps = steps;
        this.env = env;
        this.form = form;
    }

    /**
     * @param f the mapping holding setup, map, reduce and the error policy
     * @param name the stage name
     * @param cap the most agents at once allowed by the whole workflow, or null
     * @return the stage, or null when it has errors (reported)
     */
    Stage.MapReduce stage(Fields f, String name, Integer cap) {
        int before = d.errorCount();
        SetupPhase setup = f.has("setup") ? setup(f.node("setup"), f.pathOf("setup")) : SetupPhase.of(List.of());
        MapPhase map = null;
        if (!f.has("map")) {
            f.errorHere("missing required key 'map' in a MapReduce workflow: the items to process and the "
                    + "agent_template run for each");
        } else {
            map = map(f.node("map"), f.pathOf("map"), cap);
        }
        List<Step> reduce = f.has("reduce") ? reduce(f.node("reduce"), f.pathOf("reduce")) : List.of();
        ErrorPolicy policy = errorPolicy(f);
        if (map == null || setup == null || d.errorCount() > before) {
            return null;
        }
        try {
            return new Stage.MapReduce(name, setup, map, reduce, policy);
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
            return null;
        }
    }

    private SetupPhase setup(Node node, String path) {
        if (node instanceof ListNode || (node instanceof ScalarNode && ((ScalarNode) node).isNull())) {
            return SetupPhase.of(steps.steps(node, path, form));
        }
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected a list of steps or {commands, timeout, capture_outputs}, found " + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, SETUP_KEYS, "setup");
        List<Step> list = steps.steps(f.node("commands"), f.pathOf("commands"), form);
        Duration timeout = f.duration("timeout", env);
        Map<String, SetupCapture> captures = new LinkedHashMap<>();
        Node co = f.node("capture_outputs");
        if (co instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) co).entries()) {
                SetupCapture c = capture(e.value(), f.pathOf("capture_outputs") + "." + e.key(), list.size());
                if (c != null) {
                    captures.put(e.key(), c);
                }
            }
        } else if (co != null && !(co instanceof ScalarNode && ((ScalarNode) co).isNull())) {
            f.error(
                    "capture_outputs",
                    "expected a mapping of variable names to command indexes, found " + co.describe());
        }
        f.finish();
        try {
            return new SetupPhase(list, timeout == null || timeout.isZero() ? null : timeout, captures);
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
            return null;
        }
    }

    private SetupCapture capture(Node node, String path, int commands) {
        if (node instanceof ScalarNode) {
            Long index = Scalars.parseLong(((ScalarNode) node).text());
            if (index == null || index < 0 || index >= commands) {
                d.error(
                        node.location(),
                        path,
                        "expected the index of a setup command, 0 to " + (commands - 1) + ", found " + node.describe());
                return null;
            }
            return SetupCapture.of(index.intValue());
        }
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected a command index or {command_index, source, pattern, json_path, "
                            + "default, multiline}, found " + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, CAPTURE_KEYS, "capture_outputs");
        Integer index = f.integer("command_index", 0, null);
        if (index == null && !f.has("command_index")) {
            f.errorHere("missing required key 'command_index' in capture_outputs");
        }
        if (index != null && index >= commands) {
            f.error(
                    "command_index",
                    "setup has " + commands + " command(s), so command_index must be 0 to " + (commands - 1)
                            + ", found " + index);
            index = null;
        }
        SetupCapture.Source source = null;
        if (f.has("source")) {
            String s = f.choice("source", List.of("stdout", "stderr", "both", "combined"));
            source = s == null ? null : SetupCapture.Source.valueOf(s.toUpperCase(Locale.ROOT));
        }
        String pattern = f.text("pattern");
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                f.error("pattern", "invalid regular expression: " + e.getDescription() + " at index " + e.getIndex());
            }
        }
        String jsonPath = f.text("json_path");
        if (jsonPath != null && !jsonPath.isBlank()) {
            ExpressionChecks.jsonPath(f.node("json_path"), jsonPath, f.pathOf("json_path"), d);
        }
        String dflt = f.text("default");
        SetupCapture.Multiline multiline = null;
        if (f.has("multiline")) {
            String m = f.choice("multiline", List.of("preserve", "join", "first_line", "last_line", "array"));
            multiline = m == null ? null : SetupCapture.Multiline.valueOf(m.toUpperCase(Locale.ROOT));
        }
        Integer maxSize = f.integer("max_size", 1, null);
        if (maxSize != null && maxSize != 1_048_576) {
            f.notActedOn("max_size", "captured values are limited by the engine's own output bound");
        }
        f.finish();
        if (index == null) {
            return null;
        }
        return new SetupCapture(index, source, pattern, jsonPath, dflt, multiline);
    }

    /**
     * Reads the map phase.
     *
     * @param cap the most agents at once allowed by the whole workflow, or null
     */
    MapPhase map(Node node, String path, Integer cap) {
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected the map phase {input, agent_template, ...}, found " + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, MAP_KEYS, "map");
        MapPhase.Builder b = MapPhase.builder();
        String jsonPath = f.text("json_path");
        if (jsonPath != null && !jsonPath.isBlank()) {
            if (!ExpressionChecks.jsonPath(f.node("json_path"), jsonPath, f.pathOf("json_path"), d)) {
                jsonPath = null;
            }
        }
        WorkInput input = input(f, jsonPath);
        if (input != null) {
            b.input(input);
        }
        String templateKey = f.has("agent_template") ? "agent_template" : f.has("operation") ? "operation" : null;
        if (f.has("agent_template") && f.has("operation")) {
            f.error("operation", "write the per-item steps once: 'agent_template' or 'operation', not both");
        }
        List<Step> template = List.of();
        if (templateKey == null) {
            f.errorHere("missing required key 'agent_template' in map: the steps run for each item");
        } else {
            template = template(f.node(templateKey), f.pathOf(templateKey));
            if (template.isEmpty() && d.errorCount() == 0) {
                f.error(templateKey, templateKey + " needs at least one step");
            }
        }
        Integer parallel = null;
        if (f.has("max_parallel") && f.has("parallel")) {
            f.error("parallel", "write the number of agents once: 'max_parallel' or 'parallel', not both");
        }
        if (f.has("max_parallel")) {
            parallel = f.integer("max_parallel", 1, env);
        } else if (f.has("parallel")) {
            parallel = steps.parallelism(f, "parallel");
        }
        int effective = parallel == null ? 10 : parallel;
        if (cap != null) {
            effective = Math.min(effective, cap);
        }
        b.maxParallel(effective);
        String filter = f.text("filter");
        if (filter != null
                && !filter.isBlank()
                && ExpressionChecks.expression(f.node("filter"), filter, f.pathOf("filter"), "filter", d)) {
            b.filter(TemplateAliases.normalize(filter));
        }
        String sort = f.text("sort_by");
        if (sort != null && !sort.isBlank() && ExpressionChecks.sort(f.node("sort_by"), sort, f.pathOf("sort_by"), d)) {
            b.sortBy(sort);
        }
        b.maxItems(f.integer("max_items", 0, null));
        Integer offset = f.integer("offset", 0, null);
        if (offset != null) {
            b.offset(offset);
        }
        String distinct = f.text("distinct");
        if (distinct != null) {
            b.distinct(distinct);
        }
        Boolean allowEmpty = f.bool("allow_empty");
        if (allowEmpty != null) {
            b.allowEmpty(allowEmpty);
        }
        String idField = f.text("id_field");
        if (idField != null) {
            b.idField(idField);
        }
        TimeoutRead timeouts = agentTimeout(f, template);
        template = timeouts.template();
        b.agentTemplate(template);
        if (timeouts.agentTimeout() != null) {
            b.agentTimeout(timeouts.agentTimeout());
        }
        f.finish();
        if (input == null || template.isEmpty()) {
            return null;
        }
        try {
            return b.build();
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
            return null;
        }
    }

    private WorkInput input(Fields f, String jsonPath) {
        Node n = f.node("input");
        if (n == null) {
            f.errorHere("missing required key 'input' in map: a JSON file, or a command whose output lists the items");
            return null;
        }
        if (n instanceof ScalarNode && !((ScalarNode) n).isNull()) {
            String text = ((ScalarNode) n).text();
            if (text.isBlank()) {
                f.error("input", "'input' must not be empty");
                return null;
            }
            return WorkInput.detect(TemplateAliases.normalize(text), jsonPath == null ? "" : jsonPath);
        }
        if (n instanceof ListNode) {
            List<Object> values = new ArrayList<>();
            for (Node item : ((ListNode) n).items()) {
                values.add(Trees.plain(Trees.toJson(item)));
            }
            if (jsonPath != null) {
                f.error(
                        "json_path",
                        "json_path applies to a file or a command's output, not to items listed in " + "the workflow");
            }
            return WorkInput.values(values);
        }
        if (n instanceof MapNode) {
            Fields in = Fields.of((MapNode) n, f.pathOf("input"), d, INPUT_KEYS, "input");
            String file = in.text("file");
            String command = in.text("command");
            String innerPath = in.text("json_path");
            if (innerPath != null && !innerPath.isBlank()) {
                ExpressionChecks.jsonPath(in.node("json_path"), innerPath, in.pathOf("json_path"), d);
            }
            in.finish();
            String path = innerPath != null ? innerPath : jsonPath;
            if ((file == null) == (command == null)) {
                in.errorHere("input needs exactly one of 'file' (a JSON file) or 'command' (whose output lists the "
                        + "items)");
                return null;
            }
            return file != null
                    ? WorkInput.jsonFile(TemplateAliases.normalize(file), path == null ? "" : path)
                    : new WorkInput.Command(TemplateAliases.normalize(command), path);
        }
        f.error("input", "expected a file path or a command, found " + n.describe());
        return null;
    }

    private List<Step> template(Node node, String path) {
        if (node instanceof MapNode && ((MapNode) node).has("commands")) {
            Fields f = Fields.of((MapNode) node, path, d, Set.of("commands"), "agent_template");
            f.finish();
            return steps.steps(f.node("commands"), f.pathOf("commands"), form);
        }
        return steps.stepsOrOne(node, path, form);
    }

    /** The agent timeout, and the template with the per-command timeouts of timeout_config applied. */
    private record TimeoutRead(Duration agentTimeout, List<Step> template) {}

    private TimeoutRead agentTimeout(Fields f, List<Step> template) {
        List<Step> result = template;
        Duration timeout = null;
        if (f.has("agent_timeout_secs")) {
            timeout = f.duration("agent_timeout_secs", env);
        }
        if (f.has("timeout_per_agent")) {
            Duration t = f.duration("timeout_per_agent", env);
            if (timeout != null) {
                f.error(
                        "timeout_per_agent",
                        "write the agent timeout once: 'agent_timeout_secs' or " + "'timeout_per_agent'");
            } else {
                timeout = t;
            }
        }
        Node tc = f.node("timeout_config");
        if (tc instanceof MapNode) {
            Fields t = Fields.of((MapNode) tc, f.pathOf("timeout_config"), d, TIMEOUT_CONFIG_KEYS, "timeout_config");
            Duration agent = t.duration("agent_timeout_secs", env);
            if (agent != null) {
                if (timeout != null) {
                    t.error(
                            "agent_timeout_secs",
                            "the agent timeout is also set outside timeout_config; write it " + "once");
                } else {
                    timeout = agent;
                }
            }
            String policy = t.has("timeout_policy")
                    ? t.choice(
                            "timeout_policy", List.of("peragent", "percommand", "hybrid", "per_agent", "per_command"))
                    : "peragent";
            Map<String, Duration> perCommand = new LinkedHashMap<>();
            Node ct = t.node("command_timeouts");
            if (ct instanceof MapNode) {
                for (MapNode.Entry e : ((MapNode) ct).entries()) {
                    Duration du = Scalars.duration(e.value(), t.pathOf("command_timeouts") + "." + e.key(), d, env);
                    if (du != null) {
                        perCommand.put(e.key(), du);
                        if (matching(template, e.key()) < 0) {
                            d.warning(
                                    e.keyLocation(),
                                    t.pathOf("command_timeouts"),
                                    "command_timeouts key '"
                                            + e.key()
                                            + "' matches no agent_template step (by name, id or 0-based index); "
                                            + "it has no effect");
                        }
                    }
                }
            } else if (ct != null) {
                t.error("command_timeouts", "expected a mapping of step names to seconds, found " + ct.describe());
            }
            Duration grace = t.duration("cleanup_grace_period_secs", null);
            if (grace != null && !grace.equals(Duration.ofSeconds(30))) {
                t.notActedOn("cleanup_grace_period_secs", "the engine's kill grace period is fixed");
            }
            String action = t.has("timeout_action")
                    ? t.choice(
                            "timeout_action", List.of("dlq", "skip", "fail", "gracefulterminate", "graceful_terminate"))
                    : "dlq";
            if (action != null && !action.equals("dlq")) {
                t.notActedOn(
                        "timeout_action",
                        "a timed-out item fails like any other and follows the error " + "policy (on_item_failure)");
            }
            if (Boolean.FALSE.equals(t.bool("enable_monitoring"))) {
                t.notActedOn(
                        "enable_monitoring",
                        "the agent timeout is always enforced here (it kills the item's "
                                + "processes); the Rust tool 0.4.x's monitor only logs, and never cancels an agent");
            }
            t.finish();
            boolean perCommandPolicy = policy != null
                    && (policy.startsWith("percommand") || policy.equals("per_command") || policy.equals("hybrid"));
            List<Step> adjusted = new ArrayList<>();
            for (int i = 0; i < template.size(); i++) {
                Step s = template.get(i);
                Duration own = perCommandTimeout(perCommand, s, i);
                if (own == null && perCommandPolicy) {
                    own = timeout;
                }
                adjusted.add(
                        s.timeout() == null && own != null
                                ? s.toBuilder().timeout(own).build()
                                : s);
            }
            result = adjusted;
            if (policy != null && (policy.startsWith("percommand") || policy.equals("per_command"))) {
                return new TimeoutRead(null, result);
            }
        } else if (tc != null && !(tc instanceof ScalarNode && ((ScalarNode) tc).isNull())) {
            f.error(
                    "timeout_config",
                    "expected {agent_timeout_secs, command_timeouts, timeout_policy, ...}, found " + tc.describe());
        }
        if (timeout != null && timeout.isZero()) {
            f.error(
                    f.has("agent_timeout_secs") ? "agent_timeout_secs" : "timeout_per_agent",
                    "the agent timeout must be positive; leave it out for no limit");
            return new TimeoutRead(null, result);
        }
        return new TimeoutRead(timeout, result);
    }

    private static int matching(List<Step> template, String key) {
        for (int i = 0; i < template.size(); i++) {
            Step s = template.get(i);
            if (key.equals(s.name()) || key.equals(s.id()) || key.equals(String.valueOf(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Duration perCommandTimeout(Map<String, Duration> perCommand, Step s, int index) {
        for (Map.Entry<String, Duration> e : perCommand.entrySet()) {
            String k = e.getKey();
            if (k.equals(s.name()) || k.equals(s.id()) || k.equals(String.valueOf(index))) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Reads reduce (or merge) steps: a list, the deprecated {@code {commands: [...]}}, or one step mapping. */
    List<Step> reduce(Node node, String path) {
        if (node instanceof MapNode && ((MapNode) node).has("commands")) {
            Fields f = Fields.of((MapNode) node, path, d, Set.of("commands"), "reduce");
            f.finish();
            return steps.steps(f.node("commands"), f.pathOf("commands"), form);
        }
        return steps.stepsOrOne(node, path, form);
    }

    /** Reads the error policy from {@code error_policy} and the top-level shorthands (which win). */
    ErrorPolicy errorPolicy(Fields top) {
        ErrorPolicy.Builder b = ErrorPolicy.builder();
        Node ep = top.node("error_policy");
        if (ep instanceof MapNode) {
            Fields f = Fields.of((MapNode) ep, top.pathOf("error_policy"), d, POLICY_KEYS, "error_policy");
            policyFields(b, f);
            Node cb = f.node("circuit_breaker");
            if (cb != null) {
                CircuitBreakerPolicy breaker = breaker(cb, f.pathOf("circuit_breaker"));
                if (breaker != null) {
                    b.circuitBreaker(breaker);
                }
            }
            Node rc = f.node("retry_config");
            if (rc != null) {
                RetryPolicy retry = itemRetry(rc, f.pathOf("retry_config"));
                if (retry != null) {
                    b.itemRetry(retry);
                }
            }
            f.finish();
        } else if (ep != null && !(ep instanceof ScalarNode && ((ScalarNode) ep).isNull())) {
            top.error(
                    "error_policy",
                    "expected {on_item_failure, continue_on_failure, max_failures, ...}, found " + ep.describe());
        }
        policyFields(b, top);
        Node map = top.node("map");
        if (map instanceof MapNode && ((MapNode) map).has("retry_on_failure")) {
            Fields mf = Fields.of((MapNode) map, top.pathOf("map"), d, MAP_KEYS, "map");
            Integer n = mf.integer("retry_on_failure", 0, null);
            boolean explicit =
                    top.has("on_item_failure") || (ep instanceof MapNode && ((MapNode) ep).has("on_item_failure"));
            if (n != null && n > 0) {
                if (explicit) {
                    mf.notActedOn(
                            "retry_on_failure",
                            "on_item_failure is set explicitly and decides what " + "happens to a failed item");
                } else {
                    b.onItemFailure(ItemFailureAction.RETRY)
                            .itemRetry(RetryPolicy.builder()
                                    .maxAttempts(n + 1)
                                    .backoff(Backoff.fixed())
                                    .initialDelay(Duration.ofSeconds(2))
                                    .build());
                }
            }
        }
        try {
            return b.build();
        } catch (WorkflowDefinitionException e) {
            top.errorHere(e.getMessage());
            return ErrorPolicy.DEFAULT;
        }
    }

    private void policyFields(ErrorPolicy.Builder b, Fields f) {
        if (f.has("on_item_failure")) {
            String v = f.text("on_item_failure");
            if (v != null) {
                String lower = v.trim().toLowerCase(Locale.ROOT);
                List<String> names = List.of("dlq", "retry", "skip", "stop");
                if (names.contains(lower)) {
                    b.onItemFailure(ItemFailureAction.valueOf(lower.toUpperCase(Locale.ROOT)));
                } else {
                    d.warning(
                            f.at("on_item_failure"),
                            f.pathOf("on_item_failure"),
                            "unknown on_item_failure "
                                    + Texts.quote(v) + Texts.suggestion(lower, names)
                                    + "; the Rust tool treats any other "
                                    + "value as a custom handler it does not run, so failed items are skipped");
                    b.onItemFailure(ItemFailureAction.SKIP);
                }
            }
        }
        Boolean cont = f.bool("continue_on_failure");
        if (cont != null) {
            b.continueOnFailure(cont);
        }
        if (f.has("max_failures")) {
            b.maxFailures(f.integer("max_failures", 0, null));
        }
        if (f.has("failure_threshold")) {
            Double t = f.number("failure_threshold");
            if (t != null) {
                if (t < 0 || t > 1) {
                    f.error(
                            "failure_threshold",
                            "failure_threshold is a fraction from 0 to 1 (0.2 = 20%), found "
                                    + f.text("failure_threshold"));
                } else {
                    b.failureThreshold(t);
                }
            }
        }
        if (f.has("error_collection")) {
            Node ec = f.node("error_collection");
            String kind = null;
            if (ec instanceof ScalarNode) {
                kind = ((ScalarNode) ec).text().trim().toLowerCase(Locale.ROOT);
                if (!kind.equals("aggregate")
                        && !kind.equals("immediate")
                        && !BATCHED.matcher(kind).matches()) {
                    f.error(
                            "error_collection",
                            "unknown error_collection " + Texts.quote(kind)
                                    + "; expected aggregate, immediate or batched:N");
                    kind = null;
                }
            } else if (ec instanceof MapNode && ((MapNode) ec).has("batched")) {
                kind = "batched";
            } else {
                f.error(
                        "error_collection",
                        "expected aggregate, immediate or {batched: {size: N}}, found " + ec.describe());
            }
            if (kind != null && !kind.equals("aggregate")) {
                f.notActedOn(
                        "error_collection",
                        "failures are reported per item as they happen and aggregated in "
                                + "the run result (the 'aggregate' behaviour)");
            }
        }
    }

    private CircuitBreakerPolicy breaker(Node node, String path) {
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected {failure_threshold, success_threshold, timeout, " + "half_open_requests}, found "
                            + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, BREAKER_KEYS, "circuit_breaker");
        CircuitBreakerPolicy def = CircuitBreakerPolicy.DEFAULT;
        Integer failures = f.integer("failure_threshold", 1, null);
        Integer successes = f.integer("success_threshold", 1, null);
        Duration timeout = f.duration("timeout", null);
        Integer halfOpen = f.integer("half_open_requests", 1, null);
        f.finish();
        return new CircuitBreakerPolicy(
                failures == null ? def.failureThreshold() : failures,
                successes == null ? def.successThreshold() : successes,
                timeout == null ? def.openTimeout() : timeout,
                halfOpen == null ? def.halfOpenRequests() : halfOpen);
    }

    private RetryPolicy itemRetry(Node node, String path) {
        RetryReader.RetryRead r = steps.retries().retry(node, path);
        return r == null ? null : r.policy();
    }
}
