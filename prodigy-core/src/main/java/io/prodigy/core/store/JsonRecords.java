package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
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

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonRecords() {}

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
     * @throws RecordFormatException if the value is not an object
     */
    static Record parse(byte[] bytes, int offset, int length) throws JsonProcessingException {
        Record r = Record.parse(bytes, offset, length);
        if (r == null) {
            throw new RecordFormatException("expected a JSON object");
        }
        return r;
    }

    /** Like {@link #parse}, keeping nested arrays and objects as {@link Record#SKIPPED}. */
    static Record parseShallow(byte[] bytes, int offset, int length) throws JsonProcessingException {
        Record r = Record.parseShallow(bytes, offset, length);
        if (r == null) {
            throw new RecordFormatException("expected a JSON object");
        }
        return r;
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
    static void checkVersion(Record node) {
        Object v = node.get("version");
        if (!(v instanceof Long)) {
            throw new RecordFormatException("the record has no integer 'version' field");
        }
        long version = (Long) v;
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
    static String type(Record node) {
        return text(node, "type");
    }

    /** @return a required string field (JSON null is refused) */
    static String text(Record node, String field) {
        String s = optionalText(node, field);
        if (s == null) {
            throw missing(field);
        }
        return s;
    }

    /** @return a string field, or null when it is absent or JSON null */
    static String optionalText(Record node, String field) {
        Object v = node.get(field);
        if (v == null || v == Record.NULL) {
            return null;
        }
        if (!(v instanceof String)) {
            throw wrongType(field, "a string", v);
        }
        return (String) v;
    }

    static int integer(Record node, String field) {
        long v = longValue(node, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new RecordFormatException("field '" + field + "' is out of range: " + v);
        }
        return (int) v;
    }

    static Integer optionalInteger(Record node, String field) {
        return isAbsent(node, field) ? null : integer(node, field);
    }

    static long longValue(Record node, String field) {
        Object v = node.get(field);
        if (v == null || v == Record.NULL) {
            throw missing(field);
        }
        if (!(v instanceof Long)) {
            throw wrongType(field, "an integer", v);
        }
        return (Long) v;
    }

    static Long optionalLong(Record node, String field) {
        return isAbsent(node, field) ? null : longValue(node, field);
    }

    static double number(Record node, String field) {
        Object v = node.get(field);
        if (v == null || v == Record.NULL) {
            throw missing(field);
        }
        if (!(v instanceof Number)) {
            throw wrongType(field, "a number", v);
        }
        return ((Number) v).doubleValue();
    }

    static Double optionalNumber(Record node, String field) {
        return isAbsent(node, field) ? null : number(node, field);
    }

    static boolean bool(Record node, String field) {
        Object v = node.get(field);
        if (v == null || v == Record.NULL) {
            throw missing(field);
        }
        if (!(v instanceof Boolean)) {
            throw wrongType(field, "true or false", v);
        }
        return (Boolean) v;
    }

    static Instant instant(Record node, String field) {
        Instant i = optionalInstant(node, field);
        if (i == null) {
            throw missing(field);
        }
        return i;
    }

    static Instant optionalInstant(Record node, String field) {
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
        if (len < 20
                || len > 30
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':'
                || s.charAt(len - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
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

    static Path optionalPath(Record node, String field) {
        String s = optionalText(node, field);
        return s == null ? null : Path.of(s);
    }

    static <E extends Enum<E>> E enumValue(Record node, String field, Class<E> type) {
        String s = text(node, field);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("field '" + field + "' has the unknown value '" + s + "'");
        }
    }

    static <E extends Enum<E>> E optionalEnum(Record node, String field, Class<E> type) {
        return optionalText(node, field) == null ? null : enumValue(node, field, type);
    }

    /** @return an object of strings as an unmodifiable map (absent or null: empty) */
    static Map<String, String> stringMap(Record node, String field) {
        Object v = node.get(field);
        if (v == null || v == Record.NULL) {
            return Map.of();
        }
        if (!(v instanceof Record)) {
            throw wrongType(field, "an object", v);
        }
        Record r = (Record) v;
        Map<String, String> map = new HashMap<>(Math.max(4, r.size() * 2));
        for (int i = 0; i < r.size(); i++) {
            Object value = r.value(i);
            if (!(value instanceof String)) {
                throw wrongType(field + "." + r.name(i), "a string", value);
            }
            map.put(r.name(i), (String) value);
        }
        return Collections.unmodifiableMap(map);
    }

    /** @return an array of strings (absent or null: empty) */
    static List<String> stringList(Record node, String field) {
        List<?> list = list(node, field);
        List<String> strings = new ArrayList<>(list.size());
        for (Object e : list) {
            if (!(e instanceof String)) {
                throw wrongType(field + "[" + strings.size() + "]", "a string", e);
            }
            strings.add((String) e);
        }
        return strings;
    }

    /** @return an array of objects (absent or null: empty) */
    static List<Record> records(Record node, String field) {
        List<?> list = list(node, field);
        List<Record> records = new ArrayList<>(list.size());
        for (Object e : list) {
            if (!(e instanceof Record)) {
                throw wrongType(field + "[" + records.size() + "]", "an object", e);
            }
            records.add((Record) e);
        }
        return records;
    }

    private static List<?> list(Record node, String field) {
        Object v = node.get(field);
        if (v == null || v == Record.NULL) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw wrongType(field, "an array", v);
        }
        return (List<?>) v;
    }

    private static boolean isAbsent(Record node, String field) {
        Object v = node.get(field);
        return v == null || v == Record.NULL;
    }

    /**
     * Writes a field that readers require.
     *
     * @throws IllegalArgumentException if the value is null: a record readers would refuse is never written
     */
    static void writeRequired(JsonGenerator g, String field, Object value) throws IOException {
        if (value == null) {
            throw new IllegalArgumentException("cannot store a record without '" + field + "'");
        }
        if (value instanceof Enum) {
            g.writeStringField(field, ((Enum<?>) value).name());
        } else {
            g.writeStringField(field, value.toString());
        }
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

    /**
     * Writes a map of strings as a JSON object.
     *
     * @throws IllegalArgumentException if a key holds half of a surrogate pair, which JSON parsers refuse in
     *                                  field names (values may hold anything)
     */
    static void writeStringMap(JsonGenerator g, String field, Map<String, String> map) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : map.entrySet()) {
            checkKey(field, e.getKey());
            writeString(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void checkKey(String field, String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("cannot store the key " + escaped(key) + " in '" + field
                        + "': it holds half of a surrogate pair at index " + i + ", which is not text");
            }
        }
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('\'').toString();
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

    private static RecordFormatException wrongType(String field, String expected, Object found) {
        return new RecordFormatException(
                "field '" + field + "' should be " + expected + " but is " + Record.describe(found));
    }
}
