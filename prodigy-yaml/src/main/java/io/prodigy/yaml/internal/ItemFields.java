package io.prodigy.yaml.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.api.WorkInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The fields of a map phase's items, when they can be known before the run: the input is a JSON file that exists
 * now, selected with no JSONPath or a simple one ({@code $[*]}, {@code $.a.b[*]}), and every item is an object.
 * The fields are those any item has.
 */
final class ItemFields {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIMPLE_PATH = Pattern.compile("\\$(\\.[A-Za-z_][A-Za-z0-9_-]*)*\\[\\*]");
    private static final long MAX_BYTES = 50L * 1024 * 1024;

    private ItemFields() {}

    /**
     * @param input the map phase's input
     * @param project the project directory the run works in
     * @param directory the workflow file's directory (looked in after the project)
     * @return the item fields, or null when they cannot be known before the run
     */
    static Set<String> of(WorkInput input, Path project, Path directory) {
        String file;
        String jsonPath;
        if (input instanceof WorkInput.JsonFile f) {
            file = f.path();
            jsonPath = f.jsonPath();
        } else if (input instanceof WorkInput.Detect dt) {
            file = dt.input().strip();
            jsonPath = dt.jsonPath();
        } else {
            return null;
        }
        if (file.contains("$") || file.contains(" ")) {
            return null;
        }
        Path found = null;
        for (Path base :
                List.of(project == null ? Path.of("") : project, directory == null ? Path.of("") : directory)) {
            Path p = base.resolve(file);
            if (Files.isRegularFile(p)) {
                found = p;
                break;
            }
        }
        try {
            if (found == null || Files.size(found) > MAX_BYTES) {
                return null;
            }
            List<JsonNode> items = select(JSON.readTree(found.toFile()), jsonPath);
            if (items == null || items.isEmpty()) {
                return null;
            }
            Set<String> fields = new TreeSet<>();
            for (JsonNode item : items) {
                if (!item.isObject()) {
                    return null;
                }
                item.fieldNames().forEachRemaining(fields::add);
            }
            return fields;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<JsonNode> select(JsonNode root, String jsonPath) {
        String path = jsonPath == null ? "" : jsonPath.strip();
        JsonNode array;
        if (path.isEmpty() || path.equals("$")) {
            array = root;
        } else if (SIMPLE_PATH.matcher(path).matches()) {
            array = root;
            String inner = path.substring(1, path.length() - 3);
            for (String part : inner.split("\\.")) {
                if (!part.isEmpty()) {
                    array = array.path(part);
                }
            }
        } else {
            return null;
        }
        if (!array.isArray()) {
            return path.isEmpty() || path.equals("$") ? List.of(root) : null;
        }
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
