package io.prodigy.yaml.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a template's {@code override:} to the template's tree: a top-level key ({@code commands}, {@code env},
 * {@code merge}, {@code map}...) replaces the template's value; a dotted path ({@code map.max_parallel},
 * {@code commands.0.timeout}) replaces one nested value, indexes counting from 0.
 */
final class Overrides {
    private Overrides() {}

    static MapNode apply(MapNode template, MapNode overrides, Diagnostics d) {
        MapNode out = template;
        for (MapNode.Entry e : overrides.entries()) {
            String[] segments = e.key().split("\\.");
            Node replaced = set(out, segments, 0, e.value(), e, d);
            if (replaced instanceof MapNode) {
                out = (MapNode) replaced;
            }
        }
        return out;
    }

    private static Node set(Node node, String[] segments, int i, Node value, MapNode.Entry entry, Diagnostics d) {
        String segment = segments[i];
        boolean last = i == segments.length - 1;
        if (node instanceof MapNode) {
            MapNode m = (MapNode) node;
            if (last) {
                return m.with(segment, value);
            }
            Node child = m.get(segment);
            if (child == null) {
                d.error(
                        entry.keyLocation(),
                        "template.override",
                        "cannot override '" + entry.key() + "': the " + "template has no '"
                                + String.join(".", List.of(segments).subList(0, i + 1)) + "'");
                return node;
            }
            return m.with(segment, set(child, segments, i + 1, value, entry, d));
        }
        if (node instanceof ListNode) {
            ListNode l = (ListNode) node;
            Long index = Scalars.parseLong(segment);
            if (index == null || index < 0 || index >= l.items().size()) {
                d.error(
                        entry.keyLocation(),
                        "template.override",
                        "cannot override '" + entry.key() + "': '" + segment
                                + "' is not an index of the template's list of "
                                + l.items().size() + " item(s)");
                return node;
            }
            List<Node> items = new ArrayList<>(l.items());
            items.set(
                    index.intValue(),
                    last ? value : set(items.get(index.intValue()), segments, i + 1, value, entry, d));
            return new ListNode(l.location(), items);
        }
        d.error(
                entry.keyLocation(),
                "template.override",
                "cannot override '" + entry.key() + "': '"
                        + String.join(".", List.of(segments).subList(0, i)) + "' is a value, not a mapping or list");
        return node;
    }
}
