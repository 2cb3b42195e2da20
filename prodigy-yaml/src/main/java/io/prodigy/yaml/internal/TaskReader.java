package io.prodigy.yaml.internal;

import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.MapPhase;
import io.prodigy.api.OnFailure;
import io.prodigy.api.SetupPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.WorkflowDefinitionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the 0.1.8 whitepaper's {@code tasks:} form (which the Rust tool never implemented) onto chained stages:
 * <ul>
 *   <li>consecutive plain tasks become one stage of steps;</li>
 *   <li>a task with a {@code mapreduce:} block becomes a MapReduce stage ({@code map.parallel} is
 *       {@code max_parallel}, {@code map.operation} the agent template);</li>
 *   <li>a task with {@code foreach} and {@code parallel} above 1 becomes a MapReduce stage over the foreach
 *       elements, so each element runs in its own workspace; a sequential foreach stays a foreach step;</li>
 *   <li>consecutive tasks with {@code worktree: NAME} become one MapReduce stage whose items are the worktree
 *       names: each item runs only its own task's steps, in its own workspace, all of them at once (the
 *       whitepaper's parallel experiments);</li>
 *   <li>{@code settings.parallel_worktrees} (or a top-level {@code parallel_worktrees}) caps every stage's
 *       parallelism; {@code settings.continue_on_error} lets the workflow go on after a failed task.</li>
 * </ul>
 */
final class TaskReader {
    private static final Set<String> SETTINGS_KEYS = Set.of("parallel_worktrees", "continue_on_error");
    private static final Set<String> MAPREDUCE_TASK_KEYS = Set.of("name", "description", "mapreduce", "when");

    private final Diagnostics d;
    private final StepReader steps;
    private final PhaseReader phases;

    TaskReader(Diagnostics d, StepReader steps, PhaseReader phases) {
        this.d = d;
        this.steps = steps;
        this.phases = phases;
    }

    /** Reads the tasks (and settings) of a tasks-form file into stages, in order. */
    List<Stage> read(Fields top) {
        Integer cap = null;
        boolean continueOnError = false;
        Node settings = top.node("settings");
        if (settings instanceof MapNode) {
            Fields s = Fields.of((MapNode) settings, top.pathOf("settings"), d, SETTINGS_KEYS, "settings");
            cap = s.integer("parallel_worktrees", 1, steps.env());
            continueOnError = s.bool("continue_on_error", false);
            s.finish();
        } else if (settings != null && !(settings instanceof ScalarNode && ((ScalarNode) settings).isNull())) {
            top.error("settings", "expected {parallel_worktrees, continue_on_error}, found " + settings.describe());
        }
        Integer topCap = top.integer("parallel_worktrees", 1, steps.env());
        if (topCap != null) {
            if (cap != null && !cap.equals(topCap)) {
                top.error(
                        "parallel_worktrees",
                        "parallel_worktrees is also set in settings, to " + cap + "; write it once");
            }
            cap = topCap;
        }
        List<Stage> stages = new ArrayList<>();
        Node tasks = top.node("tasks");
        if (!(tasks instanceof ListNode)) {
            top.error("tasks", "expected a list of tasks, found " + tasks.describe());
            return stages;
        }
        List<Step> plain = new ArrayList<>();
        List<Worktree> worktrees = new ArrayList<>();
        List<Node> items = ((ListNode) tasks).items();
        for (int i = 0; i < items.size(); i++) {
            Node task = items.get(i);
            String path = top.pathOf("tasks") + "[" + i + "]";
            MapNode m = task instanceof MapNode ? (MapNode) task : null;
            if (m != null && m.has("worktree")) {
                flushPlain(stages, plain, continueOnError);
                Worktree w = worktree(m, path);
                if (w != null) {
                    worktrees.add(w);
                }
                continue;
            }
            flushWorktrees(stages, worktrees, cap);
            if (m != null && m.has("mapreduce")) {
                flushPlain(stages, plain, continueOnError);
                Stage s = mapReduceTask(m, path, cap, i);
                if (s != null) {
                    stages.add(s);
                }
            } else if (m != null && m.has("foreach") && parallelForeach(m)) {
                flushPlain(stages, plain, continueOnError);
                Stage s = foreachStage(m, path, cap, i);
                if (s != null) {
                    stages.add(s);
                }
            } else if (m != null && !hasAction(m) && m.has("do") && !m.has("foreach")) {
                plain.addAll(group(m, path));
            } else {
                Step s = steps.step(task, path, Form.TASKS);
                if (s != null) {
                    plain.add(s);
                }
            }
        }
        flushWorktrees(stages, worktrees, cap);
        flushPlain(stages, plain, continueOnError);
        return stages;
    }

