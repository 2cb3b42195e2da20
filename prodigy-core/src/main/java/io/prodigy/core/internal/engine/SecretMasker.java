package io.prodigy.core.internal.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Replaces secret values with {@code ***} in any text that leaves the engine (events, results, records). */
public final class SecretMasker {
    /** The replacement text. */
    public static final String MASK = "***";

    private final List<String> secrets;

    /** @param values the secret values; empty ones are ignored */
    public SecretMasker(Collection<String> values) {
        List<String> list = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                list.add(v);
            }
        }
        list.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(list);
    }

    /** @param text any text, may be null @return the text with every secret replaced */
    public String mask(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }

    /**
     * @param e an error, may be null
     * @return the error with every secret in its message replaced (the same instance when there is none)
     */
    public io.prodigy.api.ItemError mask(io.prodigy.api.ItemError e) {
        if (e == null || secrets.isEmpty()) {
            return e;
        }
        return new io.prodigy.api.ItemError(e.kind(), mask(e.message()), e.exitCode(), e.step());
    }

    /** @return whether there is anything to mask */
    public boolean isEmpty() {
        return secrets.isEmpty();
    }
}
