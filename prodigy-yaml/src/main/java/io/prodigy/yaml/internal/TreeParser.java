package io.prodigy.yaml.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON text into a {@link Node} tree that remembers the line and column of every key and value,
 * from Jackson's token stream. Resolves anchors, aliases and {@code <<} merge keys; reports duplicate keys, more
 * than one document, and syntax errors with their position and a plain-words reason.
 */
final class TreeParser {
    private static final YAMLFactory YAML;
    private static final JsonFactory JSON;

    static {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // duplicates are reported by this class, with both positions
        options.setMaxAliasesForCollections(1000);
        YAML = YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(200).build())
                .build();
        JSON = JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS)
                .build();
    }

    private final SourceText source;
    private final Diagnostics diagnostics;
    private final Map<String, Node> anchors = new HashMap<>();
    private JsonParser parser;

    private TreeParser(SourceText source, Diagnostics diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /**
     * Parses a whole source.
     *
     * @param source the text
     * @param diagnostics where syntax problems go
     * @return the root value, or null when the text is not valid YAML/JSON or is empty (a problem was recorded)
     */
    static Node parse(SourceText source, Diagnostics diagnostics) {
        return new TreeParser(source, diagnostics).parseAll();
    }

    private Node parseAll() {
        boolean json = source.isJson();
        try (JsonParser p = json ? JSON.createParser(source.text()) : YAML.createParser(source.text())) {
            parser = p;
            JsonToken first = p.nextToken();
            if (first == null) {
                diagnostics.error(
                        Location.of(source.name()),
                        "",
                        "the file is empty; expected a workflow: a list of "
                                + "steps, or a mapping with 'commands', 'mode: mapreduce' or 'tasks'");
                return null;
            }
            Node root = value(first, "");
            JsonToken next = p.nextToken();
            if (next != null) {
                diagnostics.error(
                        location(p.currentTokenLocation()),
                        "",
                        "the file holds more than one YAML document "
                                + "(another one starts here); keep one workflow per file");
            }
            return root;
        } catch (JsonProcessingException e) {
            syntaxError(e, json);
            return null;
        } catch (IOException e) {
            diagnostics.error(Location.of(source.name()), "", "could not read the text: " + e.getMessage());
            return null;
        }
    }

    private Node value(JsonToken token, String path) throws IOException {
        Location at = location(parser.currentTokenLocation());
        String anchor = anchor();
        Node node;
        switch (token) {
            case START_OBJECT:
                node = mapping(at, path);
                break;
            case START_ARRAY:
                node = sequence(at, path);
                break;
            case VALUE_STRING:
                if (parser instanceof YAMLParser && ((YAMLParser) parser).isCurrentAlias()) {
                    Node target = anchors.get(parser.getText());
                    if (target == null) {
                        diagnostics.error(
                                at,
                                path,
                                "unknown alias *" + parser.getText() + "; an alias must refer to an anchor (&"
                                        + parser.getText() + ") defined before it");
                        return ScalarNode.string(at, "*" + parser.getText());
                    }
                    return target;
                }
                node = new ScalarNode(at, ScalarNode.Type.STRING, parser.getText(), style(at));
                break;
            case VALUE_NUMBER_INT:
                node = new ScalarNode(at, ScalarNode.Type.INTEGER, parser.getText(), style(at));
                break;
            case VALUE_NUMBER_FLOAT:
                node = new ScalarNode(at, ScalarNode.Type.FLOAT, parser.getText(), style(at));
                break;
            case VALUE_TRUE:
            case VALUE_FALSE:
                node = new ScalarNode(at, ScalarNode.Type.BOOLEAN, parser.getText(), style(at));
                break;
            case VALUE_NULL:
                node = new ScalarNode(
                        at,
                        ScalarNode.Type.NULL,
                        parser.getText() == null ? "" : parser.getText(),
                        ScalarNode.Style.PLAIN);
                break;
            default:
                node = ScalarNode.string(at, parser.getText() == null ? "" : parser.getText());
                break;
        }
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private MapNode mapping(Location at, String path) throws IOException {
        Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
        List<Node> merges = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Location keyAt = location(parser.currentTokenLocation());
            String childPath = path.isEmpty() ? key : path + "." + key;
            Node v = value(parser.nextToken(), childPath);
            if (key.equals("<<") && !(source.isJson())) {
                merges.add(v);
                continue;
            }
            MapNode.Entry previous = entries.get(key);
            if (previous != null) {
                diagnostics.error(
                        keyAt,
                        path,
                        "duplicate key '" + key + "' (first written at line "
                                + previous.keyLocation().line() + "); a key may appear only once in a mapping");
                continue;
            }
            entries.put(key, new MapNode.Entry(key, keyAt, v));
        }
        for (Node m : merges) {
            List<Node> sources = m instanceof ListNode ? ((ListNode) m).items() : List.of(m);
            for (Node s : sources) {
                if (!(s instanceof MapNode)) {
                    diagnostics.error(
                            s.location(),
                            path,
                            "a '<<' merge key needs a mapping or a list of mappings, " + "found " + s.describe());
                    continue;
                }
                for (MapNode.Entry e : ((MapNode) s).entries()) {
                    entries.putIfAbsent(e.key(), e);
                }
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected token " + t + " in a mapping");
        }
        return new MapNode(at, entries);
    }

    private ListNode sequence(Location at, String path) throws IOException {
        List<Node> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IllegalStateException("unexpected end of input in a list");
            }
            items.add(value(t, path + "[" + items.size() + "]"));
        }
        return new ListNode(at, items);
    }

    private String anchor() throws IOException {
        if (parser instanceof YAMLParser) {
            Object id = parser.getObjectId();
            return id == null ? null : id.toString();
        }
        return null;
    }

    private ScalarNode.Style style(Location at) {
        if (source.isJson()) {
            return ScalarNode.Style.DOUBLE_QUOTED;
        }
        String line = source.line(at.line());
        int i = at.column() - 1;
        if (i < 0 || i >= line.length()) {
            return ScalarNode.Style.PLAIN;
        }
        switch (line.charAt(i)) {
            case '\'':
                return ScalarNode.Style.SINGLE_QUOTED;
            case '"':
                return ScalarNode.Style.DOUBLE_QUOTED;
            case '|':
                return ScalarNode.Style.LITERAL;
            case '>':
                return ScalarNode.Style.FOLDED;
            default:
                return ScalarNode.Style.PLAIN;
        }
    }

    private Location location(JsonLocation l) {
        return new Location(source.name(), Math.max(0, l.getLineNr()), Math.max(0, l.getColumnNr()));
    }

    private void syntaxError(JsonProcessingException e, boolean json) {
        MarkedYAMLException marked = findMarked(e);
        if (marked != null) {
            Mark problem = marked.getProblemMark();
            Mark context = marked.getContextMark();
            Location at = problem != null
                    ? new Location(source.name(), problem.getLine() + 1, problem.getColumn() + 1)
                    : location(e.getLocation());
            diagnostics.error(
                    at,
                    "",
                    "invalid YAML: "
                            + SyntaxMessages.explain(
                                    marked.getProblem(),
                                    marked.getContext(),
                                    context == null ? 0 : context.getLine() + 1,
                                    context == null ? 0 : context.getColumn() + 1));
            return;
        }
        Location at = e.getLocation() == null ? Location.of(source.name()) : location(e.getLocation());
        diagnostics.error(at, "", (json ? "invalid JSON: " : "invalid YAML: ") + e.getOriginalMessage());
    }

    private static MarkedYAMLException findMarked(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException) {
                return (MarkedYAMLException) c;
            }
        }
        return null;
    }
}
