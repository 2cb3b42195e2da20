package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One parsed JSON object, read with Jackson's streaming parser into plain values: {@link String}, {@link Long},
 * {@link java.math.BigInteger}, {@link Double}, {@link Boolean}, {@link #NULL}, {@link List} (arrays) and
 * {@code Record} (objects). Several times cheaper to build than a Jackson tree, which matters when a journal of
 * 100,000 records is read at resume. Fields are kept in file order; lookups are linear (records are small).
 */
final class Record {
    /** The value of a field that is JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** The value of an array or object field skipped by {@link #parseShallow}. */
    static final Object SKIPPED = new Object() {
        @Override
        public String toString() {
            return "(skipped)";
        }
    };

    /**
     * No limit on the length of a string: a journal's {@code items_json} holds every item of a map phase, well
     * past Jackson's default limit of 20 million characters.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private String[] names = new String[8];
    private Object[] values = new Object[8];
    private int size;

    private Record() {}

    /**
     * @param bytes a buffer holding UTF-8 JSON
     * @param offset where the JSON starts
     * @param length its length
     * @return the object, or null if the bytes hold a JSON value that is not an object
     * @throws JsonProcessingException if the bytes are not exactly one complete JSON value
     */
    static Record parse(byte[] bytes, int offset, int length) throws JsonProcessingException {
        return parse(bytes, offset, length, false);
    }

    /**
     * Like {@link #parse}, but the arrays and objects inside the top-level object are only checked for syntax
     * and kept as {@link #SKIPPED}: for scans that need a record's scalar fields only.
     */
    static Record parseShallow(byte[] bytes, int offset, int length) throws JsonProcessingException {
        return parse(bytes, offset, length, true);
    }

    private static Record parse(byte[] bytes, int offset, int length, boolean shallow) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new JsonParseException(p, "no JSON value");
            }
            Object value = first == JsonToken.START_OBJECT ? readObject(p, shallow) : readValue(p, first);
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "unexpected content after the JSON value");
            }
            return value instanceof Record ? (Record) value : null;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing an array does no other I/O
        }
    }

    private static Record readObject(JsonParser p, boolean shallow) throws IOException {
        Record r = new Record();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (shallow && (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT)) {
                p.skipChildren();
                r.put(name, SKIPPED);
            } else {
                r.put(name, readValue(p, v));
            }
        }
        return r;
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            case START_OBJECT:
                return readObject(p, false);
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(readValue(p, e));
                }
                return list;
            default:
                throw new JsonParseException(p, "unexpected token " + t);
        }
    }

    private void put(String name, Object value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    /** @return the field's value, {@link #NULL} for JSON null, or null if absent (the last one if repeated) */
    Object get(String name) {
        for (int i = size - 1; i >= 0; i--) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    int size() {
        return size;
    }

    String name(int index) {
        return names[index];
    }

    Object value(int index) {
        return values[index];
    }

    /** @return a short description of a value's JSON type, for messages */
    static String describe(Object value) {
        if (value == NULL) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value == SKIPPED) {
            return "an array or object";
        }
        return "an object";
    }
}
