package io.prodigy.core.internal.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work-item ids: the logical id of each item, unique within a run, and a sanitized form of an id that is
 * safe in file names and git branch names.
 */
public final class ItemIds {

    /** The longest id {@link #sanitize} returns. */
    public static final int MAX_SANITIZED_LENGTH = 80;

    private static final Logger LOG = LoggerFactory.getLogger(ItemIds.class);

    private static final int HASH_HEX_DIGITS = 8;
    private static final HexFormat HEX = HexFormat.of();

    private ItemIds() {}

    /**
     * The logical id of one work item: the text of the field {@code idField} when the item has it with a
     * non-blank scalar value (a string, number or boolean), otherwise {@code item_<index>} as upstream
     * Prodigy names items.
     *
     * @param item the item
     * @param index the item's 0-based position in the input
     * @param idField a dotted path into object items ({@code id}, {@code meta.key}); {@code null} or blank
     *     for index-based ids
     * @return the id, not sanitized
     * @throws IllegalArgumentException when {@code index} is negative
     */
    public static String idFor(JsonNode item, int index, String idField) {
        Objects.requireNonNull(item, "item");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        if (idField != null && !idField.isBlank()) {
            JsonNode value = lookup(item, idField);
            if (value != null && value.isValueNode() && !value.isNull()) {
                String text = value.asText();
                if (!text.isBlank()) {
                    return text;
                }
            }
        }
        return "item_" + index;
    }

    /**
     * The ids of all items, made unique: the second and later occurrences of an id get {@code -2},
     * {@code -3} ... appended, in input order, skipping any suffixed form that is itself taken.
     *
     * @param items the items in input order
     * @param idField as for {@link #idFor}
     * @return one id per item, in the same order, unmodifiable
     */
    public static List<String> assignIds(List<JsonNode> items, String idField) {
        Objects.requireNonNull(items, "items");
        List<String> ids = new ArrayList<>(items.size());
        Set<String> taken = new HashSet<>(Math.max(16, items.size() * 4 / 3 + 1));
        Map<String, Integer> nextSuffix = new HashMap<>();
        int index = 0;
        int renamed = 0;
        for (JsonNode item : items) {
            String id = idFor(item, index++, idField);
            if (!taken.add(id)) {
                int suffix = nextSuffix.getOrDefault(id, 2);
                String candidate = id + "-" + suffix;
                while (!taken.add(candidate)) {
                    candidate = id + "-" + ++suffix;
                }
                nextSuffix.put(id, suffix + 1);
                id = candidate;
                renamed++;
            }
            ids.add(id);
        }
        if (renamed > 0) {
            LOG.info(
                    "{} work items repeat an earlier id (field \"{}\"); they were given -2, -3 ... suffixes",
                    renamed,
                    idField);
        }
        return Collections.unmodifiableList(ids);
    }

    /**
     * A form of {@code id} that is safe as a file name and inside a git branch name.
     *
     * <p>An id made only of {@code [A-Za-z0-9._-]}, not starting with {@code .} or {@code -}, not ending with
     * {@code .} or {@code .lock}, without {@code ..}, and at most {@value #MAX_SANITIZED_LENGTH} characters
     * long is returned unchanged. Any other id is rewritten: every other character becomes {@code -} (a run
     * of them one {@code -}), runs of dots become one dot, leading dots and dashes go, the text is cut to
     * fit, and {@code -} plus the first 8 hex digits of the SHA-256 of the original id is appended, so that
     * ids that differ only in the rewritten parts still differ. The result is never empty, {@code .} or
     * {@code ..}.
     *
     * @param id any id, possibly empty
     * @return the safe form
     */
    public static String sanitize(String id) {
        Objects.requireNonNull(id, "id");
        if (isSafe(id)) {
            return id;
        }
        StringBuilder body = new StringBuilder(Math.min(id.length(), MAX_SANITIZED_LENGTH));
        boolean lastReplaced = false;
        for (int i = 0; i < id.length(); ) {
            int codePoint = id.codePointAt(i);
            i += Character.charCount(codePoint);
            boolean allowed = codePoint < 128 && isAllowed((char) codePoint);
            char c = allowed ? (char) codePoint : '-';
            boolean skip = (!allowed && lastReplaced)
                    || (c == '.' && endsWith(body, '.'))
                    || (body.length() == 0 && (c == '.' || c == '-'));
            lastReplaced = !allowed;
            if (!skip) {
                body.append(c);
            }
        }
        int room = MAX_SANITIZED_LENGTH - 1 - HASH_HEX_DIGITS;
        if (body.length() > room) {
            body.setLength(room);
        }
        while (endsWith(body, '.') || endsWith(body, '-')) {
            body.setLength(body.length() - 1);
        }
        String hash = shortHash(id);
        return body.length() == 0 ? hash : body.append('-').append(hash).toString();
    }

    private static boolean isSafe(String id) {
        int length = id.length();
        if (length == 0 || length > MAX_SANITIZED_LENGTH) {
            return false;
        }
        char first = id.charAt(0);
        if (first == '.' || first == '-' || id.charAt(length - 1) == '.') {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            if (!isAllowed(c) || (c == '.' && previous == '.')) {
                return false;
            }
            previous = c;
        }
        return !id.endsWith(".lock");
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }

    private static boolean endsWith(StringBuilder text, char c) {
        return text.length() > 0 && text.charAt(text.length() - 1) == c;
    }

    private static String shortHash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(digest, 0, HASH_HEX_DIGITS / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static JsonNode lookup(JsonNode item, String dottedPath) {
        JsonNode node = item;
        int start = 0;
        while (node != null) {
            int dot = dottedPath.indexOf('.', start);
            String name = dot < 0 ? dottedPath.substring(start) : dottedPath.substring(start, dot);
            node = node.isObject() ? node.get(name) : null;
            if (dot < 0) {
                return node;
            }
            start = dot + 1;
        }
        return null;
    }
}
