package io.prodigy.core.internal.input;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.WorkflowDefinitionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the work items of a MapReduce map phase ({@code map.input}) from a JSON file, from the output of a
 * command, or from values the host supplies.
 *
 * <p><b>Command output</b> follows upstream Prodigy: output that is, as a whole, one JSON array yields its
 * elements; output that is one other JSON value yields that value as the only item; any other output is
 * read line by line, skipping blank lines, and a line that is one complete JSON value (an object, array,
 * number, string, boolean or null) becomes that value.
 *
 * <p><b>Departure from upstream:</b> a line that is not JSON becomes a JSON <em>string</em> holding the
 * line, so that {@code ${item}} renders the line itself. Upstream wraps it as {@code {"item": "<line>"}}
 * (reachable as {@code ${item.item}}). The line is also kept as printed, without its line terminator
 * ({@code \n} or {@code \r\n}), where upstream strips surrounding whitespace; a path may end in a space.
 *
 * <p>All methods are thread-safe.
 */
public final class WorkItemReader {

    private static final Logger LOG = LoggerFactory.getLogger(WorkItemReader.class);

    private WorkItemReader() {}

    /**
     * Reads work items from a JSON file, whatever its extension, and selects them with a json_path.
     *
     * <p>The file is parsed as a stream into a Jackson tree, never loaded as text, so files of hundreds of
     * megabytes only cost the memory of their tree.
     *
     * @param file the file, already resolved against the working directory
     * @param jsonPath the {@code map.json_path}; {@code null} or blank for the default extraction (see
     *     {@link JsonPathQuery})
     * @return the items in document order, unmodifiable
     * @throws WorkflowDefinitionException when the path is invalid, the file does not exist, is a directory,
     *     is empty, or is not exactly one JSON value (the message gives the line and column)
     * @throws ProdigyException when the file exists but cannot be read
     */
    public static List<JsonNode> fromJsonFile(Path file, String jsonPath) {
        Objects.requireNonNull(file, "file");
        JsonPathQuery query = JsonPathQuery.compile(jsonPath);
        JsonNode document = readDocument(file);
        List<JsonNode> items = query.select(document);
        LOG.debug("read {} work items from {} with json_path \"{}\"", items.size(), file, query.expression());
        return items;
    }

    /**
     * Turns the standard output of a {@code map.input} command into work items (see the class description).
     *
     * @param stdout the complete output, not {@code null}
     * @return the items in output order, unmodifiable; empty for blank output
     */
    public static List<JsonNode> fromCommandOutput(String stdout) {
        Objects.requireNonNull(stdout, "stdout");
        String trimmed = stdout.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        JsonNode whole = InputJson.tryParse(trimmed);
        if (whole != null) {
            LOG.debug("command output is one JSON {}", whole.getNodeType());
            return whole.isArray() ? InputJson.elementsOf(whole) : List.of(whole);
        }
        List<JsonNode> items = new ArrayList<>();
        int length = stdout.length();
        int start = 0;
        while (start < length) {
            int newline = stdout.indexOf('\n', start);
            int next = newline < 0 ? length : newline + 1;
            int end = newline < 0 ? length : newline;
            if (end > start && stdout.charAt(end - 1) == '\r') {
                end--;
            }
            if (!isBlank(stdout, start, end)) {
                String line = stdout.substring(start, end);
                JsonNode json = InputJson.tryParse(line);
                items.add(json != null ? json : TextNode.valueOf(line));
            }
            start = next;
        }
        LOG.debug("command output gave {} work items, one per non-blank line", items.size());
        return Collections.unmodifiableList(items);
    }

    /**
     * Converts work items the host supplies as plain Java values: {@code Map}, {@code List}, {@code String}
     * (always kept as a string, never parsed), {@code Number}, {@code Boolean}, {@code null}, a Jackson
     * {@link JsonNode} (copied), or any bean Jackson can serialize.
     *
     * @param values the items, not {@code null}; elements may be {@code null}
     * @return the items as JSON, in the same order, unmodifiable
     * @throws WorkflowDefinitionException when a value cannot be converted to JSON, naming its index and type
     */
    public static List<JsonNode> fromValues(List<?> values) {
        Objects.requireNonNull(values, "values");
        List<JsonNode> items = new ArrayList<>(values.size());
        int index = 0;
        for (Object value : values) {
            items.add(toJson(value, index++));
        }
        return Collections.unmodifiableList(items);
    }

    /**
     * Tells whether {@code map.input} names a file (as upstream does): it does when a regular file exists at
     * that path, resolved against the working directory; otherwise it is a shell command.
     *
     * @param workingDir the directory relative paths are resolved against
     * @param input the {@code map.input} value; surrounding whitespace is ignored
     * @return {@code true} when the input is an existing regular file
     */
    public static boolean looksLikeFile(Path workingDir, String input) {
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(input, "input");
        String candidate = input.strip();
        if (candidate.isEmpty() || candidate.indexOf('\n') >= 0) {
            return false;
        }
        try {
            return Files.isRegularFile(workingDir.resolve(candidate));
        } catch (InvalidPathException e) {
            // characters no file name can hold: a command
            return false;
        }
    }

    private static JsonNode readDocument(Path file) {
        if (Files.isDirectory(file)) {
            throw new WorkflowDefinitionException(
                    "work-item file " + file + " is a directory; expected a JSON file (map.input)");
        }
        try (InputStream in = Files.newInputStream(file);
                JsonParser parser = InputJson.MAPPER.createParser(in)) {
            JsonNode document = InputJson.readSingleValue(parser);
            if (document == null) {
                throw new WorkflowDefinitionException("work-item file " + file
                        + " is empty; expected a JSON document such as an array of items" + " (map.input)");
            }
            return document;
        } catch (NoSuchFileException e) {
            throw new WorkflowDefinitionException("work-item file not found: " + file + " (map.input)", e);
        } catch (AccessDeniedException e) {
            throw new WorkflowDefinitionException(
                    "work-item file " + file + " cannot be read: permission denied (map.input)", e);
        } catch (InputJson.TrailingContentException e) {
            throw new WorkflowDefinitionException(
                    "work-item file " + file + " holds more than one JSON value:"
                            + " unexpected content" + at(e.location()) + ". The file must hold a single JSON document,"
                            + " such as an array of items; JSON Lines is not supported for files (map.input)",
                    e);
        } catch (JsonProcessingException e) {
            throw new WorkflowDefinitionException(
                    "work-item file " + file + " is not valid JSON" + at(e.getLocation()) + ": " + InputJson.describe(e)
                            + " (map.input)",
                    e);
        } catch (IOException e) {
            throw new ProdigyException("could not read work-item file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static JsonNode toJson(Object value, int index) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node.deepCopy();
        }
        try {
            return InputJson.MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new WorkflowDefinitionException(
                    "work item " + index + " (a " + value.getClass().getName()
                            + ") cannot be converted to JSON: " + e.getMessage() + ". Supply maps, lists, strings,"
                            + " numbers, booleans, null or JsonNode values",
                    e);
        }
    }

    private static boolean isBlank(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
