package io.prodigy.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The elements of a JSON array text, each parsed when it is first read: one pass over the text finds where each
 * element starts and ends (strings, escapes and nesting followed, nothing built), so that a resume of a run of a
 * hundred thousand items knows their count at once and parses only the items it runs or reports. Unmodifiable;
 * thread-safe (an element read by two threads at once may be parsed twice, to equal values).
 */
public final class LazyJsonArray extends AbstractList<JsonNode> implements RandomAccess {
    private final String text;
    /** Element {@code i} is {@code text[bounds[2i], bounds[2i+1])}. */
    private final int[] bounds;

    private final int size;
    private final AtomicReferenceArray<JsonNode> parsed;

    private LazyJsonArray(String text, int[] bounds, int size) {
        this.text = text;
        this.bounds = bounds;
        this.size = size;
        this.parsed = new AtomicReferenceArray<>(size);
    }

    /**
     * Finds the elements of a JSON array.
     *
     * @param text the array's JSON text
     * @return its elements, parsed when read
     * @throws MalformedArrayException if the text is not one array whose brackets, braces and strings are balanced
     *     (an element that is otherwise invalid JSON fails when it is read)
     */
    public static LazyJsonArray of(String text) {
        int[] bounds = new int[32];
        int n = 0;
        int len = text.length();
        int i = skipSpace(text, 0);
        if (i >= len || text.charAt(i) != '[') {
            throw new MalformedArrayException("it does not start with '['");
        }
        i = skipSpace(text, i + 1);
        if (i < len && text.charAt(i) == ']') {
            return end(text, i, new int[0], 0);
        }
        while (true) {
            int start = i;
            i = skipValue(text, i);
            int valueEnd = i;
            if (valueEnd == start) {
                throw new MalformedArrayException("an element is missing at offset " + start);
            }
            if (2 * n + 2 > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            bounds[2 * n] = start;
            bounds[2 * n + 1] = valueEnd;
            n++;
            i = skipSpace(text, i);
            if (i >= len) {
                throw new MalformedArrayException("it ends before its closing ']'");
            }
            char c = text.charAt(i);
            if (c == ']') {
                return end(text, i, bounds, n);
            }
            if (c != ',') {
                throw new MalformedArrayException("expected ',' or ']' at offset " + i + ", found '" + c + "'");
            }
            i = skipSpace(text, i + 1);
        }
    }

    private static LazyJsonArray end(String text, int close, int[] bounds, int n) {
        if (skipSpace(text, close + 1) != text.length()) {
            throw new MalformedArrayException("text follows its closing ']' at offset " + (close + 1));
        }
        return new LazyJsonArray(text, bounds, n);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** @return the offset after the value starting at {@code i} (== i if none starts there) */
    private static int skipValue(String s, int i) {
        int len = s.length();
        int depth = 0;
        while (i < len) {
            char c = s.charAt(i);
            if (c == '"') {
                i = skipString(s, i);
            } else if (c == '[' || c == '{') {
                depth++;
                i++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return i; // the enclosing array's end
                }
                depth--;
                i++;
            } else if (c == ',' && depth == 0) {
                return i;
            } else if ((c == ' ' || c == '\n' || c == '\r' || c == '\t') && depth == 0) {
                return i;
            } else {
                i++;
            }
            if (depth == 0 && (c == '"' || c == ']' || c == '}')) {
                return i; // a whole string, array or object
            }
        }
        if (depth != 0) {
            throw new MalformedArrayException("an element's brackets or braces are not closed");
        }
        return i;
    }

    /** @return the offset after the string whose opening quote is at {@code i} */
    private static int skipString(String s, int i) {
        int len = s.length();
        for (int j = i + 1; j < len; j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j + 1;
            }
        }
        throw new MalformedArrayException("a string starting at offset " + i + " is not closed");
    }

    /**
     * @param index the element's index
     * @return the element, parsed on its first read
     * @throws MalformedArrayException if the element is not valid JSON
     */
    @Override
    public JsonNode get(int index) {
        JsonNode node = parsed.get(index);
        if (node == null) {
            String element = text.substring(bounds[2 * index], bounds[2 * index + 1]);
            try {
                node = Json.parse(element);
            } catch (JsonProcessingException e) {
                throw new MalformedArrayException("element " + index + " is not valid JSON: " + e.getOriginalMessage());
            }
            parsed.set(index, node);
        }
        return node;
    }

    @Override
    public int size() {
        return size;
    }

    /** A JSON array text whose structure (or one of whose elements) is not valid. */
    public static final class MalformedArrayException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong, and where */
        public MalformedArrayException(String message) {
            super(message);
        }
    }
}
