package io.prodigy.yaml.internal;

import java.util.List;

/**
 * A YAML sequence.
 *
 * @param location where it starts
 * @param items the elements in order
 */
record ListNode(Location location, List<Node> items) implements Node {

    /** Copies. */
    ListNode {
        items = List.copyOf(items);
    }

    @Override
    public String describe() {
        return items.isEmpty() ? "an empty list" : "a list";
    }
}
