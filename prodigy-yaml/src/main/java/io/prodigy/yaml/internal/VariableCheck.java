package io.prodigy.yaml.internal;

import io.prodigy.api.OnFailure;
import io.prodigy.api.SetupPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.Workflow;
import io.prodigy.core.expr.Interpolation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before a run, every {@code ${...}} of a workflow against what is defined at that point: the phase, the
 * steps before it (captures, outputs, the per-type output variables), the workflow's env, and the phase's own
 * variables ({@code item} in the map phase, {@code map.*} in reduce, {@code error.*} in {@code on_failure},
 * {@code validation.*} in validation handlers, {@code merge.*} in merge steps).
 *
 * <p>What the engine does with an undefined variable decides what is reported:
 * <ul>
 *   <li>a shell command: a plain {@code ${name}} outside the engine's roots is the shell's own and reaches the
 *       shell untouched, so it is a warning only when the command never assigns it and the environment does not
 *       define it; a dotted name or one under a root the engine owns is an error (the step would fail);</li>
 *   <li>an agent prompt: left as written, a warning;</li>
 *   <li>anything else (file paths and contents, env values, working directories): an error.</li>
 * </ul>
 * Each report has the file, line and column of the placeholder and the closest defined name.
 */
final class VariableCheck {
    /** {@code ${path}}, {@code ${path:-default}}, {@code ${path|raw}}; group 1 is the path. */
    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+|\\[\\d+\\])*)(:-[^}]*)?(\\|raw)?\\}");

    private static final Set<String> OWNED_ROOTS = Interpolation.engineVariableRoots();
    private static final Pattern ARG_N = Pattern.compile("ARG_\\d+|\\d+");

    private final Diagnostics d;
    private final Map<String, String> environment;
    private final Path project;
    private final Path directory;
    private final boolean openEnvironment;
    private final Set<String> globals = new LinkedHashSet<>();
    /** The location of the step being checked, or of the nearest enclosing one whose location is known. */
    private Location current;
    /** Placeholder positions already reported, so that a repeated placeholder is found at its next occurrence. */
    private final Set<Location> reported = new java.util.HashSet<>();

    private VariableCheck(Diagnostics d, Workflow wf, Map<String, String> environment, Path project, Path directory) {
        this.d = d;
        this.environment = environment;
        this.project = project;
        this.directory = directory;
        // names an env file defines are known only when the run reads it
        this.openEnvironment = !wf.envFiles().isEmpty();
        globals.addAll(wf.env().keySet());
        globals.addAll(wf.computedEnv().keySet());
        globals.addAll(wf.secrets().keySet());
        wf.profiles().values().forEach(p -> globals.addAll(p.keySet()));
        globals.addAll(List.of(
                "ARG",
                "ITERATION",
                "workflow.name",
                "workflow.id",
                "workflow.run_id",
                "workflow.iteration",
                "workflow.worktree",
                "PROJECT_ROOT"));
    }

    /**
     * Reports undefined variables of a loaded workflow.
     *
     * @param d where problems go; step locations come from it
     * @param wf the workflow
     * @param environment the environment the run will have (for the shell's own variables)
     * @param project the project directory the run works in (the loader's base directory)
     * @param directory the workflow file's directory: a map input file is looked for in the project, then there,
     *                  to know the items' fields
     */
    static void check(Diagnostics d, Workflow wf, Map<String, String> environment, Path project, Path directory) {
        new VariableCheck(d, wf, environment, project, directory).run(wf);
    }

    private void run(Workflow wf) {
        Scope base = new Scope(null);
        globals.forEach(base::define);
        for (Stage stage : wf.stages()) {
            if (stage instanceof Stage.Steps s) {
                steps(s.steps(), base, "");
            } else if (stage instanceof Stage.MapReduce mr) {
                // setup captures and the map.* aggregates are run variables: later stages see them too
                Scope stageScope = base;
                SetupPhase setup = mr.setup();
                if (setup != null) {
                    steps(setup.steps(), stageScope, "setup");
                    setup.captureOutputs().keySet().forEach(stageScope::open);
                }
                Scope item = new Scope(stageScope);
                Set<String> fields = ItemFields.of(mr.map().input(), project, directory);
                if (fields == null) {
                    item.open("item");
                } else {
                    item.define("item");
                    item.close("item");
                    fields.forEach(f -> item.open("item." + f));
                }
                for (String n : List.of("item_json", "item_id", "item_index", "worktree", "workspace")) {
                    item.define(n);
                }
                steps(mr.map().agentTemplate(), item, "map");
                for (String n : List.of("map.successful", "map.failed", "map.total")) {
                    stageScope.define(n);
                }
                stageScope.open("map.results");
                steps(mr.reduce(), stageScope, "reduce");
            }
        }
        if (!wf.merge().isEmpty()) {
            Scope merge = new Scope(base);
            merge.open("merge");
            steps(wf.merge(), merge, "merge");
        }
    }

    private void steps(List<Step> steps, Scope scope, String phase) {
        for (Step s : steps) {
            step(s, scope, phase);
        }
    }

    private void step(Step s, Scope scope, String phase) {
        Location saved = current;
        Location own = d.locationOf(s);
        current = own != null ? own : current;
        try {
            checkStep(s, scope, phase, current);
        } finally {
            current = saved;
        }
    }

    private void checkStep(Step s, Scope scope, String phase, Location at) {
        StepAction a = s.action();
        if (a instanceof StepAction.Shell sh) {
            text(sh.command(), Kind.SHELL, scope, at, s);
        } else if (a instanceof StepAction.Agent ag) {
            text(ag.command(), Kind.PROMPT, scope, at, s);
        } else if (a instanceof StepAction.WriteFile wf) {
            text(wf.path(), Kind.VALUE, scope, at, s);
            text(wf.content(), Kind.VALUE, scope, at, s);
        } else if (a instanceof StepAction.Foreach fe) {
            if (fe.command() != null) {
                text(fe.command(), Kind.SHELL, scope, at, s);
            }
            Scope each = new Scope(scope);
            each.open("item");
            each.define("index");
            each.define("total");
            steps(fe.steps(), each, phase);
        }
        if (s.outputFile() != null) {
            text(s.outputFile(), Kind.VALUE, scope, at, s);
        }
        if (s.workingDir() != null) {
            text(s.workingDir(), Kind.VALUE, scope, at, s);
        }
        for (String v : s.env().values()) {
            text(v, Kind.VALUE, scope, at, s);
        }
        // what the step defines for what follows (also for its own handlers)
        if (a instanceof StepAction.Shell) {
            for (String n : List.of("shell.output", "shell.exit_code", "shell.stderr")) {
                scope.define(n);
            }
        } else if (a instanceof StepAction.Agent) {
            for (String n : List.of("claude.output", "claude.session_id", "claude.transcript")) {
                scope.define(n);
            }
        } else if (a instanceof StepAction.WriteFile) {
            scope.define("write_file.output");
        } else if (a instanceof StepAction.Foreach) {
            scope.define("foreach.output");
        }
        scope.define("last.output");
        scope.open("step");
        if (s.capture() != null) {
            scope.open(s.capture());
            if (a instanceof StepAction.Shell) {
                // the Rust tool's own files read a shell capture as ${shell.<name>} too (spec.yml)
                scope.open("shell." + s.capture());
            }
        }
        if (s.onFailure() != null) {
            handlers(s.onFailure(), scope, phase);
        }
        steps(s.onSuccess(), scope, phase);
        s.onExitCode().values().forEach(list -> steps(list, scope, phase));
        if (s.validate() != null) {
            Validation v = s.validate();
            Scope inValidation = new Scope(scope);
            inValidation.open("validation");
            steps(v.commands(), inValidation, phase);
            if (v.onIncomplete() != null) {
                steps(v.onIncomplete().commands(), inValidation, phase);
            }
            scope.open("validation");
        }
        if (s.id() != null) {
            s.outputs().keySet().forEach(n -> scope.define(s.id() + "." + n));
        }
    }

    private void handlers(OnFailure f, Scope scope, String phase) {
        Scope h = new Scope(scope);
        h.open("error");
        for (String n : List.of("shell.output", "shell.exit_code", "shell.stderr", "shell.attempt")) {
            h.define(n);
        }
        steps(f.handlers(), h, phase);
    }

    /** Where a text is used decides what an undefined variable in it does. */
    private enum Kind {
        SHELL,
        PROMPT,
        VALUE
    }

    private void text(String text, Kind kind, Scope scope, Location at, Step step) {
        if (text == null || text.indexOf("${") < 0) {
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            int start = m.start();
            if (start > 0 && (text.charAt(start - 1) == '$' || text.charAt(start - 1) == '\\')) {
                continue; // $${ and \${ are literal
            }
            String path = m.group(1);
            if (m.group(2) != null
                    || scope.defines(path)
                    || (isPlain(path) && ARG_N.matcher(path).matches())) {
                continue;
            }
            boolean plain = isPlain(path);
            if (plain && openEnvironment && !OWNED_ROOTS.contains(path)) {
                continue;
            }
            Location where = locate(at, m.group());
            String suggestion = suggestion(path, scope);
            String label = "'" + step.label() + "'";
            if (kind == Kind.SHELL && plain && !OWNED_ROOTS.contains(path)) {
                if (assigns(text, path) || environment.containsKey(path)) {
                    continue;
                }
                d.warning(
                        where,
                        "",
                        "${" + path + "} in " + label + " is no workflow variable, so it is left to "
                                + "the shell, but the command never assigns it and the environment does not define it: the "
                                + "shell expands it to nothing" + suggestion);
            } else if (kind == Kind.PROMPT) {
                d.warning(
                        where,
                        "",
                        "variable '" + path + "' in " + label + " is not defined at this point; the " + "prompt keeps "
                                + m.group() + " as written" + suggestion);
            } else {
                d.error(
                        where,
                        "",
                        "undefined variable '" + path + "' in " + label + ": nothing defines it at this "
                                + "point of the workflow, so the step would fail" + suggestion);
            }
        }
    }

    private static boolean isPlain(String path) {
        return path.indexOf('.') < 0 && path.indexOf('[') < 0;
    }

    /** Whether a shell command assigns the name itself ({@code x=}, {@code for x in}, {@code read x}, ...). */
    static boolean assigns(String command, String name) {
        String n = Pattern.quote(name);
        return Pattern.compile("(^|[\\s;&|({`])(export\\s+|local\\s+|readonly\\s+|declare\\s+(-\\w+\\s+)*)?" + n
                                + "(\\[[^]]*\\])?\\+?=")
                        .matcher(command)
                        .find()
                || Pattern.compile("\\bfor\\s+" + n + "\\s+in\\b")
                        .matcher(command)
                        .find()
                || Pattern.compile("\\bread\\s+(-\\w+\\s+)*([A-Za-z_][A-Za-z0-9_]*\\s+)*" + n + "\\b")
                        .matcher(command)
                        .find();
    }

    private String suggestion(String path, Scope scope) {
        TreeSet<String> names = new TreeSet<>(scope.names());
        int dot = path.indexOf('.');
        if (dot > 0) {
            // a misspelled root: 'test.output' next to a capture 'tests' suggests 'tests.output'
            String typed = path.substring(0, dot);
            for (String root : scope.openRoots()) {
                if (root.indexOf('.') < 0 && Texts.closest(typed, List.of(root)) != null) {
                    names.add(root + path.substring(dot));
                }
            }
        }
        String close = Texts.closest(path, names);
        return close == null ? "" : "; did you mean '" + close + "'?";
    }

    /** The placeholder's own line and column, searched from the step's position in its file. */
    private Location locate(Location step, String placeholder) {
        if (step == null) {
            return Location.of("");
        }
        SourceText src = d.source(step.source());
        if (src == null || step.line() == 0) {
            return step;
        }
        for (int line = step.line(); line < step.line() + 400; line++) {
            String text = src.line(line);
            for (int col = text.indexOf(placeholder); col >= 0; col = text.indexOf(placeholder, col + 1)) {
                Location found = new Location(step.source(), line, col + 1);
                if (reported.add(found)) {
                    return found;
                }
            }
            if (line > step.line()
                    && text.isEmpty()
                    && src.line(line + 1).isEmpty()
                    && src.line(line + 2).isEmpty()) {
                break;
            }
        }
        return step;
    }

    /** Names defined at one point: exact names, and roots under which any path is taken as defined. */
    private static final class Scope {
        private final Scope parent;
        private final Set<String> exact = new LinkedHashSet<>();
        private final Set<String> open = new LinkedHashSet<>();
        /** Defined names whose fields are known exactly: a path under them must name a known field. */
        private final Set<String> closed = new LinkedHashSet<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        void define(String name) {
            exact.add(name);
        }

        void open(String root) {
            open.add(root);
        }

        void close(String name) {
            closed.add(name);
        }

        /** Like the engine's lookup: a path is defined when it, or a prefix of it, names a variable. */
        boolean defines(String path) {
            List<String> prefixes = new ArrayList<>();
            String p = path;
            prefixes.add(p);
            while (true) {
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                if (cut <= 0) {
                    break;
                }
                p = p.substring(0, cut);
                prefixes.add(p);
            }
            for (Scope s = this; s != null; s = s.parent) {
                for (String prefix : prefixes) {
                    if (s.exact.contains(prefix) && prefix.equals(path)) {
                        return true;
                    }
                    if (s.open.contains(prefix)
                            || (s.exact.contains(prefix) && !prefix.contains(".") && !s.closed.contains(prefix))) {
                        return true;
                    }
                }
            }
            return false;
        }

        Set<String> openRoots() {
            Set<String> all = new LinkedHashSet<>();
            for (Scope s = this; s != null; s = s.parent) {
                all.addAll(s.open);
            }
            return all;
        }

        Set<String> names() {
            Set<String> all = new LinkedHashSet<>();
            for (Scope s = this; s != null; s = s.parent) {
                all.addAll(s.exact);
                all.addAll(s.open);
            }
            return all;
        }
    }
}
