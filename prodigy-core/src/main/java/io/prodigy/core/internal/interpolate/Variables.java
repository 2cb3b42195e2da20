package io.prodigy.core.internal.interpolate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.prodigy.core.internal.Json;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scoped store of workflow variables whose values are JSON nodes.
 *
 * <p>A root scope holds the workflow environment as the lowest-precedence fallback; {@link #child()} opens a
 * scope whose lookups fall back to its parent while its writes stay local (one per step sequence, one per
 * MapReduce item). Writes and reads may happen on different threads at the same time. Stored nodes are kept
 * as given: do not mutate a node after putting it.
 *
 * <p>Lookup of a path such as {@code a.b[0].c} ({@link #resolve(String)}):
 * <ol>
 *   <li>each prefix of the path, longest first ({@code a.b[0].c}, {@code a.b[0]}, {@code a.b}, {@code a}), is
 *       looked up as a flat variable name in every scope from this one to the root; the nearest scope that
 *       holds the name wins, and the rest of the path is walked into its value. So a variable literally named
 *       {@code map.total} or {@code shell.output} is found, and so is {@code item} for {@code item.name};</li>
 *   <li>walking: {@code .field} enters an object (a numeric field also indexes an array), {@code [n]} an array;
 *       a string whose text is a JSON object or array is parsed when the walk continues into it;</li>
 *   <li>a plain name ({@code HOME}) that no scope defines is looked up in the environment.</li>
 * </ol>
 * If walking from a prefix finds nothing, shorter prefixes are tried. Names are case-sensitive.
 */
public final class Variables {

    private final Variables parent;
    private final Map<String, String> environment;
    private final ConcurrentHashMap<String, JsonNode> entries = new ConcurrentHashMap<>();
    private final Set<String> exported = ConcurrentHashMap.newKeySet();

    private Variables(Variables parent, Map<String, String> environment) {
        this.parent = parent;
        this.environment = environment;
    }

    /**
     * Creates a root scope.
     *
     * @param environment the process or workflow environment, consulted last for plain names such as
     *     {@code ${HOME}}; copied
     * @return an empty root scope
     * @throws NullPointerException if the map, or any key or value in it, is null
     */
    public static Variables root(Map<String, String> environment) {
        return new Variables(null, Map.copyOf(environment));
    }

    /**
     * Opens a child scope: lookups fall back to this scope, writes go to the child only.
     *
     * @return a new, empty child scope
     */
    public Variables child() {
        return new Variables(this, environment);
    }

    /**
     * Sets a variable in this scope, replacing any previous value of that name here.
     *
     * @param name the variable name, used verbatim as a flat key (it may contain dots, e.g. {@code map.total})
     * @param value the value; null is stored as JSON null
     * @throws IllegalArgumentException if the name is empty
     */
    public void put(String name, JsonNode value) {
        entries.put(checkName(name), value == null ? NullNode.getInstance() : value);
        exported.remove(name);
    }

    /**
     * Sets a string variable in this scope.
     *
     * @param name the variable name
     * @param value the text; null is stored as JSON null
     * @throws IllegalArgumentException if the name is empty
     */
    public void putString(String name, String value) {
        entries.put(checkName(name), value == null ? NullNode.getInstance() : TextNode.valueOf(value));
        exported.remove(name);
    }

    /**
     * Sets every entry of the map in this scope.
     *
     * @param values names and values; null values are stored as JSON null
     * @throws IllegalArgumentException if a name is empty
     */
    public void putAll(Map<String, JsonNode> values) {
        values.forEach(this::put);
    }

    /**
     * Sets a variable that is also exported to shell commands as an environment variable (the workflow's
     * {@code env:}, env files, profiles, secrets). In a shell command, {@code $NAME} and {@code ${NAME}} of such a
     * variable are left to the shell, which expands it from the environment and splits it into words as usual.
     *
     * @param name the variable name
     * @param value the text
     * @throws IllegalArgumentException if the name is empty
     */
    public void putExported(String name, String value) {
        putString(name, value);
        exported.add(name);
    }

    /**
     * @param name a plain variable name
     * @return whether the nearest scope defining the name set it with {@link #putExported}, so that shell
     *     commands read it from their environment
     */
    public boolean isExported(String name) {
        for (Variables scope = this; scope != null; scope = scope.parent) {
            if (scope.entries.containsKey(name)) {
                return scope.exported.contains(name);
            }
        }
        return false;
    }

    /** @return an immutable snapshot of the variables set in this scope itself, without parents */
    public Map<String, JsonNode> local() {
        return Map.copyOf(entries);
    }

    /**
     * Returns every variable visible from this scope, sorted by name; where a name is set in several scopes
     * the nearest one wins. The environment is not included.
     *
     * @return an immutable snapshot
     */
    public Map<String, JsonNode> flatten() {
        Deque<Variables> chain = new ArrayDeque<>();
        for (Variables scope = this; scope != null; scope = scope.parent) {
            chain.push(scope);
        }
        TreeMap<String, JsonNode> all = new TreeMap<>();
        for (Variables scope : chain) {
            all.putAll(scope.entries);
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * @param path a variable path such as {@code item.tags[1]}, or any flat name
     * @return true when {@link #resolve(String)} finds a value (JSON null counts as defined)
     */
    public boolean isDefined(String path) {
        return !resolve(path).isMissingNode();
    }

    /**
     * Looks a path up as described in the class documentation. A string that is not a valid path
     * (for example {@code my var}) is looked up as one flat name.
     *
     * @param path the path
     * @return the value, or {@link MissingNode} when undefined; never null
     */
    public JsonNode resolve(String path) {
        VariablePath parsed = VariablePath.parse(path);
        if (parsed != null) {
            return resolve(parsed, true);
        }
        JsonNode flat = lookup(path);
        if (flat != null) {
            return flat;
        }
        String env = environment.get(path);
        return env == null ? MissingNode.getInstance() : TextNode.valueOf(env);
    }

    /**
     * Resolves a parsed path.
     *
     * @param useEnvironment whether a plain name may fall back to the environment
     */
    JsonNode resolve(VariablePath path, boolean useEnvironment) {
        for (int k = path.size(); k >= 1; k--) {
            JsonNode found = lookup(path.prefixKey(k));
            if (found != null) {
                JsonNode value = walk(found, path, k);
                if (!value.isMissingNode()) {
                    return value;
                }
            }
        }
        if (useEnvironment && path.isPlainName()) {
            String env = environment.get(path.text());
            if (env != null) {
                return TextNode.valueOf(env);
            }
        }
        return MissingNode.getInstance();
    }

    /** @return the names defined in the environment, for diagnostics */
    Iterable<String> environmentNames() {
        return environment.keySet();
    }

    private JsonNode lookup(String key) {
        for (Variables scope = this; scope != null; scope = scope.parent) {
            JsonNode value = scope.entries.get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static JsonNode walk(JsonNode start, VariablePath path, int from) {
        JsonNode node = start;
        for (int i = from; i < path.size(); i++) {
            if (node.isTextual()) {
                node = parseContainer(node.textValue());
            }
            String name = path.name(i);
            JsonNode next;
            if (name == null) {
                next = node.isArray() ? node.get(path.index(i)) : null;
            } else if (node.isObject()) {
                next = node.get(name);
            } else if (node.isArray() && isIndex(name)) {
                next = node.get(Integer.parseInt(name));
            } else {
                next = null;
            }
            if (next == null) {
                return MissingNode.getInstance();
            }
            node = next;
        }
        return node;
    }

    private static boolean isIndex(String name) {
        if (name.length() > 9) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!VariablePath.isAsciiDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Parses text that holds a JSON object or array; anything else walks no further. */
    private static JsonNode parseContainer(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length() || (text.charAt(i) != '{' && text.charAt(i) != '[')) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException notJson) {
            return MissingNode.getInstance();
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A variable name must not be empty");
        }
        return name;
    }

    @Override
    public String toString() {
        return "Variables" + flatten().keySet();
    }
}
