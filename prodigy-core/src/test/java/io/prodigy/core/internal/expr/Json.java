package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Test fixtures: lenient JSON (single quotes, unquoted names) and variable maps. */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .build();

    private Json() {}

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Variables as upstream holds them: every value a string. */
    static Function<String, JsonNode> strings(String... namesAndValues) {
        Map<String, JsonNode> map = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], TextNode.valueOf(namesAndValues[i + 1]));
        }
        return map::get;
    }

    /** Variables from a JSON object: each top-level field is one variable. */
    static Function<String, JsonNode> variables(String jsonObject) {
        JsonNode object = json(jsonObject);
        return object::get;
    }

    static final Function<String, JsonNode> NO_VARIABLES = name -> null;
}
