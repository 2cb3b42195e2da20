package io.prodigy.yaml.internal;

import io.prodigy.api.IsolationHints;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.yaml.WorkflowKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells what kind of workflow a file is, by its structure (never by searching the text), and reads its own content
 * (everything but composition) into {@link Parts}.
 */
final class WorkflowReader {
    static final Set<String> COMPOSITION_KEYS =
            Set.of("imports", "extends", "template", "parameters", "defaults", "workflows");
    private static final Set<String> COMMON_KEYS = union(
            COMPOSITION_KEYS,
            Set.of(
                    "name",
                    "description",
                    "env",
                    "secrets",
                    "env_files",
                    "profiles",
                    "merge",
                    "retry_defaults",
                    "mode",
                    "worktree"));
    private static final Set<String> COMMANDS_KEYS = union(COMMON_KEYS, Set.of("commands", "steps"));
    private static final Set<String> MAPREDUCE_KEYS = union(COMMON_KEYS, PhaseReader.STAGE_KEYS);
    private static final Set<String> TASKS_KEYS = union(COMMON_KEYS, Set.of("tasks", "settings", "parallel_worktrees"));
    private static final Set<String> STAGES_KEYS = union(COMMON_KEYS, Set.of("stages"));
    private static final Set<String> STAGE_ENTRY_KEYS =
            union(PhaseReader.STAGE_KEYS, Set.of("name", "commands", "steps", "mode"));
    private static final Set<String> MERGE_KEYS = Set.of("commands", "timeout");
    private static final Set<String> CONFIG_FILE_KEYS = Set.of("claude", "git", "logging", "defaults");
    private static final List<String> MODES = List.of("standard", "mapreduce");
    /** The placeholder name of a {@code mode: mapreduce} file's stage; the workflow's name replaces it. */
    static final String MAPREDUCE_STAGE = "\u0000mapreduce";

    private final Diagnostics d;
    private final EnvLookup environment;
    private final SourceText source;

    WorkflowReader(Diagnostics d, EnvLookup environment, SourceText source) {
        this.d = d;
        this.environment = environment;
        this.source = source;
    }

    /** What a file holds: its kind (null when it could not be told) and its parts (null when it has errors). */
    record Read(WorkflowKind kind, Parts parts) {}

    /**
     * @param root the file's root value
     * @param composed whether composition (extends, imports, template) supplies steps, so that the file may have
     *                 none of its own
     * @return the kind and parts
     */
    Read read(Node root, boolean composed) {
        if (root instanceof ListNode) {
            EnvLookup env = environment;
            StepReader steps = new StepReader(d, env);
            Parts parts = new Parts();
            parts.stages.add(new Stage.Steps("steps-1", steps.steps(root, "", Form.COMMANDS)));
            return new Read(WorkflowKind.STEP_LIST, parts);
        }
        if (!(root instanceof MapNode)) {
            d.error(
                    root.location(),
                    "",
                    "expected a workflow (a list of steps, or a mapping with 'commands', "
                            + "'mode: mapreduce' or 'tasks'), found " + root.describe());
            return new Read(null, null);
        }
        MapNode m = (MapNode) root;
        WorkflowKind kind = detect(m, composed);
        if (kind == null) {
            return new Read(null, null);
        }
        EnvLookup env = environment.withWorkflowEnv(EnvReader.plainValues(m));
        StepReader steps = new StepReader(d, env);
        PhaseReader phases = new PhaseReader(d, steps, env, kind == WorkflowKind.TASKS ? Form.TASK_PHASE : Form.PHASE);
        Set<String> known;
        switch (kind) {
            case MAPREDUCE:
                known = MAPREDUCE_KEYS;
                break;
            case TASKS:
                known = TASKS_KEYS;
                break;
            case STAGES:
                known = STAGES_KEYS;
                break;
            default:
                known = COMMANDS_KEYS;
                break;
        }
        Fields f = Fields.of(m, "", d, known, kindName(kind));
        Parts parts = new Parts();
        String name = f.text("name");
        if (name != null && !name.isBlank()) {
            parts.name = name.strip();
        }
        f.text("description");
        new EnvReader(d, steps, source.directory()).read(f, parts);
        if (f.has("merge")) {
            merge(f, steps, parts);
        }
        if (f.has("worktree")) {
            parts.isolation = isolation(f);
        }
        if (f.has("retry_defaults")) {
            RetryReader.RetryRead r = steps.retries().retry(f.node("retry_defaults"), "retry_defaults");
            if (r != null) {
                parts.defaultRetry = r.policy();
                if (r.onFailure() != null) {
                    d.warning(
                            f.at("retry_defaults"),
                            "retry_defaults.on_failure",
                            "'on_failure' in retry_defaults "
                                    + "is accepted but not acted on: set on_failure on the steps");
                }
            }
        }
        switch (kind) {
            case MAPREDUCE: {
                Stage.MapReduce s = phases.stage(f, MAPREDUCE_STAGE, null);
                if (s != null) {
                    parts.stages.add(s);
                }
                break;
            }
            case TASKS:
                parts.stages.addAll(new TaskReader(d, steps, phases).read(f));
                break;
            case STAGES:
                stages(f, steps, phases, parts);
                break;
            default:
                commands(f, steps, parts, composed);
                break;
        }
        f.finish();
        return new Read(kind, parts);
    }

