package io.prodigy.yaml.internal;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A file's typed {@code parameters} and its {@code defaults}, and the resolution of their values with the Rust
 * tool's precedence: the caller's values ({@code --param}, or the API) win over a parameter file, which wins over a
 * parameter's own {@code default}, which wins over the file's {@code defaults}.
 */
final class Parameters {
    static final List<String> TYPES = List.of("string", "number", "boolean", "array", "object", "any");
    private static final Set<String> DEFINITION_KEYS =
            Set.of("name", "type", "description", "default", "validation", "required");

    /** One declared parameter. */
    record Definition(String name, String type, boolean required, Node defaultValue, Location at, String path) {}

    private final Map<String, Definition> definitions;
    private final Map<String, Node> defaults;

    private Parameters(Map<String, Definition> definitions, Map<String, Node> defaults) {
        this.definitions = definitions;
        this.defaults = defaults;
    }

    /** @return the names of the file's defaults */
    Set<String> defaultNames() {
        return defaults.keySet();
    }

    /**
     * Reads {@code parameters} ({@code {required: [...], optional: [...]}}, {@code {definitions: {name: {...}}}},
     * {@code {name: {type, required, default}}}, or a list) and {@code defaults}.
     */
    static Parameters read(MapNode file, Diagnostics d) {
        Map<String, Definition> defs = new LinkedHashMap<>();
        Node p = file.get("parameters");
        if (p instanceof MapNode) {
            MapNode m = (MapNode) p;
            boolean grouped = !m.keys().isEmpty()
                    && Set.of("required", "optional", "definitions").containsAll(m.keys());
            if (grouped) {
                for (MapNode.Entry e : m.entries()) {
                    String path = "parameters." + e.key();
                    if (e.key().equals("definitions")) {
                        named(e.value(), path, null, defs, d);
                    } else {
                        listed(e.value(), path, e.key().equals("required"), defs, d);
                    }
                }
            } else {
                named(m, "parameters", null, defs, d);
            }
        } else if (p instanceof ListNode) {
            listed(p, "parameters", false, defs, d);
        } else if (p != null && !(p instanceof ScalarNode && ((ScalarNode) p).isNull())) {
            d.error(
                    p.location(),
                    "parameters",
                    "expected {required: [...], optional: [...]} or a mapping of "
                            + "parameter names to {type, required, default}, found " + p.describe());
        }
        Map<String, Node> dflt = new LinkedHashMap<>();
        Node dn = file.get("defaults");
        if (dn instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) dn).entries()) {
                dflt.put(e.key(), e.value());
            }
        } else if (dn != null && !(dn instanceof ScalarNode && ((ScalarNode) dn).isNull())) {
            d.error(dn.location(), "defaults", "expected a mapping of names to default values, found " + dn.describe());
        }
        return new Parameters(defs, dflt);
    }

    private static void listed(Node n, String path, boolean required, Map<String, Definition> defs, Diagnostics d) {
        if (!(n instanceof ListNode)) {
            d.error(n.location(), path, "expected a list of parameters, found " + n.describe());
            return;
        }
        List<Node> items = ((ListNode) n).items();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String ip = path + "[" + i + "]";
            if (item instanceof ScalarNode && !((ScalarNode) item).isNull()) {
                String name = ((ScalarNode) item).text();
                add(defs, new Definition(name, "any", required, null, item.location(), ip), d);
            } else if (item instanceof MapNode) {
                definition((MapNode) item, ip, null, required, defs, d);
            } else {
                d.error(
                        item.location(),
                        ip,
                        "expected a parameter name or {name, type, description, default}, found " + item.describe());
            }
        }
    }

    private static void named(Node n, String path, Boolean required, Map<String, Definition> defs, Diagnostics d) {
        if (!(n instanceof MapNode)) {
            d.error(
                    n.location(),
                    path,
                    "expected a mapping of parameter names to {type, required, default}, found " + n.describe());
            return;
        }
        for (MapNode.Entry e : ((MapNode) n).entries()) {
            if (e.value() instanceof MapNode) {
                definition((MapNode) e.value(), path + "." + e.key(), e.key(), required != null && required, defs, d);
            } else if (e.value() instanceof ScalarNode && ((ScalarNode) e.value()).isNull()) {
                add(defs, new Definition(e.key(), "any", false, null, e.keyLocation(), path + "." + e.key()), d);
            } else {
                d.error(
                        e.value().location(),
                        path + "." + e.key(),
                        "expected {type, required, default, description}, " + "found "
                                + e.value().describe());
            }
        }
    }

    private static void definition(
            MapNode m, String path, String name, boolean required, Map<String, Definition> defs, Diagnostics d) {
        Fields f = Fields.of(m, path, d, DEFINITION_KEYS, "a parameter definition");
        String n = name != null ? name : f.requiredText("name");
        String type = "any";
        if (f.has("type")) {
            String t = f.choice("type", TYPES);
            type = t == null ? "any" : t;
        }
        Boolean req = f.bool("required");
        f.text("description");
        f.notActedOn("validation", "values are checked against the parameter's type only");
        Node dflt = f.node("default");
        f.finish();
        if (n == null) {
            return;
        }
        add(defs, new Definition(n, type, req != null ? req : required, dflt, m.location(), path), d);
    }

    private static void add(Map<String, Definition> defs, Definition def, Diagnostics d) {
        if (defs.containsKey(def.name())) {
            d.error(def.at(), def.path(), "parameter '" + def.name() + "' is declared twice");
            return;
        }
        defs.put(def.name(), def);
    }

    /**
     * Resolves every parameter's value.
     *
     * @param caller the caller's values (highest precedence)
     * @param file the parameter file's values
     * @param source describes where caller values come from, for messages
     * @param at where caller-value problems are reported
     * @return the values by name: declared parameters with a value, every default, and every caller value
     */
    Map<String, Node> resolve(
            Map<String, Node> caller, Map<String, Node> file, String source, Location at, Diagnostics d) {
        Set<String> names = new LinkedHashSet<>(definitions.keySet());
        names.addAll(defaults.keySet());
        names.addAll(file.keySet());
        names.addAll(caller.keySet());
        Map<String, Node> out = new LinkedHashMap<>();
        for (String name : names) {
            Definition def = definitions.get(name);
            Node value;
            String from;
            if (caller.containsKey(name)) {
                value = caller.get(name);
                from = source;
            } else if (file.containsKey(name)) {
                value = file.get(name);
                from = "the parameter file";
            } else if (def != null && def.defaultValue() != null) {
                value = def.defaultValue();
                from = "its default";
            } else {
                value = defaults.get(name);
                from = "defaults";
            }
            if (value == null) {
                if (def != null && def.required()) {
                    d.error(
                            def.at(),
                            def.path(),
                            "required parameter '" + name + "' has no value; pass it (--param " + name
                                    + "=VALUE, a parameter file, or the loader's parameters), or give it a default");
                }
                continue;
            }
            if (def != null) {
                value = check(def, value, from, d);
                if (value == null) {
                    continue;
                }
            } else if (!definitions.isEmpty() && !defaults.containsKey(name)) {
                d.warning(
                        value.location().line() > 0 ? value.location() : at,
                        "",
                        "parameter '" + name + "' (from " + from + ") is not declared by the workflow"
                                + Texts.suggestion(name, definitions.keySet()));
            }
            out.put(name, value);
        }
        return out;
    }

    private static Node check(Definition def, Node value, String from, Diagnostics d) {
        Location at = value.location().line() > 0 ? value.location() : def.at();
        String problem = "parameter '" + def.name() + "' is declared as " + def.type() + ", but the value from " + from
                + " is " + value.describe();
        switch (def.type()) {
            case "string":
                if (value instanceof ScalarNode && !((ScalarNode) value).isNull()) {
                    return value;
                }
                break;
            case "number":
                if (value instanceof ScalarNode
                        && Scalars.parseDouble(((ScalarNode) value).text()) != null
                        && ((ScalarNode) value).type() != ScalarNode.Type.BOOLEAN) {
                    ScalarNode s = (ScalarNode) value;
                    boolean integral = Scalars.parseLong(s.text()) != null;
                    return new ScalarNode(
                            s.location(),
                            integral ? ScalarNode.Type.INTEGER : ScalarNode.Type.FLOAT,
                            s.text().trim(),
                            s.style());
                }
                break;
            case "boolean": {
                Boolean b = Scalars.bool(value);
                if (b != null) {
                    return new ScalarNode(
                            value.location(), ScalarNode.Type.BOOLEAN, b.toString(), ((ScalarNode) value).style());
                }
                break;
            }
            case "array": {
                Node parsed = value instanceof ScalarNode ? parseJson((ScalarNode) value) : value;
                if (parsed instanceof ListNode) {
                    return parsed;
                }
                break;
            }
            case "object": {
                Node parsed = value instanceof ScalarNode ? parseJson((ScalarNode) value) : value;
                if (parsed instanceof MapNode) {
                    return parsed;
                }
                break;
            }
            default:
                return value;
        }
        d.error(at, def.path(), problem);
        return null;
    }

    private static Node parseJson(ScalarNode s) {
        String t = s.text().trim();
        if (!(t.startsWith("[") || t.startsWith("{"))) {
            return s;
        }
        Diagnostics scratch = new Diagnostics(false);
        Node n = TreeParser.parse(new SourceText("parameter", t, java.nio.file.Path.of("")), scratch);
        return n == null || scratch.hasErrors() ? s : n;
    }
}
