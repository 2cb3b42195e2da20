package io.prodigy.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.core.internal.Json;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Short names of work items for people (progress lines, tables, the DLQ, events, reports). An item whose id came
 * from the map phase's {@code id_field} is called by its id; an item with a positional id ({@code item_N}) is called
 * by its value: a string item (a path, a line of a command's output) by its text, an object by its first field
 * among {@value #FIELDS_TEXT}, anything else by its compact JSON; long labels are shortened in the middle, keeping
 * the end of a path.
 */
public final class ItemLabels {
    /** The longest label, in characters. */
    public static final int MAX_LENGTH = 48;

    private static final String FIELDS_TEXT = "name, title, path, file, id, key";
    private static final List<String> FIELDS = List.of("name", "title", "path", "file", "id", "key");
    private static final Pattern POSITIONAL = Pattern.compile("item_\\d+");

    private ItemLabels() {}

    /**
     * @param itemId the item's id
     * @param item the item's value, or null when unknown
     * @return its label; the id when it is not positional or the value gives nothing better
     * @throws NullPointerException when {@code itemId} is null
     */
    public static String of(String itemId, JsonNode item) {
        Objects.requireNonNull(itemId, "itemId");
        if (!POSITIONAL.matcher(itemId).matches() || item == null || item.isNull() || item.isMissingNode()) {
            return itemId;
        }
        String text;
        if (item.isValueNode()) {
            text = item.asText();
        } else {
            text = null;
            if (item.isObject()) {
                for (String f : FIELDS) {
                    JsonNode v = item.get(f);
                    if (v != null
                            && v.isValueNode()
                            && !v.isNull()
                            && !v.asText().isBlank()) {
                        text = v.asText();
                        break;
                    }
                }
            }
            if (text == null) {
                text = item.toString();
            }
        }
        text = text.replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? itemId : shorten(text);
    }

    /**
     * @param itemId the item's id
     * @param itemJson the item's value as JSON, or null when unknown
     * @return its label (the id when the JSON cannot be read)
     * @throws NullPointerException when {@code itemId} is null
     */
    public static String of(String itemId, String itemJson) {
        Objects.requireNonNull(itemId, "itemId");
        if (itemJson == null || !POSITIONAL.matcher(itemId).matches()) {
            return itemId;
        }
        try {
            return of(itemId, Json.MAPPER.readTree(itemJson));
        } catch (JsonProcessingException e) {
            return itemId;
        }
    }

    /**
     * @param text any text
     * @return it, at most {@link #MAX_LENGTH} characters: a long path keeps its first segment and its end
     *     ({@code src/…/deep/File.java}), other text its start and end around an ellipsis
     */
    public static String shorten(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() <= MAX_LENGTH) {
            return text;
        }
        int slash = text.indexOf('/');
        if (slash > 0 && slash < MAX_LENGTH / 3 && !text.contains(" ")) {
            String head = text.substring(0, slash + 1) + "…";
            int room = MAX_LENGTH - head.length();
            String tail = text.substring(text.length() - room);
            int cut = tail.indexOf('/');
            return head + (cut >= 0 && cut < tail.length() - 1 ? tail.substring(cut) : "/" + tail.substring(1));
        }
        int head = (MAX_LENGTH - 1) / 2;
        int tail = MAX_LENGTH - 1 - head;
        return text.substring(0, head) + "…" + text.substring(text.length() - tail);
    }
}