    private static String kindName(WorkflowKind kind) {
        switch (kind) {
            case MAPREDUCE:
                return "a MapReduce workflow";
            case TASKS:
                return "a tasks workflow";
            case STAGES:
                return "a stages workflow";
            default:
                return "a workflow";
        }
    }

    private WorkflowKind detect(MapNode m, boolean composed) {
        String mode = null;
        Node modeNode = m.get("mode");
        if (modeNode instanceof ScalarNode && !((ScalarNode) modeNode).isNull()) {
            mode = ((ScalarNode) modeNode)
                    .text()
                    .trim()
                    .toLowerCase(Locale.ROOT)
                    .replace("_", "")
                    .replace("-", "");
            if (!MODES.contains(mode)) {
                d.error(
                        modeNode.location(),
                        "mode",
                        "unknown mode " + Texts.quote(((ScalarNode) modeNode).text()) + Texts.suggestion(mode, MODES));
                return null;
            }
        } else if (modeNode != null && !(modeNode instanceof ScalarNode)) {
            d.error(modeNode.location(), "mode", "expected standard or mapreduce, found " + modeNode.describe());
            return null;
        }
        boolean hasSteps = m.has("commands") || m.has("steps");
        if (m.has("tasks")) {
            if ("mapreduce".equals(mode)) {
                d.error(
                        modeNode.location(),
                        "mode",
                        "a tasks workflow chains its own MapReduce stages (a "
                                + "'mapreduce:' block per task); remove 'mode: mapreduce'");
                return null;
            }
            return WorkflowKind.TASKS;
        }
        if (m.has("stages")) {
            return WorkflowKind.STAGES;
        }
        if ("mapreduce".equals(mode)) {
            return WorkflowKind.MAPREDUCE;
        }
        if (m.has("map") && !hasSteps) {
            if ("standard".equals(mode)) {
                d.error(
                        modeNode.location(),
                        "mode",
                        "the file has a 'map' phase but says 'mode: standard'; write " + "'mode: mapreduce'");
                return null;
            }
            return WorkflowKind.MAPREDUCE;
        }
        if (hasSteps || composed) {
            return WorkflowKind.COMMANDS;
        }
        d.error(m.location(), "", unknownKindMessage(m));
        return null;
    }

