package io.prodigy.core.internal.input;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.core.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one Jackson mapper of the input package, and the small parsing routines built on it. The mapper is
 * configured once and never changed afterwards, so it is safe to share between threads.
 */
final class InputJson {

    /** Shared by the reader and the json-path providers; configured here and nowhere else. */
    static final ObjectMapper MAPPER = Json.MAPPER;

    /** Jackson puts "[Source: ...; line: L, column: C]" into some messages (an EOF's start marker). */
    private static final Pattern SOURCE_LOCATION =
            Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

    private InputJson() {}

    /**
     * Reads exactly one JSON value from the parser, refusing anything after it.
     *
     * @return the value, or {@code null} when the input holds nothing but whitespace
     * @throws TrailingContentException when another token follows the first value
     * @throws JsonProcessingException when the input is not valid JSON
     * @throws IOException when the underlying source cannot be read
     */
    static JsonNode readSingleValue(JsonParser parser) throws IOException {
        if (parser.nextToken() == null) {
            return null;
        }
        JsonNode value = MAPPER.readTree(parser);
        if (parser.nextToken() != null) {
            throw new TrailingContentException(parser.currentTokenLocation());
        }
        return value;
    }

    /** The elements of a JSON array, as an unmodifiable list sharing the element nodes. */
    static List<JsonNode> elementsOf(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>(array.size());
        array.forEach(elements::add);
        return Collections.unmodifiableList(elements);
    }

    /**
     * Parses {@code text} as one complete JSON value.
     *
     * @return the value, or {@code null} when the text is not exactly one JSON value
     */
    static JsonNode tryParse(String text) {
        if (!mayStartJsonValue(text)) {
            return null;
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            return readSingleValue(parser);
        } catch (IOException e) {
            // not JSON: the caller falls back to treating the text as a plain string
            return null;
        }
    }

    /**
     * A cheap test that spares the parser (and its exception) for text that cannot be JSON, such as
     * the file names most commands print.
     */
    private static boolean mayStartJsonValue(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            return c == '{'
                    || c == '['
                    || c == '"'
                    || c == '-'
                    || (c >= '0' && c <= '9')
                    || c == 't'
                    || c == 'f'
                    || c == 'n';
        }
        return false;
    }

    /** Jackson's own description of a parse failure, without its verbose source descriptions. */
    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        Matcher matcher = SOURCE_LOCATION.matcher(message);
        return matcher.find() ? matcher.replaceAll("line $1, column $2") : message;
    }

    /** Another JSON value, or other content, follows the single value a source must hold. */
    static final class TrailingContentException extends IOException {
        private static final long serialVersionUID = 1L;

        private final transient JsonLocation location;

        TrailingContentException(JsonLocation location) {
            super("unexpected content after the end of the JSON value");
            this.location = location;
        }

        /** Where the unexpected content starts. */
        JsonLocation location() {
            return location;
        }
    }
}
