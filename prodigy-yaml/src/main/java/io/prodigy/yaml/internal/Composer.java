package io.prodigy.yaml.internal;

import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.yaml.WorkflowKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Composition: resolves a file's {@code parameters}, puts their values in place, then combines the file with what it
 * {@code extends}, {@code imports} and instantiates as a {@code template}. Composed steps run before the file's own
 * steps (base first, then imports in order, then the template); for env, secrets, profiles and the other settings
 * the file's own values win, then the template's, then later imports over earlier ones, then the base's.
 */
final class Composer {
    private static final Set<String> IMPORT_KEYS = Set.of("path", "alias", "selective");
    private static final Set<String> TEMPLATE_KEYS = Set.of("name", "source", "with", "override");
    private static final Set<String> SOURCE_KEYS = Set.of("file", "registry", "url");
    private static final List<String> BASE_DIRECTORIES = List.of("bases", "templates", "workflows", ".");

    private final Diagnostics d;
    private final EnvLookup env;
    private final List<Path> searchPath;
    private final Map<String, Node> callerParameters;
    private final Map<String, Node> fileParameters;
    private final Deque<String> chain = new ArrayDeque<>();

    Composer(
            Diagnostics d,
            EnvLookup env,
            List<Path> searchPath,
            Map<String, Node> callerParameters,
            Map<String, Node> fileParameters) {
        this.d = d;
        this.env = env;
        this.searchPath = List.copyOf(searchPath);
        this.callerParameters = callerParameters;
        this.fileParameters = fileParameters;
    }

    /** The root file's kind and the combined parts (null when the root could not be read). */
    record Result(WorkflowKind kind, Parts parts) {}

    /** Loads and composes the root file. */
    Result compose(SourceText root) {
        d.register(root);
        Node tree = TreeParser.parse(root, d);
        if (tree == null) {
            return new Result(null, null);
        }
        chain.push(identity(root));
        try {
            return load(root, tree, callerParameters, fileParameters, "the caller's parameters", null);
        } finally {
            chain.pop();
        }
    }

    private Result load(
            SourceText src,
            Node tree,
            Map<String, Node> caller,
            Map<String, Node> file,
            String callerSource,
            MapNode override) {
        if (!(tree instanceof MapNode)) {
            if (override != null) {
                d.error(
                        override.location(),
                        "template.override",
                        "the template is a list of steps; 'override' " + "needs a template written as a mapping");
            }
            return toResult(new WorkflowReader(d, env, src).read(tree, false));
        }
        MapNode m = (MapNode) tree;
        Parameters params = Parameters.read(m, d);
        Map<String, Node> values = params.resolve(caller, file, callerSource, Location.of(src.name()), d);
        m = (MapNode) Substitution.apply(m, values, Set.of("parameters", "defaults"), d);
        if (override != null) {
            m = Overrides.apply(m, override, d);
        }
        List<Parts> components = new ArrayList<>();
        if (m.has("extends")) {
            Parts base = extendsBase(src, m, values);
            if (base != null) {
                components.add(base);
            }
        }
        if (m.has("imports")) {
            components.addAll(imports(src, m, values));
        }
        if (m.has("template")) {
            Parts t = template(src, m);
            if (t != null) {
                components.add(t);
            }
        }
        if (m.get("workflows") instanceof MapNode && ((MapNode) m.get("workflows")).size() > 0) {
            d.warning(
                    m.entry("workflows").keyLocation(),
                    "workflows",
                    "'workflows' is accepted but not acted on: "
                            + "sub-workflows are not in the model; import the file's steps with 'imports' instead");
        }
        boolean composed = m.has("extends") || m.has("imports") || m.has("template");
        WorkflowReader.Read own = new WorkflowReader(d, env, src).read(m, composed);
        if (own.parts() == null) {
            return new Result(own.kind(), null);
        }
        for (String name : params.defaultNames()) {
            Parts p = own.parts();
            Node v = values.get(name);
            if (v instanceof ScalarNode
                    && !p.env.containsKey(name)
                    && !p.secrets.containsKey(name)
                    && !p.computedEnv.containsKey(name)) {
                p.env.put(name, ((ScalarNode) v).isNull() ? "" : ((ScalarNode) v).text());
            }
        }
        components.add(own.parts());
        return new Result(own.kind(), Parts.combine(components));
    }

    private static Result toResult(WorkflowReader.Read r) {
        return new Result(r.kind(), r.parts());
    }