    private static boolean hasAction(MapNode m) {
        for (String k : m.keys()) {
            if (StepReader.ACTIONS.contains(k)) {
                return true;
            }
        }
        return false;
    }

    private boolean parallelForeach(MapNode m) {
        Node spec = m.get("foreach");
        Node parallel = spec instanceof MapNode ? ((MapNode) spec).get("parallel") : m.get("parallel");
        if (parallel == null) {
            return false;
        }
        Boolean b = Scalars.bool(parallel);
        if (b != null) {
            return b;
        }
        Long n = parallel instanceof ScalarNode ? Scalars.parseLong(((ScalarNode) parallel).text()) : null;
        return n == null || n > 1;
    }

    private void flushPlain(List<Stage> stages, List<Step> plain, boolean continueOnError) {
        if (plain.isEmpty()) {
            return;
        }
        List<Step> out = new ArrayList<>();
        for (Step s : plain) {
            out.add(
                    continueOnError && s.onFailure() == null
                            ? s.toBuilder().onFailure(OnFailure.ignore()).build()
                            : s);
        }
        stages.add(new Stage.Steps("steps-" + (stages.size() + 1), out));
        plain.clear();
    }

    private List<Step> group(MapNode m, String path) {
        Fields f = Fields.of(m, path, d, Set.of("name", "description", "when", "do"), "a task");
        String when = f.text("when");
        if (when != null && !ExpressionChecks.expression(f.node("when"), when, f.pathOf("when"), "when", d)) {
            when = null;
        }
        f.text("name");
        f.text("description");
        List<Step> body = steps.stepsOrOne(f.node("do"), f.pathOf("do"), Form.TASKS);
        f.finish();
        if (when == null) {
            return body;
        }
        List<Step> out = new ArrayList<>();
        for (Step s : body) {
            out.add(s.toBuilder()
                    .when(and(TemplateAliases.normalize(when), s.when()))
                    .build());
        }
        return out;
    }

    private Stage mapReduceTask(MapNode m, String path, Integer cap, int index) {
        Fields f = Fields.of(m, path, d, MAPREDUCE_TASK_KEYS, "a task with a mapreduce block");
        String name = f.text("name");
        f.text("description");
        f.notActedOn("when", "a condition on a whole MapReduce stage is not in the model (the stage always runs)");
        f.finish();
        Node block = f.node("mapreduce");
        if (!(block instanceof MapNode)) {
            f.error("mapreduce", "expected {map: {input, parallel, operation}, reduce}, found " + block.describe());
            return null;
        }
        Fields mr = Fields.of((MapNode) block, f.pathOf("mapreduce"), d, PhaseReader.STAGE_KEYS, "a mapreduce block");
        Stage.MapReduce s = phases.stage(mr, name != null && !name.isBlank() ? name : "mapreduce-" + (index + 1), cap);
        mr.finish();
        return s;
    }

