package io.prodigy.yaml.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed access to the keys of one mapping, reporting wrong types at the value's position, and, through
 * {@link #finish()}, every key that is not valid in this place (with the closest valid key).
 */
final class Fields {
    private final MapNode map;
    private final String path;
    private final Diagnostics diagnostics;
    private final Set<String> known;
    private final String context;

    private Fields(MapNode map, String path, Diagnostics diagnostics, Set<String> known, String context) {
        this.map = map;
        this.path = path;
        this.diagnostics = diagnostics;
        this.known = known;
        this.context = context;
    }

    /**
     * @param map the mapping
     * @param path its path, for messages
     * @param diagnostics where problems go
     * @param known the keys valid here
     * @param context what the mapping is, for messages ("a step", "map")
     * @return the accessor
     */
    static Fields of(MapNode map, String path, Diagnostics diagnostics, Set<String> known, String context) {
        return new Fields(map, path, diagnostics, known, context);
    }

    /** @param key a key @return the path of its value */
    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** @param key a key @return whether it is present (a present null counts) */
    boolean has(String key) {
        return map.has(key);
    }

    /** @param key a key @return its value, or null when absent */
    Node node(String key) {
        return map.get(key);
    }

    /** @param key a key @return where its value is, or where the mapping is when it is absent */
    Location at(String key) {
        Node n = map.get(key);
        return n == null ? map.location() : n.location();
    }

    /** @param key a key @return where the key itself is written */
    Location keyAt(String key) {
        MapNode.Entry e = map.entry(key);
        return e == null ? map.location() : e.keyLocation();
    }

    /** Reports a wrong value for {@code key}. */
    void error(String key, String message) {
        diagnostics.error(at(key), pathOf(key), message);
    }

    /** Reports a problem with the mapping as a whole. */
    void errorHere(String message) {
        diagnostics.error(map.location(), path, message);
    }

    /** Reports that {@code key} is accepted but has no effect (a warning), when it is present. */
    void notActedOn(String key, String reason) {
        if (has(key)) {
            diagnostics.warning(keyAt(key), pathOf(key), "'" + key + "' is accepted but not acted on: " + reason);
        }
    }

    /**
     * @param key a key
     * @return its text (a string, or a number or boolean as written), null when absent or null; a mapping or list
     *     is reported as an error and gives null
     */
    String text(String key) {
        Node n = map.get(key);
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) n;
            return s.isNull() ? null : s.text();
        }
        error(key, "expected a string, found " + n.describe());
        return null;
    }

    /** @param key a key @return its text; reports a missing or empty value */
    String requiredText(String key) {
        if (!has(key)) {
            errorHere("missing required key '" + key + "' in " + context);
            return null;
        }
        String t = text(key);
        if (t == null || t.isBlank()) {
            Node n = map.get(key);
            if (n instanceof ScalarNode) {
                error(key, "'" + key + "' must not be empty");
            }
            return null;
        }
        return t;
    }

    /** @param key a key @return its boolean value, or null when absent; a non-boolean is reported */
    Boolean bool(String key) {
        Node n = map.get(key);
        if (n == null || (n instanceof ScalarNode && ((ScalarNode) n).isNull())) {
            return null;
        }
        Boolean b = Scalars.bool(n);
        if (b == null) {
            error(key, "expected true or false, found " + n.describe());
        }
        return b;
    }

    /** @param key a key @param fallback when absent @return the boolean */
    boolean bool(String key, boolean fallback) {
        Boolean b = bool(key);
        return b == null ? fallback : b;
    }

    /**
     * @param key a key
     * @param min the smallest valid value
     * @param lookup resolves a {@code ${VAR}} value, or null when references are not allowed here
     * @return the integer, or null when absent or invalid (reported)
     */
    Integer integer(String key, int min, EnvLookup lookup) {
        Node n = map.get(key);
        if (n == null || (n instanceof ScalarNode && ((ScalarNode) n).isNull())) {
            return null;
        }
        String expected =
                min == 1 ? "a positive integer" : min == 0 ? "a non-negative integer" : "an integer of at least " + min;
        if (!(n instanceof ScalarNode)) {
            error(key, "expected " + expected + ", found " + n.describe());
            return null;
        }
        ScalarNode s = (ScalarNode) n;
        String text = s.text().trim();
        String shown = n.describe();
        if (lookup != null && s.type() == ScalarNode.Type.STRING && EnvLookup.isReference(text)) {
            String value = lookup.resolve(text);
            if (value == null) {
                error(
                        key,
                        "'" + text + "' refers to " + EnvLookup.name(text) + ", which is set neither in the "
                                + "workflow's env nor in the environment; set it, or write " + expected);
                return null;
            }
            shown = "the value \"" + value + "\" of " + EnvLookup.name(text);
            text = value.trim();
        }
        Long v = Scalars.parseLong(text);
        if (v == null || v < min || v > Integer.MAX_VALUE) {
            error(key, "expected " + expected + (lookup != null ? " (or \"${VAR}\")" : "") + ", found " + shown);
            return null;
        }
        return v.intValue();
    }

    /** @param key a key @return the number, or null when absent or invalid (reported) */
    Double number(String key) {
        Node n = map.get(key);
        if (n == null || (n instanceof ScalarNode && ((ScalarNode) n).isNull())) {
            return null;
        }
        Double d = n instanceof ScalarNode ? Scalars.parseDouble(((ScalarNode) n).text()) : null;
        if (d == null) {
            error(key, "expected a number, found " + n.describe());
        }
        return d;
    }

    /**
     * @param key a key
     * @param lookup resolves a {@code ${VAR}} value, or null when references are not allowed here
     * @return the duration (a number of seconds, {@code "10m"}, {@code "1h30m"}, {@code {secs, nanos}}), or null
     *     when absent or invalid (reported)
     */
    Duration duration(String key, EnvLookup lookup) {
        Node n = map.get(key);
        if (n == null || (n instanceof ScalarNode && ((ScalarNode) n).isNull())) {
            return null;
        }
        return Scalars.duration(n, pathOf(key), diagnostics, lookup);
    }

    /**
     * @param key a key
     * @return a list of strings (a single string counts as a list of one), or null when absent; non-strings are
     *     reported
     */
    List<String> textList(String key) {
        Node n = map.get(key);
        if (n == null || (n instanceof ScalarNode && ((ScalarNode) n).isNull())) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (n instanceof ScalarNode) {
            out.add(((ScalarNode) n).text());
            return out;
        }
        if (!(n instanceof ListNode)) {
            error(key, "expected a list of strings, found " + n.describe());
            return null;
        }
        List<Node> items = ((ListNode) n).items();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (item instanceof ScalarNode && !((ScalarNode) item).isNull()) {
                out.add(((ScalarNode) item).text());
            } else {
                diagnostics.error(
                        item.location(), pathOf(key) + "[" + i + "]", "expected a string, found " + item.describe());
            }
        }
        return out;
    }

    /**
     * @param key a key
     * @param names the valid names, lower case
     * @return the value lower-cased when it is one of the names; otherwise reported (with the closest name) and null
     */
    String choice(String key, List<String> names) {
        String t = text(key);
        if (t == null) {
            return null;
        }
        String lower = t.trim().toLowerCase(Locale.ROOT);
        if (names.contains(lower)) {
            return lower;
        }
        error(key, "unknown value " + Texts.quote(t) + " for '" + key + "'" + Texts.suggestion(lower, names));
        return null;
    }

    /** Reports every key of the mapping that is not valid here, with the closest valid key. */
    void finish() {
        for (MapNode.Entry e : map.entries()) {
            if (!known.contains(e.key()) && !e.key().startsWith("x-")) {
                diagnostics.unknown(
                        e.keyLocation(),
                        path,
                        "unknown key '" + e.key() + "' in " + context + Texts.suggestion(e.key(), known));
            }
        }
    }
}