    private Parts extendsBase(SourceText src, MapNode m, Map<String, Node> values) {
        Node n = m.get("extends");
        if (!(n instanceof ScalarNode) || ((ScalarNode) n).isNull()) {
            d.error(n.location(), "extends", "expected the base workflow's name or path, found " + n.describe());
            return null;
        }
        String ref = ((ScalarNode) n).text().trim();
        List<Path> candidates = new ArrayList<>();
        if (ref.contains("/") || ref.endsWith(".yml") || ref.endsWith(".yaml") || ref.endsWith(".json")) {
            candidates.add(src.directory().resolve(ref));
        }
        for (String dir : BASE_DIRECTORIES) {
            candidates.add(src.directory().resolve(dir).resolve(ref + ".yml"));
            candidates.add(src.directory().resolve(dir).resolve(ref + ".yaml"));
        }
        for (Path dir : searchPath) {
            candidates.add(dir.resolve(ref + ".yml"));
            candidates.add(dir.resolve(ref + ".yaml"));
        }
        Path found = firstExisting(candidates);
        if (found == null) {
            d.error(
                    n.location(),
                    "extends",
                    "base workflow " + Texts.quote(ref) + " not found; looked for " + describe(candidates));
            return null;
        }
        return loadFile(found, n.location(), "extends", values, "the extending workflow", null);
    }

