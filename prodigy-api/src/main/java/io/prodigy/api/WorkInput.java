package io.prodigy.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a MapReduce phase's work items come from. Paths and commands are templates, interpolated with the
 * variables of the setup phase.
 *
 * @since 0.1
 */
public sealed interface WorkInput permits WorkInput.JsonFile, WorkInput.Command, WorkInput.Values, WorkInput.Detect {

    /**
     * @param path the JSON file, relative to the workspace
     * @param jsonPath the JSONPath selecting the items, e.g. {@code $.items[*]}; empty or null for the top-level array
     * @return the input
     */
    static WorkInput jsonFile(String path, @Nullable String jsonPath) {
        return new JsonFile(Checks.notNull(path, "path"), jsonPath);
    }

    /**
     * @param command a shell command whose output is a JSON array, or JSON values or plain text one per line
     * @return the input
     */
    static WorkInput command(String command) {
        return new Command(Checks.notNull(command, "command"), null);
    }

    /**
     * @param values items supplied by the host: maps, lists, strings, numbers, booleans or nulls
     * @return the input
     */
    static WorkInput values(List<?> values) {
        return new Values(new java.util.ArrayList<Object>(Checks.notNull(values, "values")));
    }

    /**
     * The Rust tool's {@code map.input}: a file when a file exists at that path, otherwise a shell command.
     *
     * @param input the path or command
     * @param jsonPath the JSONPath applied to the file or to the command's JSON output, may be empty or null
     * @return the input
     */
    static WorkInput detect(String input, @Nullable String jsonPath) {
        return new Detect(Checks.notNull(input, "input"), jsonPath);
    }

    /**
     * A JSON file and a JSONPath.
     *
     * @param path the file, relative to the workspace (a template)
     * @param jsonPath the JSONPath, or empty
     * @since 0.1
     */
    record JsonFile(String path, String jsonPath) implements WorkInput {
        /**
         * Validates.
         *
         * @param path the file, relative to the workspace (a template)
         * @param jsonPath the JSONPath, or empty
         */
        public JsonFile {
            Checks.notBlank(path, "input path");
            jsonPath = jsonPath == null ? "" : jsonPath;
        }
    }

    /**
     * A command's output.
     *
     * @param command the command template
     * @param jsonPath a JSONPath applied when the output is one JSON document, or null
     * @since 0.1
     */
    record Command(String command, @Nullable String jsonPath) implements WorkInput {
        /**
         * Validates.
         *
         * @param command the command template
         * @param jsonPath a JSONPath applied when the output is one JSON document, or null
         */
        public Command {
            Checks.notBlank(command, "input command");
            jsonPath = Checks.blankToNull(jsonPath);
        }
    }

    /**
     * Items supplied by the host.
     *
     * @param values plain Java values (maps, lists, strings, numbers, booleans, nulls)
     * @since 0.1
     */
    record Values(List<@Nullable Object> values) implements WorkInput {
        /**
         * Copies; nulls are allowed as items.
         *
         * @param values plain Java values (maps, lists, strings, numbers, booleans, nulls)
         */
        public Values {
            values = Collections.unmodifiableList(new ArrayList<>(Checks.notNull(values, "input values")));
        }
    }

    /**
     * A file if one exists at the path, otherwise a command.
     *
     * @param input the path or command template
     * @param jsonPath the JSONPath, or empty
     * @since 0.1
     */
    record Detect(String input, String jsonPath) implements WorkInput {
        /**
         * Validates.
         *
         * @param input the path or command template
         * @param jsonPath the JSONPath, or empty
         */
        public Detect {
            Checks.notBlank(input, "input");
            jsonPath = jsonPath == null ? "" : jsonPath;
        }
    }
}