    private static String unknownKindMessage(MapNode m) {
        Set<String> keys = m.keys();
        List<String> listed = new ArrayList<>(keys);
        if (m.get("claude") instanceof MapNode
                || (keys.contains("git") && keys.contains("logging"))
                || (CONFIG_FILE_KEYS.containsAll(keys) && keys.size() > 1)) {
            return "this looks like Prodigy's global configuration file (~/.prodigy/config.yml: " + Texts.list(listed)
                    + "), not a workflow; a workflow is a list of steps, or a mapping with 'commands', 'mode: "
                    + "mapreduce' or 'tasks'";
        }
        for (String k : keys) {
            if (StepReader.ACTIONS.contains(k)) {
                return "this is a single step (it has '" + k + "'), not a workflow; write the workflow as a list of "
                        + "steps: '- " + k + ": ...'";
            }
        }
        if (keys.equals(Set.of("retry")) || keys.contains("retry") && keys.size() == 1) {
            return "a 'retry' block on its own is part of a step, not a workflow; put it on a step or task";
        }
        if (keys.contains("mapreduce")) {
            return "a 'mapreduce:' block belongs to a task of a tasks workflow ('tasks: [{name: ..., mapreduce: "
                    + "{map: ...}}]'), or write a MapReduce workflow with 'mode: mapreduce' and 'map'";
        }
        String close = null;
        for (String k : keys) {
            close = close != null ? close : Texts.closest(k, List.of("commands", "steps", "tasks", "map", "mode"));
        }
        return "cannot tell what kind of workflow this is: expected a list of steps, or a mapping with 'commands' (or "
                + "'steps'), 'mode: mapreduce' with 'map', or 'tasks'; found the keys " + Texts.list(listed)
                + (close != null ? " (did you mean '" + close + "'?)" : "");
    }

    private void commands(Fields f, StepReader steps, Parts parts, boolean composed) {
        if (f.has("commands") && f.has("steps")) {
            f.error("steps", "write the steps once: 'commands' or 'steps', not both");
        }
        String key = f.has("commands") ? "commands" : f.has("steps") ? "steps" : null;
        if (key == null) {
            if (!composed) {
                f.errorHere("missing required key 'commands': the steps of the workflow");
            }
            return;
        }
        Node n = f.node(key);
        if (!(n instanceof ListNode) && !(n instanceof ScalarNode && ((ScalarNode) n).isNull())) {
            f.error(key, "expected a list of steps, found " + n.describe());
            return;
        }
        parts.stages.add(new Stage.Steps("steps-1", steps.steps(n, key, Form.COMMANDS)));
    }

