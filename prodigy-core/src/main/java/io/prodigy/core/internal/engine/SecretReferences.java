package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.databind.node.TextNode;
import io.prodigy.core.internal.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Keeps secret values out of the journal without losing them: variables are journaled with each secret value
 * replaced by a reference to the secret's name, and a resume puts the value back (the workflow's secrets are
 * resolved again when it is loaded). Masking them with {@code ***} instead would make a resumed run use the mask
 * as the value. Works on JSON text, so values with quotes or backslashes are found in their escaped form.
 */
final class SecretReferences {
    private static final String OPEN = "{{prodigy-secret:";
    private static final String CLOSE = "}}";

    /** A secret's name and its value as it appears inside a JSON string. */
    private record Secret(String name, String escaped) {}

    private final List<Secret> secrets;

    /** @param secrets the workflow's secrets, by name; empty values are ignored */
    SecretReferences(Map<String, String> secrets) {
        List<Secret> list = new ArrayList<>();
        secrets.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                String json = Json.write(TextNode.valueOf(value));
                list.add(new Secret(name, json.substring(1, json.length() - 1)));
            }
        });
        list.sort(Comparator.comparingInt((Secret s) -> s.escaped().length()).reversed());
        this.secrets = List.copyOf(list);
    }

    /** @param json JSON text @return it with every secret value replaced by a reference to its name */
    String encode(String json) {
        String out = json;
        for (Secret s : secrets) {
            if (out.contains(s.escaped())) {
                out = out.replace(s.escaped(), OPEN + s.name() + CLOSE);
            }
        }
        return out;
    }

    /** @param json JSON text written by {@link #encode} @return it with the secret values back */
    String decode(String json) {
        if (!json.contains(OPEN)) {
            return json;
        }
        String out = json;
        for (Secret s : secrets) {
            out = out.replace(OPEN + s.name() + CLOSE, s.escaped());
        }
        return out;
    }
}
