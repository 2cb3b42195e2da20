package io.prodigy.yaml;

import java.util.Objects;

/**
 * One problem found while loading a workflow file: where it is, and what was expected and found.
 *
 * <p>{@link #toString()} renders it the way compilers do, for example
 * {@code workflow.yml:12:5: error: map.max_parallel: expected a positive integer, found the string "many"}.
 *
 * @param severity whether the problem stops the workflow from loading
 * @param source the file (or source name) the problem is in
 * @param line the 1-based line, or 0 when the problem concerns the whole file
 * @param column the 1-based column, or 0 when unknown
 * @param path where in the workflow the problem is, such as {@code map.agent_template[1].on_failure}; empty for
 *             the whole file
 * @param message what is wrong, what was expected and what was found
 */
public record Problem(Severity severity, String source, int line, int column, String path, String message) {

    /** How serious a problem is. */
    public enum Severity {
        /** The workflow cannot be loaded. */
        ERROR,
        /**
         * The workflow loads, but something in the file is not acted on (a key the engine does not use, saying
         * whether the Rust tool ignores it too), or a variable may be undefined. In strict mode every warning is an
         * error instead.
         */
        WARNING
    }

    /** Validates and normalises. */
    public Problem {
        Objects.requireNonNull(severity, "severity");
        source = source == null ? "" : source;
        path = path == null ? "" : path;
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative");
        }
    }

    /** @return whether this is an error */
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** @return {@code source:line:column}, leaving out what is unknown */
    public String location() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        String where = location();
        return (where.isEmpty() ? "" : where + ": ") + (isError() ? "error" : "warning") + ": "
                + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
