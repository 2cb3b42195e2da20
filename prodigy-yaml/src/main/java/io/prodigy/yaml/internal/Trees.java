package io.prodigy.yaml.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between the location-tracking tree, Jackson trees and plain Java values. */
final class Trees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Trees() {}

    /** @param n a value @return it as a Jackson tree (strings as written, numbers and booleans typed) */
    static JsonNode toJson(Node n) {
        if (n instanceof MapNode) {
            ObjectNode o = NODES.objectNode();
            for (MapNode.Entry e : ((MapNode) n).entries()) {
                o.set(e.key(), toJson(e.value()));
            }
            return o;
        }
        if (n instanceof ListNode) {
            ArrayNode a = NODES.arrayNode();
            for (Node item : ((ListNode) n).items()) {
                a.add(toJson(item));
            }
            return a;
        }
        ScalarNode s = (ScalarNode) n;
        switch (s.type()) {
            case NULL:
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(s.booleanValue());
            case INTEGER: {
                Long v = Scalars.parseLong(s.text());
                if (v == null) {
                    return NODES.textNode(s.text());
                }
                return v == v.intValue() ? NODES.numberNode(v.intValue()) : NODES.numberNode(v);
            }
            case FLOAT: {
                Double v = Scalars.parseDouble(s.text());
                return v != null
                        ? NODES.numberNode(new BigDecimal(s.text().trim().replace("_", "")))
                        : NODES.textNode(s.text());
            }
            case STRING:
            default:
                return NODES.textNode(s.text());
        }
    }

    /**
     * @param value a plain Java value (String, Number, Boolean, null, Map, List) or a Jackson tree
     * @param at the location given to every node
     * @return the value as a tree
     */
    static Node fromValue(Object value, Location at) {
        if (value instanceof JsonNode) {
            return fromJson((JsonNode) value, at);
        }
        if (value == null) {
            return new ScalarNode(at, ScalarNode.Type.NULL, "", ScalarNode.Style.PLAIN);
        }
        if (value instanceof Boolean) {
            return new ScalarNode(at, ScalarNode.Type.BOOLEAN, value.toString(), ScalarNode.Style.PLAIN);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return new ScalarNode(at, ScalarNode.Type.INTEGER, value.toString(), ScalarNode.Style.PLAIN);
        }
        if (value instanceof Number) {
            return new ScalarNode(
                    at,
                    ScalarNode.Type.FLOAT,
                    new BigDecimal(value.toString()).toPlainString(),
                    ScalarNode.Style.PLAIN);
        }
        if (value instanceof Map) {
            Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                String key = String.valueOf(e.getKey());
                entries.put(key, new MapNode.Entry(key, at, fromValue(e.getValue(), at)));
            }
            return new MapNode(at, entries);
        }
        if (value instanceof Iterable) {
            List<Node> items = new ArrayList<>();
            for (Object o : (Iterable<?>) value) {
                items.add(fromValue(o, at));
            }
            return new ListNode(at, items);
        }
        return ScalarNode.string(at, value.toString());
    }

    /** @param json a Jackson tree @param at the location given to every node @return it as a tree */
    static Node fromJson(JsonNode json, Location at) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return new ScalarNode(at, ScalarNode.Type.NULL, "", ScalarNode.Style.PLAIN);
        }
        if (json.isObject()) {
            Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
            json.properties()
                    .forEach(e ->
                            entries.put(e.getKey(), new MapNode.Entry(e.getKey(), at, fromJson(e.getValue(), at))));
            return new MapNode(at, entries);
        }
        if (json.isArray()) {
            List<Node> items = new ArrayList<>();
            json.forEach(item -> items.add(fromJson(item, at)));
            return new ListNode(at, items);
        }
        if (json.isBoolean()) {
            return new ScalarNode(at, ScalarNode.Type.BOOLEAN, json.asText(), ScalarNode.Style.PLAIN);
        }
        if (json.isIntegralNumber()) {
            return new ScalarNode(at, ScalarNode.Type.INTEGER, json.asText(), ScalarNode.Style.PLAIN);
        }
        if (json.isNumber()) {
            return new ScalarNode(
                    at, ScalarNode.Type.FLOAT, json.decimalValue().toPlainString(), ScalarNode.Style.PLAIN);
        }
        return ScalarNode.string(at, json.asText());
    }

    /** @param json a Jackson tree @return it as plain Java values (maps, lists, strings, numbers, booleans, null) */
    static Object plain(JsonNode json) {
        return MAPPER.convertValue(json, Object.class);
    }

    /** @param n a scalar @param at a new location @return the same value at that location */
    static Node relocate(Node n, Location at) {
        if (n instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) n;
            return new ScalarNode(at, s.type(), s.text(), ScalarNode.Style.SYNTHETIC);
        }
        return n;
    }
}