    private Stage foreachStage(MapNode m, String path, Integer cap, int index) {
        Node spec = m.get("foreach");
        MapNode holder = spec instanceof MapNode ? (MapNode) spec : m;
        Set<String> known = new LinkedHashSet<>(List.of(
                "foreach",
                "input",
                "items",
                "parallel",
                "do",
                "continue_on_error",
                "max_items",
                "name",
                "description",
                "when"));
        Fields f = Fields.of(m, path, d, known, "a parallel foreach task");
        Fields spec2 = holder == m ? f : Fields.of(holder, f.pathOf("foreach"), d, known, "foreach");
        String name = f.text("name");
        f.text("description");
        f.notActedOn("when", "a condition on a whole parallel foreach (a MapReduce stage) is not in the model");
        Node input = holder == m
                ? m.get("foreach")
                : holder.get(holder.has("foreach") ? "foreach" : holder.has("input") ? "input" : "items");
        WorkInput workInput = null;
        if (input instanceof ScalarNode && !((ScalarNode) input).isNull()) {
            workInput = WorkInput.command(TemplateAliases.normalize(((ScalarNode) input).text()));
        } else if (input instanceof ListNode) {
            List<Object> values = new ArrayList<>();
            for (Node item : ((ListNode) input).items()) {
                values.add(Trees.plain(Trees.toJson(item)));
            }
            workInput = WorkInput.values(values);
        } else {
            d.error(
                    input == null ? m.location() : input.location(),
                    f.pathOf("foreach"),
                    "expected the foreach " + "elements: a command string or a list");
        }
        int parallel = steps.parallelism(spec2, "parallel");
        Integer max = spec2.integer("max_items", 0, null);
        boolean cont = spec2.bool("continue_on_error", false);
        List<Step> body =
                spec2.has("do") ? steps.stepsOrOne(spec2.node("do"), spec2.pathOf("do"), Form.TASKS) : List.of();
        if (!spec2.has("do")) {
            spec2.errorHere("foreach needs 'do': the steps run for each element");
        }
        if (spec2 != f) {
            spec2.finish();
        }
        f.finish();
        if (workInput == null || body.isEmpty()) {
            return null;
        }
        try {
            MapPhase map = MapPhase.builder()
                    .input(workInput)
                    .maxParallel(cap == null ? parallel : Math.min(parallel, cap))
                    .maxItems(max)
                    .agentTemplate(body)
                    .build();
            ErrorPolicy policy = cont
                    ? ErrorPolicy.DEFAULT
                    : ErrorPolicy.builder().continueOnFailure(false).build();
            return new Stage.MapReduce(
                    name != null && !name.isBlank() ? name : "foreach-" + (index + 1),
                    SetupPhase.of(List.of()),
                    map,
                    List.of(),
                    policy);
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
            return null;
        }
    }

    /** One {@code worktree:} task: the worktree's name, the task's name and its steps. */
    private record Worktree(String worktree, String task, List<Step> steps, Location at, String path) {}

    private Worktree worktree(MapNode m, String path) {
        Fields f = Fields.of(m, path, d, Set.of("worktree"), "a worktree task");
        String name = f.requiredText("worktree");
        Map<String, MapNode.Entry> rest = new LinkedHashMap<>();
        for (MapNode.Entry e : m.entries()) {
            if (!e.key().equals("worktree")) {
                rest.put(e.key(), e);
            }
        }
        MapNode task = new MapNode(m.location(), rest);
        String taskName = task.get("name") instanceof ScalarNode ? ((ScalarNode) task.get("name")).text() : name;
        List<Step> body;
        if (!hasAction(task) && task.has("do")) {
            body = group(task, path);
        } else {
            Step s = steps.step(task, path, Form.TASKS);
            body = s == null ? List.of() : List.of(s);
        }
        if (name == null || body.isEmpty()) {
            return null;
        }
        return new Worktree(name, taskName, body, f.at("worktree"), path);
    }

    private void flushWorktrees(List<Stage> stages, List<Worktree> worktrees, Integer cap) {
        if (worktrees.isEmpty()) {
            return;
        }
        List<Object> items = new ArrayList<>();
        List<Step> template = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Worktree w : worktrees) {
            if (!seen.add(w.worktree())) {
                d.error(
                        w.at(),
                        w.path() + ".worktree",
                        "the worktree " + Texts.quote(w.worktree()) + " is named "
                                + "twice; each parallel experiment needs its own worktree");
                continue;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("worktree", w.worktree());
            item.put("task", w.task());
            items.add(item);
            String condition =
                    "${item.worktree} == '" + w.worktree().replace("\\", "\\\\").replace("'", "\\'") + "'";
            for (Step s : w.steps()) {
                template.add(s.toBuilder().when(and(condition, s.when())).build());
            }
        }
        int parallel = Math.min(items.size(), cap == null ? 10 : cap);
        try {
            MapPhase map = MapPhase.builder()
                    .input(WorkInput.values(items))
                    .idField("worktree")
                    .maxParallel(Math.max(1, parallel))
                    .agentTemplate(template)
                    .build();
            stages.add(new Stage.MapReduce(
                    "worktrees: " + String.join(", ", seen),
                    SetupPhase.of(List.of()),
                    map,
                    List.of(),
                    ErrorPolicy.DEFAULT));
        } catch (WorkflowDefinitionException e) {
            d.error(worktrees.get(0).at(), worktrees.get(0).path(), e.getMessage());
        }
        worktrees.clear();
    }

    private static String and(String a, String b) {
        return b == null ? a : "(" + a + ") && (" + b + ")";
    }
}
