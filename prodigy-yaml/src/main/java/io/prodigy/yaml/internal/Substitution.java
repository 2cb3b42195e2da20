package io.prodigy.yaml.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts parameter values into a file's tree at composition time: {@code ${name}} and {@code ${name.field}} where
 * {@code name} is a parameter. A value that is the whole scalar keeps its type ({@code max_parallel: ${workers}}
 * becomes a number, {@code items: ${list}} a list); inside text it is rendered (strings as they are, numbers and
 * booleans as written, lists and mappings as JSON). Every other {@code ${...}} is left for run time.
 */
final class Substitution {
    private Substitution() {}

    /**
     * @param node a tree
     * @param values parameter values by name
     * @param skip top-level keys left alone ({@code parameters}, {@code defaults})
     * @return the tree with the values in place
     */
    static Node apply(Node node, Map<String, Node> values, Set<String> skip, Diagnostics d) {
        if (values.isEmpty()) {
            return node;
        }
        return walk(node, values, skip, "", d);
    }

    private static Node walk(Node node, Map<String, Node> values, Set<String> skip, String path, Diagnostics d) {
        if (node instanceof MapNode) {
            MapNode m = (MapNode) node;
            Map<String, MapNode.Entry> out = new LinkedHashMap<>();
            for (MapNode.Entry e : m.entries()) {
                Node v = path.isEmpty() && skip.contains(e.key())
                        ? e.value()
                        : walk(e.value(), values, Set.of(), path.isEmpty() ? e.key() : path + "." + e.key(), d);
                out.put(e.key(), new MapNode.Entry(e.key(), e.keyLocation(), v));
            }
            return new MapNode(m.location(), out);
        }
        if (node instanceof ListNode) {
            List<Node> out = new ArrayList<>();
            List<Node> items = ((ListNode) node).items();
            for (int i = 0; i < items.size(); i++) {
                out.add(walk(items.get(i), values, Set.of(), path + "[" + i + "]", d));
            }
            return new ListNode(node.location(), out);
        }
        ScalarNode s = (ScalarNode) node;
        if (s.type() != ScalarNode.Type.STRING || s.text().indexOf("${") < 0) {
            return s;
        }
        return text(s, values, path, d);
    }

    private static Node text(ScalarNode s, Map<String, Node> values, String path, Diagnostics d) {
        String t = s.text();
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean changed = false;
        while (i < t.length()) {
            int start = t.indexOf("${", i);
            if (start < 0) {
                out.append(t, i, t.length());
                break;
            }
            out.append(t, i, start);
            int end = t.indexOf('}', start);
            Reference ref = end < 0 ? null : Reference.parse(t.substring(start + 2, end));
            if (ref == null || !values.containsKey(ref.name)) {
                out.append("${");
                i = start + 2;
                continue;
            }
            Node value = walkPath(values.get(ref.name), ref, s, path, d);
            if (value == null) {
                out.append(t, start, end + 1);
                i = end + 1;
                continue;
            }
            changed = true;
            if (start == 0 && end == t.length() - 1) {
                return Trees.relocate(value, s.location());
            }
            out.append(render(value));
            i = end + 1;
        }
        return changed
                ? new ScalarNode(s.location(), ScalarNode.Type.STRING, out.toString(), ScalarNode.Style.SYNTHETIC)
                : s;
    }

    private static Node walkPath(Node value, Reference ref, ScalarNode at, String path, Diagnostics d) {
        Node current = value;
        for (String segment : ref.segments) {
            Node next = null;
            if (current instanceof MapNode) {
                next = ((MapNode) current).get(segment);
            } else if (current instanceof ListNode) {
                Long index = Scalars.parseLong(segment);
                List<Node> items = ((ListNode) current).items();
                if (index != null && index >= 0 && index < items.size()) {
                    next = items.get(index.intValue());
                }
            }
            if (next == null) {
                d.error(
                        at.location(),
                        path,
                        "parameter '" + ref.name + "' has no '" + segment + "' (in ${" + ref.text + "})");
                return null;
            }
            current = next;
        }
        return current;
    }

    private static String render(Node value) {
        if (value instanceof ScalarNode) {
            return ((ScalarNode) value).isNull() ? "" : ((ScalarNode) value).text();
        }
        return Trees.toJson(value).toString();
    }

    /** A {@code ${name.a[0]:-default}} reference: its name and path (the default is ignored: the name is set). */
    private record Reference(String text, String name, List<String> segments) {
        static Reference parse(String body) {
            String b = body;
            int dflt = b.indexOf(":-");
            if (dflt >= 0) {
                b = b.substring(0, dflt);
            }
            int n = 0;
            while (n < b.length()
                    && (Character.isLetterOrDigit(b.charAt(n)) || b.charAt(n) == '_' || b.charAt(n) == '-')) {
                n++;
            }
            if (n == 0 || !(Character.isLetter(b.charAt(0)) || b.charAt(0) == '_')) {
                return null;
            }
            String name = b.substring(0, n);
            List<String> segments = new ArrayList<>();
            int i = n;
            while (i < b.length()) {
                char c = b.charAt(i);
                if (c == '.') {
                    int j = i + 1;
                    while (j < b.length() && b.charAt(j) != '.' && b.charAt(j) != '[') {
                        j++;
                    }
                    if (j == i + 1) {
                        return null;
                    }
                    segments.add(b.substring(i + 1, j));
                    i = j;
                } else if (c == '[') {
                    int j = b.indexOf(']', i);
                    if (j < 0) {
                        return null;
                    }
                    segments.add(b.substring(i + 1, j));
                    i = j + 1;
                } else {
                    return null;
                }
            }
            return new Reference(body, name, segments);
        }
    }
}
