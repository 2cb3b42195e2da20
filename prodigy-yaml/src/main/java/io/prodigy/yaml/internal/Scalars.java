package io.prodigy.yaml.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Conversions of scalar values, lenient where the meaning is unambiguous ({@code "5"} is 5, {@code "true"} true). */
final class Scalars {
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d[\\d_]*");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d[\\d_]*)?(\\.\\d+)?([eE][-+]?\\d+)?");

    private Scalars() {}

    /** @param n a value @return its boolean meaning, or null when it is not a boolean */
    static Boolean bool(Node n) {
        if (!(n instanceof ScalarNode)) {
            return null;
        }
        ScalarNode s = (ScalarNode) n;
        if (s.type() == ScalarNode.Type.BOOLEAN) {
            return s.booleanValue();
        }
        if (s.type() == ScalarNode.Type.STRING) {
            String t = s.text().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return Boolean.TRUE;
            }
            if (t.equals("false")) {
                return Boolean.FALSE;
            }
        }
        return null;
    }

    /** @param text a decimal integer (underscores allowed) @return its value, or null */
    static Long parseLong(String text) {
        String t = text.trim();
        if (!INTEGER.matcher(t).matches()) {
            return null;
        }
        try {
            return Long.parseLong(t.replace("_", "").replace("+", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @param text a decimal number @return its value, or null */
    static Double parseDouble(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals(".") || !DECIMAL.matcher(t).matches()) {
            return null;
        }
        try {
            return Double.parseDouble(t.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Reads a duration: a number of seconds, a string such as {@code "10m"}, {@code "600s"} or {@code "1h30m"}, a
     * {@code ${VAR}} reference when {@code lookup} is given, or serde's {@code {secs, nanos}}.
     *
     * @return the duration, or null when invalid (reported)
     */
    static Duration duration(Node n, String path, Diagnostics d, EnvLookup lookup) {
        if (n instanceof MapNode) {
            MapNode m = (MapNode) n;
            Node secs = m.get("secs");
            Node nanos = m.get("nanos");
            Long s = secs instanceof ScalarNode ? parseLong(((ScalarNode) secs).text()) : null;
            Long ns = nanos == null
                    ? Long.valueOf(0)
                    : nanos instanceof ScalarNode ? parseLong(((ScalarNode) nanos).text()) : null;
            if (s == null || ns == null || s < 0 || ns < 0 || m.size() > (nanos == null ? 1 : 2)) {
                d.error(
                        n.location(),
                        path,
                        "expected a duration such as 600, \"10m\" or {secs: 600, nanos: 0}, " + "found " + n.describe()
                                + " with keys " + m.keys());
                return null;
            }
            return Duration.ofSeconds(s, ns);
        }
        if (!(n instanceof ScalarNode)) {
            d.error(n.location(), path, "expected a duration such as 600, \"10m\" or \"1h30m\", found " + n.describe());
            return null;
        }
        ScalarNode s = (ScalarNode) n;
        String text = s.text().trim();
        String shown = n.describe();
        if (lookup != null && s.type() == ScalarNode.Type.STRING && EnvLookup.isReference(text)) {
            String value = lookup.resolve(text);
            if (value == null) {
                d.error(
                        n.location(),
                        path,
                        "'" + text + "' refers to " + EnvLookup.name(text) + ", which is set "
                                + "neither in the workflow's env nor in the environment; set it, or write a duration such as "
                                + "600 or \"10m\"");
                return null;
            }
            shown = "the value \"" + value + "\" of " + EnvLookup.name(text);
            text = value.trim();
        }
        Duration parsed = text.startsWith("-") ? null : Durations.parse(text);
        if (parsed == null) {
            d.error(
                    n.location(),
                    path,
                    "expected a duration such as 600 (seconds), \"10m\", \"600s\" or \"1h30m\", " + "found " + shown);
            return null;
        }
        return parsed;
    }
}
