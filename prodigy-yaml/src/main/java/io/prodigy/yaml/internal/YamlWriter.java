package io.prodigy.yaml.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.prodigy.api.Backoff;
import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.CircuitBreakerPolicy;
import io.prodigy.api.EnvValue;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.FileFormat;
import io.prodigy.api.MapPhase;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.SetupPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Workflow} in the canonical syntax (the Rust tool's 0.4.x keys, and this library's {@code stages:}
 * for workflows of several stages). Loading the text gives an equal workflow.
 */
public final class YamlWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    private static final RetryPolicy DEFAULT_RETRY = RetryPolicy.builder().build();

    private YamlWriter() {}

    /** @param workflow a workflow @return it as YAML */
    public static String write(Workflow workflow) {
        try {
            return YAML.writeValueAsString(tree(workflow));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not write the workflow as YAML", e);
        }
    }

    /** @param workflow a workflow @return it as a Jackson tree in the canonical layout */
    static ObjectNode tree(Workflow workflow) {
        ObjectNode root = NODES.objectNode();
        root.put("name", workflow.name());
        List<Stage> stages = workflow.stages();
        boolean singleMapReduce = stages.size() == 1
                && stages.get(0) instanceof Stage.MapReduce
                && (stages.get(0).name().equals(workflow.name())
                        || stages.get(0).name().equals("mapreduce"));
        boolean singleSteps = stages.size() == 1
                && stages.get(0) instanceof Stage.Steps
                && stages.get(0).name().equals("steps-1");
        if (singleMapReduce) {
            root.put("mode", "mapreduce");
        }
        if (!workflow.env().isEmpty() || !workflow.computedEnv().isEmpty()) {
            ObjectNode env = root.putObject("env");
            workflow.env().forEach(env::put);
            workflow.computedEnv().forEach((k, v) -> env.set(k, envValue(v)));
        }
        if (!workflow.secrets().isEmpty() || !workflow.secretSources().isEmpty()) {
            // never a value: the reference it was read from, else the environment variable of its own name
            ObjectNode secrets = root.putObject("secrets");
            java.util.Set<String> names =
                    new java.util.LinkedHashSet<>(workflow.secrets().keySet());
            names.addAll(workflow.secretSources().keySet());
            for (String name : names) {
                String source = workflow.secretSources().getOrDefault(name, "env:" + name);
                int colon = source.indexOf(':');
                secrets.putObject(name)
                        .put("provider", source.substring(0, colon))
                        .put("key", source.substring(colon + 1));
            }
        }
        if (!workflow.envFiles().isEmpty()) {
            ArrayNode files = root.putArray("env_files");
            workflow.envFiles().forEach(files::add);
        }
        if (!workflow.profiles().isEmpty()) {
            ObjectNode profiles = root.putObject("profiles");
            workflow.profiles().forEach((name, values) -> {
                ObjectNode p = profiles.putObject(name);
                values.forEach(p::put);
            });
        }
        if (!workflow.isolation().isEmpty()) {
            io.prodigy.api.IsolationHints h = workflow.isolation();
            ObjectNode w = root.putObject("worktree");
            if (h.mode() != null) {
                w.put("mode", h.mode().name().toLowerCase(Locale.ROOT));
            }
            if (h.poolSize() != null) {
                w.put("pool_size", h.poolSize());
            }
            if (h.name() != null) {
                w.put("name", h.name());
            }
            if (h.onConflict() != null) {
                w.put("on_conflict", h.onConflict().name().toLowerCase(Locale.ROOT));
            }
            if (h.conflictCommand() != null) {
                w.put("conflict_command", h.conflictCommand());
            }
            if (h.conflictTimeout() != null) {
                w.set("conflict_timeout", seconds(h.conflictTimeout()));
            }
            if (h.warmDirectories() != null) {
                h.warmDirectories().forEach(w.putArray("warm_directories")::add);
            }
            if (h.coldDirectories() != null) {
                h.coldDirectories().forEach(w.putArray("cold_directories")::add);
            }
        }
        if (workflow.defaultRetry() != null) {
            root.set("retry_defaults", retry(workflow.defaultRetry()));
        }
        if (singleSteps) {
            root.set("commands", steps(((Stage.Steps) stages.get(0)).steps()));
        } else if (singleMapReduce) {
            mapReduce(root, (Stage.MapReduce) stages.get(0));
        } else {
            ArrayNode list = root.putArray("stages");
            for (Stage s : stages) {
                ObjectNode o = list.addObject();
                o.put("name", s.name());
                if (s instanceof Stage.Steps) {
                    o.set("commands", steps(((Stage.Steps) s).steps()));
                } else {
                    mapReduce(o, (Stage.MapReduce) s);
                }
            }
        }
        if (!workflow.merge().isEmpty() || workflow.mergeTimeout() != null) {
            if (workflow.mergeTimeout() == null) {
                root.set("merge", steps(workflow.merge()));
            } else {
                ObjectNode merge = root.putObject("merge");
                merge.set("commands", steps(workflow.merge()));
                merge.set("timeout", seconds(workflow.mergeTimeout()));
            }
        }
        return root;
    }

    private static JsonNode envValue(EnvValue v) {
        ObjectNode o = NODES.objectNode();
        if (v instanceof EnvValue.FromCommand) {
            o.put("command", ((EnvValue.FromCommand) v).command());
        } else {
            EnvValue.Conditional c = (EnvValue.Conditional) v;
            o.put("condition", c.condition());
            o.put("when_true", c.whenTrue());
            o.put("when_false", c.whenFalse());
        }
        return o;
    }

    private static void mapReduce(ObjectNode o, Stage.MapReduce s) {
        SetupPhase setup = s.setup();
        if (setup.timeout() != null || !setup.captureOutputs().isEmpty()) {
            ObjectNode so = o.putObject("setup");
            so.set("commands", steps(setup.steps()));
            if (setup.timeout() != null) {
                so.set("timeout", seconds(setup.timeout()));
            }
            if (!setup.captureOutputs().isEmpty()) {
                ObjectNode co = so.putObject("capture_outputs");
                setup.captureOutputs().forEach((k, v) -> co.set(k, capture(v)));
            }
        } else if (!setup.steps().isEmpty()) {
            o.set("setup", steps(setup.steps()));
        }
        o.set("map", map(s.map()));
        if (!s.reduce().isEmpty()) {
            o.set("reduce", steps(s.reduce()));
        }
        if (!s.errorPolicy().equals(ErrorPolicy.DEFAULT)) {
            o.set("error_policy", errorPolicy(s.errorPolicy()));
        }
    }

    private static JsonNode capture(SetupCapture c) {
        if (c.equals(SetupCapture.of(c.commandIndex()))) {
            return NODES.numberNode(c.commandIndex());
        }
        ObjectNode o = NODES.objectNode();
        o.put("command_index", c.commandIndex());
        if (c.source() != SetupCapture.Source.STDOUT) {
            o.put("source", c.source().name().toLowerCase(Locale.ROOT));
        }
        if (c.pattern() != null) {
            o.put("pattern", c.pattern());
        }
        if (c.jsonPath() != null) {
            o.put("json_path", c.jsonPath());
        }
        if (c.defaultValue() != null) {
            o.put("default", c.defaultValue());
        }
        if (c.multiline() != SetupCapture.Multiline.PRESERVE) {
            o.put("multiline", c.multiline().name().toLowerCase(Locale.ROOT));
        }
        return o;
    }

    private static JsonNode map(MapPhase m) {
        ObjectNode o = NODES.objectNode();
        WorkInput in = m.input();
        if (in instanceof WorkInput.Detect) {
            WorkInput.Detect d = (WorkInput.Detect) in;
            o.put("input", d.input());
            if (!d.jsonPath().isEmpty()) {
                o.put("json_path", d.jsonPath());
            }
        } else if (in instanceof WorkInput.JsonFile) {
            WorkInput.JsonFile f = (WorkInput.JsonFile) in;
            ObjectNode io = o.putObject("input");
            io.put("file", f.path());
            if (!f.jsonPath().isEmpty()) {
                io.put("json_path", f.jsonPath());
            }
        } else if (in instanceof WorkInput.Command) {
            WorkInput.Command c = (WorkInput.Command) in;
            ObjectNode io = o.putObject("input");
            io.put("command", c.command());
            if (c.jsonPath() != null) {
                io.put("json_path", c.jsonPath());
            }
        } else {
            o.set("input", YAML.valueToTree(((WorkInput.Values) in).values()));
        }
        o.set("agent_template", steps(m.agentTemplate()));
        o.put("max_parallel", m.maxParallel());
        if (m.filter() != null) {
            o.put("filter", m.filter());
        }
        if (m.sortBy() != null) {
            o.put("sort_by", m.sortBy());
        }
        if (m.distinct() != null) {
            o.put("distinct", m.distinct());
        }
        if (m.offset() > 0) {
            o.put("offset", m.offset());
        }
        if (m.maxItems() != null) {
            o.put("max_items", m.maxItems());
        }
        if (m.allowEmpty()) {
            o.put("allow_empty", true);
        }
        if (m.agentTimeout() != null) {
            o.set(
                    m.agentTimeout().getNano() == 0 ? "agent_timeout_secs" : "timeout_per_agent",
                    seconds(m.agentTimeout()));
        }
        if (m.idField() != null) {
            o.put("id_field", m.idField());
        }
        return o;
    }

    private static JsonNode errorPolicy(ErrorPolicy p) {
        ObjectNode o = NODES.objectNode();
        o.put("on_item_failure", p.onItemFailure().name().toLowerCase(Locale.ROOT));
        o.put("continue_on_failure", p.continueOnFailure());
        if (p.maxFailures() != null) {
            o.put("max_failures", p.maxFailures());
        }
        if (p.failureThreshold() != null) {
            o.put("failure_threshold", p.failureThreshold());
        }
        CircuitBreakerPolicy cb = p.circuitBreaker();
        if (cb != null) {
            ObjectNode c = o.putObject("circuit_breaker");
            c.put("failure_threshold", cb.failureThreshold());
            c.put("success_threshold", cb.successThreshold());
            c.set("timeout", duration(cb.openTimeout()));
            c.put("half_open_requests", cb.halfOpenRequests());
        }
        if (p.itemRetry() != null) {
            o.set("retry_config", retry(p.itemRetry()));
        }
        return o;
    }

    private static ArrayNode steps(List<Step> steps) {
        ArrayNode a = NODES.arrayNode();
        for (Step s : steps) {
            a.add(step(s));
        }
        return a;
    }

    private static ObjectNode step(Step s) {
        ObjectNode o = NODES.objectNode();
        StepAction action = s.action();
        if (action instanceof StepAction.Shell) {
            o.put("shell", ((StepAction.Shell) action).command());
        } else if (action instanceof StepAction.Agent) {
            o.put("claude", ((StepAction.Agent) action).command());
        } else if (action instanceof StepAction.WriteFile) {
            StepAction.WriteFile w = (StepAction.WriteFile) action;
            ObjectNode wf = o.putObject("write_file");
            wf.put("path", w.path());
            wf.put("content", w.content());
            if (w.format() != FileFormat.TEXT) {
                wf.put("format", w.format().name().toLowerCase(Locale.ROOT));
            }
            if (w.mode() != null) {
                wf.put("mode", w.mode());
            }
            if (w.createDirs()) {
                wf.put("create_dirs", true);
            }
        } else {
            StepAction.Foreach f = (StepAction.Foreach) action;
            ObjectNode fe = o.putObject("foreach");
            if (f.command() != null) {
                fe.put("foreach", f.command());
            } else {
                ArrayNode items = fe.putArray("foreach");
                f.items().forEach(items::add);
            }
            if (f.parallel() != 1) {
                fe.put("parallel", f.parallel());
            }
            fe.set("do", steps(f.steps()));
            if (f.continueOnError()) {
                fe.put("continue_on_error", true);
            }
            if (f.maxItems() != null) {
                fe.put("max_items", f.maxItems());
            }
        }
        if (s.name() != null) {
            o.put("name", s.name());
        }
        if (s.id() != null) {
            o.put("id", s.id());
        }
        if (s.when() != null) {
            o.put("when", s.when());
        }
        if (s.oncePerWorktree()) {
            o.put("once_per_worktree", true);
        }
        if (s.timeout() != null) {
            o.set("timeout", seconds(s.timeout()));
        }
        if (s.retry() != null) {
            o.set("retry", retry(s.retry()));
        }
        if (s.onFailure() != null) {
            o.set("on_failure", onFailure(s.onFailure()));
        }
        if (!s.onSuccess().isEmpty()) {
            o.set("on_success", steps(s.onSuccess()));
        }
        if (!s.onExitCode().isEmpty()) {
            ObjectNode codes = o.putObject("on_exit_code");
            s.onExitCode().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> codes.set(String.valueOf(e.getKey()), steps(e.getValue())));
        }
        if (s.capture() != null) {
            o.put("capture", s.capture());
        }
        if (s.captureFormat() != CaptureFormat.STRING) {
            o.put("capture_format", s.captureFormat().name().toLowerCase(Locale.ROOT));
        }
        if (!s.captureStreams().equals(CaptureStreams.ALL)) {
            CaptureStreams cs = s.captureStreams();
            ObjectNode c = o.putObject("capture_streams");
            c.put("stdout", cs.stdout());
            c.put("stderr", cs.stderr());
            c.put("exit_code", cs.exitCode());
            c.put("success", cs.success());
            c.put("duration", cs.duration());
        }
        if (s.outputFile() != null) {
            o.put("output_file", s.outputFile());
        }
        if (!s.env().isEmpty()) {
            ObjectNode env = o.putObject("env");
            s.env().forEach(env::put);
        }
        if (s.workingDir() != null) {
            o.put("working_dir", s.workingDir());
        }
        if (s.commitRequired()) {
            o.put("commit_required", true);
        }
        if (s.autoCommit()) {
            o.put("auto_commit", true);
        }
        if (s.commitMessage() != null) {
            o.putObject("commit_config").put("message_template", s.commitMessage());
        }
        if (s.validate() != null) {
            o.set("validate", validation(s.validate()));
        }
        if (!s.outputs().isEmpty()) {
            ObjectNode outs = o.putObject("outputs");
            s.outputs().forEach((name, pattern) -> outs.putObject(name).put("file_pattern", pattern));
        }
        return o;
    }

    private static JsonNode onFailure(OnFailure f) {
        if (f.handlers().isEmpty()) {
            return NODES.booleanNode(f.ignoreFailure());
        }
        ObjectNode o = NODES.objectNode();
        o.set("commands", steps(f.handlers()));
        if (f.maxAttempts() != 1) {
            o.put("max_attempts", f.maxAttempts());
        }
        if (f.retryOriginal()) {
            o.put("retry_original", true);
        }
        if (f.failWorkflow()) {
            o.put("fail_workflow", true);
        }
        if (f.handlerFailureFatal()) {
            o.put("handler_failure_fatal", true);
        }
        return o;
    }

    private static JsonNode validation(Validation v) {
        ObjectNode o = NODES.objectNode();
        o.set("commands", steps(v.commands()));
        if (v.resultFile() != null) {
            o.put("result_file", v.resultFile());
        }
        if (v.threshold() != 100.0) {
            o.put("threshold", v.threshold());
        }
        if (v.timeout() != null) {
            o.set("timeout", seconds(v.timeout()));
        }
        if (v.onIncomplete() != null) {
            ObjectNode oi = o.putObject("on_incomplete");
            oi.set("commands", steps(v.onIncomplete().commands()));
            oi.put("max_attempts", v.onIncomplete().maxAttempts());
            oi.put("fail_workflow", v.onIncomplete().failWorkflow());
        }
        return o;
    }

    private static JsonNode retry(RetryPolicy p) {
        ObjectNode o = NODES.objectNode();
        o.put("attempts", p.maxAttempts());
        if (!p.backoff().equals(DEFAULT_RETRY.backoff())) {
            o.set("backoff", backoff(p.backoff()));
        }
        if (!p.initialDelay().equals(DEFAULT_RETRY.initialDelay())) {
            o.set("initial_delay", duration(p.initialDelay()));
        }
        if (!p.maxDelay().equals(DEFAULT_RETRY.maxDelay())) {
            o.set("max_delay", duration(p.maxDelay()));
        }
        if (p.jitter()) {
            o.put("jitter", true);
        }
        if (p.jitterFactor() != DEFAULT_RETRY.jitterFactor()) {
            o.put("jitter_factor", p.jitterFactor());
        }
        if (!p.retryOn().isEmpty()) {
            ArrayNode on = o.putArray("retry_on");
            for (RetryCondition c : p.retryOn()) {
                if (c.kind() == RetryCondition.Kind.PATTERN) {
                    on.addObject().put("pattern", c.pattern());
                } else {
                    on.add(c.kind().name().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (p.retryBudget() != null) {
            o.set("retry_budget", duration(p.retryBudget()));
        }
        return o;
    }

    private static JsonNode backoff(Backoff b) {
        if (b instanceof Backoff.Fixed) {
            return NODES.textNode("fixed");
        }
        if (b instanceof Backoff.Fibonacci) {
            return NODES.textNode("fibonacci");
        }
        ObjectNode o = NODES.objectNode();
        if (b instanceof Backoff.Exponential) {
            o.putObject("exponential").put("base", ((Backoff.Exponential) b).base());
        } else if (b instanceof Backoff.Linear) {
            o.putObject("linear").set("increment", duration(((Backoff.Linear) b).increment()));
        } else {
            ArrayNode delays = o.putObject("custom").putArray("delays");
            ((Backoff.Custom) b).delays().forEach(d -> delays.add(duration(d)));
        }
        return o;
    }

    /** Whole seconds as a number (the Rust tool's form), anything finer as a duration string. */
    private static JsonNode seconds(Duration d) {
        return d.getNano() == 0 ? NODES.numberNode(d.getSeconds()) : duration(d);
    }

    private static JsonNode duration(Duration d) {
        return NODES.textNode(Durations.format(d));
    }
}
