package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writing and reading the versioned JSON records every store file is made of. A record is one JSON object with
 * {@code version} (an integer, currently {@value #VERSION}) and, in JSONL files, {@code type}.
 */
final class JsonRecords {
    /** The format version this code writes and the newest it reads. */
    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private JsonRecords() {
    }

    /** Writes the fields of a record after {@code version} and {@code type}. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * @param type the record's type, or null for a file holding one record (no {@code type} field)
     * @param body its other fields
     * @return the record as UTF-8 JSON on one line, ending with a newline
     */
    static byte[] line(String type, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", VERSION);
            if (type != null) {
                g.writeStringField("type", type);
            }
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * @param bytes a buffer
     * @param offset where the JSON starts
     * @param length its length
     * @return the parsed object
     * @throws JsonProcessingException if the bytes are not one complete JSON value
     */
    static JsonNode parse(byte[] bytes, int offset, int length) throws JsonProcessingException {
        try {
            return MAPPER.readTree(bytes, offset, length);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from an array does not fail otherwise
        }
    }

    /** @return whether the bytes hold only JSON whitespace */
    static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that a parsed value is a record of a version this code reads.
     *
     * @param node the parsed value
     * @throws RecordFormatException if it is not an object, has no version, or a newer one
     */
    static void checkVersion(JsonNode node) {
        if (!node.isObject()) {
            throw new RecordFormatException("expected a JSON object, found " + node.getNodeType());
        }
        JsonNode v = node.get("version");
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new RecordFormatException("the record has no integer 'version' field");
        }
        int version = v.intValue();
        if (version > VERSION) {
            throw new RecordFormatException("the record has format version " + version
                    + ", written by a newer Prodigy; this version reads format version " + VERSION
                    + " only - upgrade Prodigy to read it");
        }
        if (version < 1) {
            throw new RecordFormatException("the record has an invalid format version " + version
                    + "; this version reads format version " + VERSION);
        }
    }

    /** @return the record's {@code type} */
    static String type(JsonNode node) {
        return text(node, "type");
    }

    /** @return a required string field (JSON null is refused) */
    static String text(JsonNode node, String field) {
        String s = optionalText(node, field);
        if (s == null) {
            throw missing(field);
        }
        return s;
    }

    /** @return a string field, or null when it is absent or JSON null */
    static String optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return v.textValue();
    }

    static int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw missing(field);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(field, "an integer", v);
        }
        return v.intValue();
    }

    static Integer optionalInteger(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : integer(node, field);
    }

    static long longValue(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw missing(field);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(field, "an integer", v);
        }
        return v.longValue();
    }

    static Long optionalLong(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : longValue(node, field);
    }

    static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw missing(field);
        }
        if (!v.isNumber()) {
            throw wrongType(field, "a number", v);
        }
        return v.doubleValue();
    }

    static Double optionalNumber(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : number(node, field);
    }

    static boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw missing(field);
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false", v);
        }
        return v.booleanValue();
    }

    static Instant instant(JsonNode node, String field) {
        Instant i = optionalInstant(node, field);
        if (i == null) {
            throw missing(field);
        }
        return i;
    }

    static Instant optionalInstant(JsonNode node, String field) {
        String s = optionalText(node, field);
        if (s == null) {
            return null;
        }
        Instant fast = parseUtcInstant(s);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new RecordFormatException("field '" + field + "' is not an ISO-8601 instant: '" + s + "'");
        }
    }

    /**
     * Parses the form {@link Instant#toString()} writes for years 0000 to 9999,
     * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, several times faster than {@link Instant#parse}.
     *
     * @return the instant, or null if the text has another form (the caller falls back to the full parser)
     */
    static Instant parseUtcInstant(String s) {
        int len = s.length();
        if (len < 20 || len > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(len - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (len > 20) {
            int fractionDigits = len - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            nanos = digits(s, 20, fractionDigits);
            if (nanos < 0) {
                return null;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    /** @return the value of {@code count} ASCII digits, or -1 if one is not a digit */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    static Path optionalPath(JsonNode node, String field) {
        String s = optionalText(node, field);
        return s == null ? null : Path.of(s);
    }

    static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type) {
        String s = text(node, field);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("field '" + field + "' has the unknown value '" + s + "'");
        }
    }

    static <E extends Enum<E>> E optionalEnum(JsonNode node, String field, Class<E> type) {
        return optionalText(node, field) == null ? null : enumValue(node, field, type);
    }

    /** @return an object of strings as an unmodifiable map (absent or null: empty) */
    static Map<String, String> stringMap(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object", v);
        }
        Map<String, String> map = new HashMap<>(Math.max(4, v.size() * 2));
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw wrongType(field + "." + e.getKey(), "a string", e.getValue());
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(map);
    }

    /** @return an array of strings (absent or null: empty) */
    static List<String> stringList(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array", v);
        }
        List<String> list = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw wrongType(field + "[" + list.size() + "]", "a string", e);
            }
            list.add(e.textValue());
        }
        return list;
    }

    /** @return the array under a field (absent or null: an empty iteration) */
    static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array", v);
        }
        return v;
    }

    static void writeString(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }

    static void writeInstant(JsonGenerator g, String field, Instant value) throws IOException {
        writeString(g, field, value == null ? null : value.toString());
    }

    static void writePath(JsonGenerator g, String field, Path value) throws IOException {
        writeString(g, field, value == null ? null : value.toString());
    }

    static void writeEnum(JsonGenerator g, String field, Enum<?> value) throws IOException {
        writeString(g, field, value == null ? null : value.name());
    }

    static void writeInteger(JsonGenerator g, String field, Integer value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value.intValue());
        }
    }

    static void writeNumber(JsonGenerator g, String field, Double value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value.doubleValue());
        }
    }

    static void writeStringMap(JsonGenerator g, String field, Map<String, String> map) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    static void writeStringList(JsonGenerator g, String field, List<String> list) throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : list) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /**
     * @param body the record's fields after {@code version}
     * @return a record that is a whole file, indented for people, ending with a newline
     */
    static byte[] document(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeNumberField("version", VERSION);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static RecordFormatException missing(String field) {
        return new RecordFormatException("the required field '" + field + "' is missing");
    }

    private static RecordFormatException wrongType(String field, String expected, JsonNode found) {
        return new RecordFormatException("field '" + field + "' should be " + expected + " but is "
                + found.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
}
