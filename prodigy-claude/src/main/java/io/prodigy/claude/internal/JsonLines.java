package io.prodigy.claude.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lenient reading of NDJSON lines from agent CLIs: anything unexpected reads as absent. */
final class JsonLines {
    /** Thread-safe; never reconfigured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    /**
     * @param line one output line
     * @return the JSON object on it, or null if the line holds no JSON object (blank, prose, an array, cut)
     */
    static ObjectNode object(String line) {
        int start = 0;
        int length = line.length();
        while (start < length && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        if (start == length || line.charAt(start) != '{') {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(line);
            return node instanceof ObjectNode ? (ObjectNode) node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** @param node a node or null @param field a field name @return its text value, or null if absent or not text */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** @return the field's integral value (also from digits in a string), or null */
    static Long integer(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return (long) v.doubleValue();
        }
        if (v.isTextual()) {
            String t = v.textValue().strip();
            if (!t.isEmpty() && t.length() < 19 && t.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(t);
            }
        }
        return null;
    }

    /** @return the field's numeric value, or null */
    static Double number(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v != null && v.isNumber()) {
            double d = v.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        return null;
    }

    /** @return the field's integral value as a long, or 0 */
    static long count(JsonNode node, String field) {
        Long v = integer(node, field);
        return v == null || v < 0 ? 0 : v;
    }

    /** @return the field's boolean value, or the default when absent or not a boolean */
    static boolean bool(JsonNode node, String field, boolean absent) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isBoolean() ? v.booleanValue() : absent;
    }

    /** @return the field if it is an object, else null */
    static JsonNode objectField(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isObject() ? v : null;
    }

    /** @return the field if it is an array, else null */
    static JsonNode arrayField(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isArray() ? v : null;
    }
}
