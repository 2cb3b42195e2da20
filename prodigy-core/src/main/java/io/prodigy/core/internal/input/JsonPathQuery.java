package io.prodigy.core.internal.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.prodigy.api.WorkflowDefinitionException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compiled {@code map.json_path}: selects the work items from a parsed JSON document.
 *
 * <p>Paths are Jayway JSONPath, a superset of the subset upstream Prodigy implements, with the same
 * results for everything that subset can express:
 * <ul>
 *   <li>a blank (or {@code null}) path is the default extraction: a top-level array yields its elements,
 *       any other document is one item;</li>
 *   <li>{@code $.items[*]} and {@code $[*]} yield the elements of the array (applied to an object, they
 *       yield its values, where upstream yields nothing);</li>
 *   <li>a path that ends at an array without {@code [*]} ({@code $.items}) yields that array as one item;</li>
 *   <li>{@code $..field} (recursive descent) yields every value of {@code field} at any depth;</li>
 *   <li>{@code [n]} yields one element, and nothing when the index is out of range;</li>
 *   <li>filters compare a field with a scalar: {@code $.items[?(@.score > 5)]}, also with {@code &&},
 *       {@code ||} and regular expressions ({@code =~ /re/}).</li>
 * </ul>
 * A path that matches nothing yields an empty list, and says so in the log at INFO.
 *
 * <p>Not supported: path functions ({@code length()}, {@code sum()} ...), which are rejected by
 * {@link #compile}; and the filter forms that Jayway can only evaluate with json-smart, which Prodigy does
 * not ship: existence checks ({@code [?(@.field)]}), {@code in}, {@code nin}, {@code contains},
 * {@code size}, {@code empty}, {@code subsetof}, {@code anyof}, {@code noneof}, JSON literals, and
 * comparisons whose operand is an array or object. Those fail with a {@link WorkflowDefinitionException}
 * that points to {@code map.filter}, which covers them.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class JsonPathQuery {

    private static final Logger LOG = LoggerFactory.getLogger(JsonPathQuery.class);

    /**
     * Jackson providers only: {@code Configuration.defaultConfiguration()} would need json-smart. No
     * SUPPRESS_EXCEPTIONS: {@link #select} catches the missing-leaf exception itself, to log its reason,
     * and lets real evaluation errors surface.
     */
    private static final Configuration CONFIGURATION = Configuration.builder()
            .jsonProvider(new StrictIndexJsonNodeProvider())
            .mappingProvider(new JacksonMappingProvider(InputJson.MAPPER))
            .options(EnumSet.of(Option.ALWAYS_RETURN_LIST))
            .build();

    private static final JsonPathQuery DEFAULT = new JsonPathQuery("", null);

    private final String expression;
    private final JsonPath path;

    private JsonPathQuery(String expression, JsonPath path) {
        this.expression = expression;
        this.path = path;
    }

    /**
     * Compiles a {@code map.json_path}.
     *
     * @param path the JSONPath; {@code null}, empty or blank means the default extraction. Surrounding
     *     whitespace is ignored.
     * @return the compiled query
     * @throws WorkflowDefinitionException when the path is malformed or uses a path function; the message
     *     quotes the path, says what is wrong and, where the position is known, marks its column with a caret
     */
    public static JsonPathQuery compile(String path) {
        if (path == null || path.isBlank()) {
            return DEFAULT;
        }
        String expression = path.strip();
        JsonPath compiled;
        try {
            compiled = JsonPath.compile(expression);
        } catch (InvalidPathException e) {
            throw JsonPathSyntax.fromJayway(expression, e);
        } catch (NoClassDefFoundError e) {
            // Jayway parses JSON literals in filters ([1, 2], {"a": 1}) with json-smart
            throw unsupportedFilter(expression, e);
        }
        if (compiled.getPath().endsWith(")")) {
            throw JsonPathSyntax.invalid(
                    expression,
                    -1,
                    "path functions such as length() or sum() compute a value instead of selecting work items;"
                            + " remove the function call",
                    null);
        }
        // Jayway silently ignores some malformed tails ("$.items[", "$[?(@.a)]x"); refuse them here
        JsonPathSyntax.checkStructure(expression);
        return new JsonPathQuery(expression, compiled);
    }

    /**
     * Selects the work items from a document.
     *
     * @param document the parsed input, not {@code null}
     * @return the selected items in document order, unmodifiable; empty when the path matches nothing
     * @throws WorkflowDefinitionException when the path cannot be evaluated, such as a filter form that needs
     *     json-smart (see the class description)
     */
    public List<JsonNode> select(JsonNode document) {
        Objects.requireNonNull(document, "document");
        if (path == null) {
            return defaultItems(document);
        }
        Object result;
        try {
            result = path.read(document, CONFIGURATION);
        } catch (PathNotFoundException e) {
            LOG.info("json_path \"{}\" matched nothing in the work-item input: {}", expression, e.getMessage());
            return List.of();
        } catch (JsonPathException e) {
            throw new WorkflowDefinitionException(
                    "json_path \"" + expression + "\" could not be evaluated: " + e.getMessage() + " (map.json_path)",
                    e);
        } catch (NoClassDefFoundError e) {
            throw unsupportedFilter(expression, e);
        }
        if (!(result instanceof ArrayNode matches)) {
            throw new IllegalStateException("json-path returned " + (result == null ? "null" : result.getClass())
                    + " for \"" + expression + "\" although ALWAYS_RETURN_LIST is set");
        }
        if (matches.isEmpty()) {
            LOG.info("json_path \"{}\" matched nothing in the work-item input", expression);
            return List.of();
        }
        return InputJson.elementsOf(matches);
    }

    /** The path as compiled, stripped of surrounding whitespace; empty for the default extraction. */
    public String expression() {
        return expression;
    }

    /** Whether this is the default extraction (a blank path). */
    public boolean isDefault() {
        return path == null;
    }

    @Override
    public String toString() {
        return isDefault() ? "JsonPathQuery[default]" : "JsonPathQuery[" + expression + "]";
    }

    private static List<JsonNode> defaultItems(JsonNode document) {
        return document.isArray() ? InputJson.elementsOf(document) : List.of(document);
    }

    private static WorkflowDefinitionException unsupportedFilter(String expression, NoClassDefFoundError cause) {
        return new WorkflowDefinitionException(
                "json_path \"" + expression + "\" uses a filter form that is not"
                        + " supported (existence checks such as [?(@.field)], in/nin/contains/size/empty/subsetof/anyof/noneof,"
                        + " JSON literals, or a comparison with an array or object). json_path filters may only compare"
                        + " fields with numbers, strings, booleans or null; use map.filter for the rest (map.json_path)",
                cause);
    }

    /**
     * Jackson's array nodes answer {@code null} for an index out of range, which Jayway would report as a
     * match holding null. Jayway expects an {@link IndexOutOfBoundsException} instead and then skips the
     * index, as upstream Prodigy does.
     */
    private static final class StrictIndexJsonNodeProvider extends JacksonJsonNodeJsonProvider {
        StrictIndexJsonNodeProvider() {
            super(InputJson.MAPPER);
        }

        @Override
        public Object getArrayIndex(Object array, int index) {
            int length = length(array);
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException("index " + index + " of an array of " + length);
            }
            return super.getArrayIndex(array, index);
        }
    }
}
