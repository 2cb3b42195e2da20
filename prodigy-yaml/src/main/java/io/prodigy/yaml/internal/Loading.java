package io.prodigy.yaml.internal;

import io.prodigy.api.Stage;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.yaml.Problem;
import io.prodigy.yaml.WorkflowKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads one workflow text: parses it, composes it, reads it onto the model, and collects every problem. The entry
 * point of the public {@code WorkflowLoader}.
 */
public final class Loading {

    private Loading() {}

    /**
     * How to load.
     *
     * @param strict whether unknown keys are errors
     * @param parameters the caller's parameter values (plain Java values)
     * @param parameterFile a YAML or JSON file of parameter values, or null
     * @param searchPath directories searched for templates and bases by name
     * @param environment the environment {@code ${VAR}} numbers and env secrets are read from
     * @param projectDirectory where the run's relative paths (a map input file) resolve, for checks before the run
     */
    public record Settings(
            boolean strict,
            Map<String, Object> parameters,
            Path parameterFile,
            List<Path> searchPath,
            Map<String, String> environment,
            Path projectDirectory) {
        /** Copies. */
        public Settings {
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            searchPath = List.copyOf(searchPath);
            environment = Map.copyOf(environment);
        }
    }

    /**
     * What a load produced.
     *
     * @param kind the root file's form, or null when it could not be told
     * @param workflow the workflow, or null when there are errors
     * @param problems every problem, in file order
     */
    public record Outcome(WorkflowKind kind, Workflow workflow, List<Problem> problems) {}

    /**
     * @param text the workflow text
     * @param sourceName the name used in messages (a path for files)
     * @param directory the directory relative imports, templates and secret files resolve against
     * @param settings how to load
     * @return the outcome; never throws for problems in the text
     */
    public static Outcome load(String text, String sourceName, Path directory, Settings settings) {
        Diagnostics d = new Diagnostics(settings.strict());
        SourceText src = new SourceText(sourceName, text, directory);
        Map<String, Node> caller = new LinkedHashMap<>();
        settings.parameters()
                .forEach((k, v) -> caller.put(k, Trees.fromValue(v, Location.of("parameter '" + k + "'"))));
        Map<String, Node> file = parameterFile(settings.parameterFile(), d);
        EnvLookup env = new EnvLookup(Map.of(), settings.environment());
        Composer.Result r = new Composer(d, env, settings.searchPath(), caller, file).compose(src);
        Workflow workflow = null;
        if (r.parts() != null && !d.hasErrors()) {
            try {
                workflow = r.parts().build(src.stem().isBlank() ? "workflow" : src.stem());
                if (workflow.stages().stream()
                        .allMatch(s -> s instanceof Stage.Steps
                                && ((Stage.Steps) s).steps().isEmpty())) {
                    d.warning(Location.of(sourceName), "", "the workflow has no steps; running it does nothing");
                }
                VariableCheck.check(d, workflow, settings.environment(), settings.projectDirectory(), directory);
            } catch (WorkflowDefinitionException e) {
                d.error(Location.of(sourceName), "", e.getMessage());
            }
        }
        return new Outcome(r.kind(), d.hasErrors() ? null : workflow, d.problems());
    }

    private static Map<String, Node> parameterFile(Path path, Diagnostics d) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (path == null) {
            return out;
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            d.error(Location.of(path.toString()), "", "could not read the parameter file: " + e.getMessage());
            return out;
        }
        Path dir = path.toAbsolutePath().getParent();
        SourceText src = new SourceText(path.toString(), text, dir == null ? Path.of("") : dir);
        d.register(src);
        Node tree = TreeParser.parse(src, d);
        if (tree == null) {
            return out;
        }
        if (!(tree instanceof MapNode)) {
            d.error(
                    tree.location(),
                    "",
                    "a parameter file is a mapping of parameter names to values, found " + tree.describe());
            return out;
        }
        for (MapNode.Entry e : ((MapNode) tree).entries()) {
            out.put(e.key(), e.value());
        }
        return out;
    }
}
