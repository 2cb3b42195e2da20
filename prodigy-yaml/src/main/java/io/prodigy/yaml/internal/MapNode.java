package io.prodigy.yaml.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A YAML mapping with string keys, in file order; each entry remembers where its key was written. */
final class MapNode implements Node {

    /**
     * One key and its value.
     *
     * @param key the key
     * @param keyLocation where the key was written
     * @param value the value
     */
    record Entry(String key, Location keyLocation, Node value) {}

    private final Location location;
    private final Map<String, Entry> entries;

    MapNode(Location location, Map<String, Entry> entries) {
        this.location = location;
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public Location location() {
        return location;
    }

    /** @return the entries in file order */
    Collection<Entry> entries() {
        return entries.values();
    }

    /** @return the keys in file order */
    Set<String> keys() {
        return entries.keySet();
    }

    /** @param key a key @return whether it is present */
    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** @param key a key @return its value, or null */
    Node get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    /** @param key a key @return its entry, or null */
    Entry entry(String key) {
        return entries.get(key);
    }

    /** @return the number of entries */
    int size() {
        return entries.size();
    }

    /** @param key a key @param value its new value @return a copy with that entry set (added last if new) */
    MapNode with(String key, Node value) {
        Map<String, Entry> copy = new LinkedHashMap<>(entries);
        Entry old = copy.get(key);
        copy.put(key, new Entry(key, old != null ? old.keyLocation() : value.location(), value));
        return new MapNode(location, copy);
    }

    @Override
    public String describe() {
        return entries.isEmpty() ? "an empty mapping" : "a mapping";
    }

    @Override
    public String toString() {
        return "MapNode" + entries.keySet();
    }
}