    private void stages(Fields f, StepReader steps, PhaseReader phases, Parts parts) {
        Node n = f.node("stages");
        if (!(n instanceof ListNode)) {
            f.error("stages", "expected a list of stages, found " + n.describe());
            return;
        }
        List<Node> items = ((ListNode) n).items();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String path = "stages[" + i + "]";
            if (!(item instanceof MapNode)) {
                d.error(
                        item.location(),
                        path,
                        "expected a stage ({name, commands} or {name, setup, map, reduce}), " + "found "
                                + item.describe());
                continue;
            }
            MapNode m = (MapNode) item;
            Fields sf = Fields.of(m, path, d, STAGE_ENTRY_KEYS, "a stage");
            String name = sf.text("name");
            sf.text("mode");
            boolean mapReduce = m.has("map") || m.has("setup") || m.has("reduce");
            try {
                if (mapReduce) {
                    Stage.MapReduce s = phases.stage(sf, name != null ? name : "mapreduce-" + (i + 1), null);
                    if (s != null) {
                        parts.stages.add(s);
                    }
                } else {
                    String key = sf.has("commands") ? "commands" : "steps";
                    if (!sf.has(key)) {
                        sf.errorHere("a stage needs 'commands' (plain steps) or 'map' (a MapReduce stage)");
                    } else {
                        parts.stages.add(new Stage.Steps(
                                name != null ? name : "steps-" + (i + 1),
                                steps.steps(sf.node(key), sf.pathOf(key), Form.COMMANDS)));
                    }
                }
            } catch (WorkflowDefinitionException e) {
                sf.errorHere(e.getMessage());
            }
            sf.finish();
        }
    }

    private static final Set<String> WORKTREE_KEYS = Set.of(
            "mode",
            "pool_size",
            "name",
            "on_conflict",
            "conflict_command",
            "conflict_timeout",
            "warm_directories",
            "cold_directories");

    /**
     * {@code worktree: {mode: on_demand|pooled|reuse|dedicated, pool_size, name, on_conflict: dlq|agent|merge_steps,
     * conflict_command, conflict_timeout, warm_directories: [names], cold_directories: [names or paths]}}.
     */
    private IsolationHints isolation(Fields top) {
        Node n = top.node("worktree");
        if (!(n instanceof MapNode)) {
            top.error(
                    "worktree",
                    "expected {mode, pool_size, name, on_conflict, conflict_command, conflict_timeout, "
                            + "warm_directories, cold_directories}, found " + n.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) n, "worktree", d, WORKTREE_KEYS, "worktree");
        String mode = f.has("mode") ? f.choice("mode", List.of("on_demand", "pooled", "reuse", "dedicated")) : null;
        Integer pool = f.integer("pool_size", 1, null);
        String name = f.text("name");
        String conflict = f.has("on_conflict") ? f.choice("on_conflict", List.of("dlq", "agent", "merge_steps")) : null;
        String command = f.text("conflict_command");
        java.time.Duration timeout = f.duration("conflict_timeout", null);
        List<String> warm = directories(f, "warm_directories", true);
        List<String> cold = directories(f, "cold_directories", false);
        for (String key : List.of("warm_directories", "cold_directories")) {
            if (f.has(key) && ("on_demand".equals(mode) || "dedicated".equals(mode))) {
                f.error(key, key + " applies to the reused worktrees of mode: reuse or pooled, not " + mode);
            }
        }
        if (pool != null && !"pooled".equals(mode)) {
            f.error("pool_size", "pool_size applies to mode: pooled");
        }
        if (command != null && !"agent".equals(conflict)) {
            f.error("conflict_command", "conflict_command applies to on_conflict: agent");
        }
        if ("dedicated".equals(mode) && (name == null || name.isBlank())) {
            f.errorHere("mode: dedicated needs a 'name' for the long-lived worktree");
        } else if (name != null && !"dedicated".equals(mode)) {
            f.error("name", "name applies to mode: dedicated");
        }
        if ("merge_steps".equals(conflict) && !top.has("merge")) {
            f.error("on_conflict", "on_conflict: merge_steps runs the workflow's 'merge:' steps, but it has none");
        }
        f.finish();
        if (d.hasErrors()) {
            return null;
        }
        return new IsolationHints(
                mode == null ? null : IsolationHints.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)),
                pool,
                name,
                conflict == null
                        ? null
                        : IsolationHints.OnConflict.valueOf(conflict.toUpperCase(java.util.Locale.ROOT)),
                command,
                timeout,
                warm,
                cold);
    }

    /**
     * A list of warm directory names, or of cold names and paths, each checked where it is written.
     *
     * @return the list (a single string is a list of one), or null when absent
     */
    private List<String> directories(Fields f, String key, boolean warm) {
        List<String> texts = f.textList(key);
        if (texts == null) {
            return null;
        }
        Node n = f.node(key);
        List<Node> items = n instanceof ListNode list ? list.items() : List.of(n);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof ScalarNode s) || s.isNull()) {
                continue; // reported by textList
            }
            try {
                out.add(
                        warm
                                ? IsolationHints.checkWarmDirectory(s.text())
                                : IsolationHints.checkColdDirectory(s.text()));
            } catch (io.prodigy.api.WorkflowDefinitionException e) {
                d.error(s.location(), f.pathOf(key) + (n instanceof ListNode ? "[" + i + "]" : ""), e.getMessage());
            }
        }
        return out;
    }

    private void merge(Fields f, StepReader steps, Parts parts) {
        Node n = f.node("merge");
        if (n instanceof MapNode) {
            Fields mf = Fields.of((MapNode) n, "merge", d, MERGE_KEYS, "merge");
            List<Step> list = steps.steps(mf.node("commands"), "merge.commands", Form.PHASE);
            Duration timeout = mf.duration("timeout", steps.env());
            mf.finish();
            parts.merge.addAll(list);
            if (timeout != null && !timeout.isZero()) {
                parts.mergeTimeout = timeout;
            }
            return;
        }
        parts.merge.addAll(steps.steps(n, "merge", Form.PHASE));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
