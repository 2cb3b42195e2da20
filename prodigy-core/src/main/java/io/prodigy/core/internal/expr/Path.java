package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.prodigy.core.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A parsed field path such as {@code a.b[0].c}, {@code a["x y"]} or {@code list[-1]} (negative indexes count from
 * the end), resolved without any parsing or allocation per lookup.
 *
 * <p>Two rules apply to every lookup:
 * <ul>
 *   <li><b>{@code .exists}:</b> when the path ends with {@code .exists} (not {@code ["exists"]}) and the full path finds
 *       nothing, the result is whether the parent path is defined (a boolean), so {@code x.exists} tests
 *       definedness unless {@code x} really has a field named {@code exists}.</li>
 *   <li><b>Missing is never {@code null}:</b> lookups that find nothing return {@link MissingNode}.</li>
 * </ul>
 */
final class Path {
    private static final String ITEM = "item";

    private final String text;
    /** One entry per segment: the field name, or {@code null} for an array index held in {@link #indexes}. */
    private final String[] names;

    private final int[] indexes;
    /** {@code variableKeys[k - 1]} is the first {@code k} leading name segments joined by dots. */
    private final String[] variableKeys;
    /** The path minus its last segment when that segment is written {@code .exists}; otherwise {@code null}. */
    private final Path existsParent;

    private final boolean itemPrefixed;

    Path(String text, String[] names, int[] indexes) {
        if (names.length == 0 || names[0] == null || names.length != indexes.length) {
            throw new IllegalArgumentException("a path starts with a field name: " + text);
        }
        this.text = text;
        this.names = names.clone();
        this.indexes = indexes.clone();
        int leadingNames = 0;
        while (leadingNames < names.length && names[leadingNames] != null) {
            leadingNames++;
        }
        this.variableKeys = new String[leadingNames];
        StringBuilder key = new StringBuilder();
        for (int k = 0; k < leadingNames; k++) {
            if (k > 0) {
                key.append('.');
            }
            variableKeys[k] = key.append(names[k]).toString();
        }
        int last = names.length - 1;
        this.existsParent = last > 0 && "exists".equals(names[last]) && text.endsWith(".exists")
                ? new Path(
                        text.substring(0, text.length() - ".exists".length()),
                        Arrays.copyOf(names, last),
                        Arrays.copyOf(indexes, last))
                : null;
        this.itemPrefixed = ITEM.equals(names[0]);
    }

    /** @return the path as written */
    String text() {
        return text;
    }

    /** @return whether the first segment is the name {@code item} */
    boolean startsWithItem() {
        return itemPrefixed;
    }

    /** @return whether the path has more than one segment and its first is the name {@code item} */
    boolean isItemQualified() {
        return itemPrefixed && names.length > 1;
    }

    /** @return the variable names {@link #inVariables} may look up, longest first */
    List<String> variableNames() {
        List<String> names = new ArrayList<>(variableKeys.length);
        for (int k = variableKeys.length; k >= 1; k--) {
            names.add(variableKeys[k - 1]);
        }
        return names;
    }

    /**
     * Looks the path up on a work item. A leading {@code item} segment names the item itself unless the item has a
     * top-level field called {@code item}: upstream's docs write {@code item.score}, its code {@code score}.
     *
     * @return the value found, or {@link MissingNode}
     */
    JsonNode onItem(JsonNode item) {
        JsonNode value = walk(item, itemPrefixed && item.get(ITEM) == null ? 1 : 0, false);
        if (existsParent != null && value.isMissingNode()) {
            return BooleanNode.valueOf(!existsParent.onItem(item).isMissingNode());
        }
        return value;
    }

    /**
     * Looks the path up through variables, the way upstream's interpolation does: the longest dotted prefix that
     * names a defined variable wins ({@code map.total} may be one variable), and the rest of the path walks into its
     * value. A string value holding a JSON object or array is parsed so paths can walk into it.
     *
     * @param variables returns a variable's value, or {@code null} / {@link MissingNode} when it is undefined
     * @return the value found, or {@link MissingNode}
     */
    JsonNode inVariables(Function<String, JsonNode> variables) {
        for (int k = variableKeys.length; k >= 1; k--) {
            JsonNode root = variables.apply(variableKeys[k - 1]);
            if (root != null && !root.isMissingNode()) {
                JsonNode value = walk(root, k, true);
                if (!value.isMissingNode()) {
                    return value;
                }
            }
        }
        if (existsParent != null) {
            return BooleanNode.valueOf(!existsParent.inVariables(variables).isMissingNode());
        }
        return MissingNode.getInstance();
    }

    private JsonNode walk(JsonNode start, int from, boolean parseJsonText) {
        JsonNode node = start;
        for (int i = from; i < names.length && node != null; i++) {
            if (parseJsonText && node.isTextual()) {
                node = parseJson(node.textValue());
                if (node == null) {
                    break;
                }
            }
            String name = names[i];
            if (name != null) {
                node = node.get(name);
            } else if (node.isArray()) {
                int index = indexes[i];
                node = node.get(index < 0 ? node.size() + index : index);
            } else {
                node = null;
            }
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    private static JsonNode parseJson(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return Json.MAPPER.readTree(trimmed);
            } catch (JacksonException notJson) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
