package io.prodigy.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.prodigy.api.ProdigyException;

/** The engine's shared Jackson mapper and small conversions. */
public final class Json {
    /** Thread-safe once configured; never reconfigured after class initialisation. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Node factory for building values. */
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    /** @param node a value @return compact JSON text */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new ProdigyException("could not serialise a value as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @param value any Java value @return compact JSON text */
    public static String writeValue(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new ProdigyException("could not serialise a value as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @param text JSON text @return the parsed tree @throws JsonProcessingException if it is not JSON */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** @param text any text @return a string node */
    public static JsonNode text(String text) {
        return TextNode.valueOf(text);
    }

    /**
     * @param node a value
     * @return the value as plain text: a string's text, a number's canonical form, compact JSON otherwise
     */
    public static String asText(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        return write(node);
    }
}
