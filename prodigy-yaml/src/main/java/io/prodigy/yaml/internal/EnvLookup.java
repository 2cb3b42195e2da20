package io.prodigy.yaml.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a whole-value variable reference ({@code "${MAX_PARALLEL}"}, {@code "$MAX_PARALLEL"},
 * {@code "${MAX_PARALLEL:-4}"}) while a file is loaded, for the numeric keys the Rust tool lets refer to variables
 * ({@code max_parallel}, {@code agent_timeout_secs}, setup {@code timeout}). The workflow's own {@code env} is
 * consulted first, then the environment given to the loader (by default the process environment).
 */
final class EnvLookup {
    private static final Pattern REFERENCE =
            Pattern.compile("\\s*(?:\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*))\\s*");
    private static final int MAX_DEPTH = 8;

    private final Map<String, String> workflowEnv;
    private final Map<String, String> environment;

    EnvLookup(Map<String, String> workflowEnv, Map<String, String> environment) {
        this.workflowEnv = Map.copyOf(workflowEnv);
        this.environment = environment;
    }

    /** @param workflowEnv the workflow's plain env values @return a lookup that consults them first */
    EnvLookup withWorkflowEnv(Map<String, String> workflowEnv) {
        return new EnvLookup(workflowEnv, environment);
    }

    /** @return the environment given to the loader */
    Map<String, String> environment() {
        return environment;
    }

    /** @param text a value @return whether the whole value is one variable reference */
    static boolean isReference(String text) {
        return REFERENCE.matcher(text).matches();
    }

    /** @param text a whole-value reference @return the variable's name */
    static String name(String text) {
        Matcher m = REFERENCE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a reference: " + text);
        }
        return m.group(1) != null ? m.group(1) : m.group(3);
    }

    /**
     * @param text a whole-value reference
     * @return its value (following references through the workflow env), or null when it is not defined and has no
     *     default
     */
    String resolve(String text) {
        String current = text;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            Matcher m = REFERENCE.matcher(current);
            if (!m.matches()) {
                return current;
            }
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String value = workflowEnv.get(name);
            if (value == null) {
                value = environment.get(name);
            }
            if (value == null) {
                return m.group(2);
            }
            current = value;
        }
        return null;
    }
}