    private List<Parts> imports(SourceText src, MapNode m, Map<String, Node> values) {
        List<Parts> out = new ArrayList<>();
        Node n = m.get("imports");
        List<Node> items = n instanceof ListNode ? ((ListNode) n).items() : List.of(n);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String path = "imports[" + i + "]";
            String file;
            String alias = null;
            List<String> selective = null;
            if (item instanceof ScalarNode && !((ScalarNode) item).isNull()) {
                file = ((ScalarNode) item).text();
            } else if (item instanceof MapNode) {
                Fields f = Fields.of((MapNode) item, path, d, IMPORT_KEYS, "an import");
                file = f.requiredText("path");
                alias = f.text("alias");
                selective = f.textList("selective");
                f.finish();
            } else {
                d.error(item.location(), path, "expected {path, alias, selective} or a path, found " + item.describe());
                continue;
            }
            if (file == null) {
                continue;
            }
            if (alias != null) {
                d.warning(
                        item.location(),
                        path + ".alias",
                        "an import with an alias is accepted but not acted on: "
                                + "it only names the file for sub-workflow references, which are not in the model; remove "
                                + "'alias' to add the file's steps");
                continue;
            }
            Path target = src.directory().resolve(file.trim());
            if (!Files.isRegularFile(target)) {
                d.error(
                        item.location(),
                        path,
                        "imported file " + Texts.quote(file) + " not found (looked for " + target + ")");
                continue;
            }
            Parts p = loadFile(target, item.location(), path, values, "the importing workflow", null);
            if (p == null) {
                continue;
            }
            out.add(selective == null || selective.isEmpty() ? p : select(p, selective, item, path));
        }
        return out;
    }

    private Parts select(Parts p, List<String> selective, Node at, String path) {
        List<Step> all = new ArrayList<>();
        for (Stage s : p.stages) {
            if (s instanceof Stage.Steps) {
                all.addAll(((Stage.Steps) s).steps());
            }
        }
        Parts out = new Parts();
        List<Step> chosen = new ArrayList<>();
        for (String name : selective) {
            Step match = null;
            Long index = Scalars.parseLong(name);
            if (index != null && index >= 0 && index < all.size()) {
                match = all.get(index.intValue());
            }
            for (Step s : all) {
                if (match == null && (name.equals(s.id()) || name.equals(s.name()))) {
                    match = s;
                }
            }
            Stage stage = null;
            for (Stage s : p.stages) {
                if (match == null
                        && stage == null
                        && s instanceof Stage.MapReduce
                        && s.name().equals(name)) {
                    stage = s;
                }
            }
            if (match != null) {
                chosen.add(match);
            } else if (stage != null) {
                if (!chosen.isEmpty()) {
                    out.stages.add(new Stage.Steps("steps-1", new ArrayList<>(chosen)));
                    chosen.clear();
                }
                out.stages.add(stage);
            } else {
                d.error(
                        at.location(),
                        path + ".selective",
                        "nothing named " + Texts.quote(name) + " in the imported "
                                + "file: select steps by 0-based index, id or name, or MapReduce stages by name");
            }
        }
        if (!chosen.isEmpty()) {
            out.stages.add(new Stage.Steps("steps-1", chosen));
        }
        return out;
    }

    private Parts template(SourceText src, MapNode m) {
        Node n = m.get("template");
        if (!(n instanceof MapNode)) {
            d.error(n.location(), "template", "expected {name, source, with, override}, found " + n.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) n, "template", d, TEMPLATE_KEYS, "template");
        f.text("name");
        Node source = f.node("source");
        Node with = f.node("with");
        Node override = f.node("override");
        f.finish();
        if (source == null) {
            f.errorHere("missing required key 'source' in template: a file ({file: path}) or a template name");
            return null;
        }
        Path file = templateFile(src, source);
        if (file == null) {
            return null;
        }
        Map<String, Node> args = new LinkedHashMap<>();
        if (with instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) with).entries()) {
                args.put(e.key(), e.value());
            }
        } else if (with != null && !(with instanceof ScalarNode && ((ScalarNode) with).isNull())) {
            f.error("with", "expected a mapping of parameter values, found " + with.describe());
        }
        MapNode overrides = null;
        if (override instanceof MapNode) {
            overrides = (MapNode) override;
        } else if (override != null && !(override instanceof ScalarNode && ((ScalarNode) override).isNull())) {
            f.error("override", "expected a mapping of keys to replace, found " + override.describe());
        }
        return loadFile(file, source.location(), "template.source", args, "template.with", overrides);
    }

    private Path templateFile(SourceText src, Node source) {
        String file = null;
        String registry = null;
        if (source instanceof ScalarNode && !((ScalarNode) source).isNull()) {
            String s = ((ScalarNode) source).text().trim();
            if (s.contains("://")) {
                d.error(
                        source.location(),
                        "template.source",
                        "templates from URLs are not supported; download "
                                + "the template and use source: {file: path}");
                return null;
            }
            if (s.contains("/") || s.endsWith(".yml") || s.endsWith(".yaml") || s.endsWith(".json")) {
                file = s;
            } else {
                registry = s;
            }
        } else if (source instanceof MapNode) {
            Fields f = Fields.of((MapNode) source, "template.source", d, SOURCE_KEYS, "template.source");
            file = f.text("file");
            registry = f.text("registry");
            if (f.has("url")) {
                f.error(
                        "url",
                        "templates from URLs are not supported; download the template and use "
                                + "source: {file: path}");
                f.finish();
                return null;
            }
            f.finish();
            if ((file == null) == (registry == null)) {
                f.errorHere("template.source needs exactly one of 'file' or 'registry'");
                return null;
            }
        } else {
            d.error(
                    source.location(),
                    "template.source",
                    "expected a template name, a path, or {file: path}, found " + source.describe());
            return null;
        }
        List<Path> candidates = new ArrayList<>();
        if (file != null) {
            candidates.add(src.directory().resolve(file));
        } else {
            for (Path dir : searchPath) {
                candidates.add(dir.resolve(registry + ".yml"));
                candidates.add(dir.resolve(registry + ".yaml"));
            }
            candidates.add(src.directory().resolve(registry + ".yml"));
        }
        Path found = firstExisting(candidates);
        if (found == null) {
            d.error(
                    source.location(),
                    "template.source",
                    "template " + Texts.quote(file != null ? file : registry) + " not found; looked for "
                            + describe(candidates));
        }
        return found;
    }

    private Parts loadFile(
            Path file, Location at, String path, Map<String, Node> caller, String callerSource, MapNode override) {
        String id = file.toAbsolutePath().normalize().toString();
        if (chain.contains(id)) {
            List<String> cycle = new ArrayList<>(chain);
            java.util.Collections.reverse(cycle);
            cycle.add(id);
            d.error(at, path, "composition cycle: " + String.join(" -> ", cycle));
            return null;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            d.error(at, path, "could not read " + file + ": " + e.getMessage());
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        SourceText src = new SourceText(file.toString(), text, dir == null ? Path.of("") : dir);
        d.register(src);
        Node tree = TreeParser.parse(src, d);
        if (tree == null) {
            return null;
        }
        chain.push(id);
        try {
            return load(src, tree, caller, Map.of(), callerSource, override).parts();
        } finally {
            chain.pop();
        }
    }

    private static String identity(SourceText src) {
        try {
            Path name = Path.of(src.name()).getFileName();
            return src.directory()
                    .resolve(name == null ? Path.of(src.name()) : name)
                    .toAbsolutePath()
                    .normalize()
                    .toString();
        } catch (java.nio.file.InvalidPathException e) {
            return src.name();
        }
    }

    private static Path firstExisting(List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String describe(List<Path> candidates) {
        List<String> s = new ArrayList<>();
        for (Path p : candidates) {
            s.add(p.normalize().toString());
        }
        return String.join(", ", s);
    }
}
