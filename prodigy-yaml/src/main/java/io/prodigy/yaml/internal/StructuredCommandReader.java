package io.prodigy.yaml.internal;

import io.prodigy.api.StepAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads agent commands written as slash commands: a bare command string ({@code "lint"} or {@code "/lint"}) and
 * the structured command form {@code {name, args, options, focus}}, written out as one command line.
 */
final class StructuredCommandReader {
    private final Diagnostics d;

    /** @param d where problems go */
    StructuredCommandReader(Diagnostics d) {
        this.d = d;
    }

    /** A bare command string or a structured command name: {@code "lint"} and {@code "/lint"} run {@code /lint}. */
    static String slashCommand(String text) {
        String t = TemplateAliases.normalize(text.strip());
        return t.startsWith("/") ? t : "/" + t;
    }

    /** Reads {@code {name, args, options, focus}}; returns null when the name is missing (reported). */
    StepAction read(Fields f) {
        String name = f.requiredText("name");
        if (name == null) {
            return null;
        }
        StringBuilder cmd = new StringBuilder(slashCommand(name));
        List<String> args = f.textList("args");
        if (args != null) {
            for (String a : args) {
                cmd.append(' ').append(argument(a));
            }
        }
        String focus = f.text("focus");
        Map<String, Node> options = new LinkedHashMap<>();
        Node opts = f.node("options");
        if (opts instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) opts).entries()) {
                options.put(e.key(), e.value());
            }
        } else if (opts != null && !(opts instanceof ScalarNode && ((ScalarNode) opts).isNull())) {
            f.error("options", "expected a mapping of option names to values, found " + opts.describe());
        }
        if (focus != null && !options.containsKey("focus")) {
            options.put("focus", ScalarNode.string(f.at("focus"), focus));
        }
        for (Map.Entry<String, Node> e : options.entrySet()) {
            appendOption(cmd, e.getKey(), e.getValue(), f.pathOf("options") + "." + e.getKey());
        }
        return new StepAction.Agent(cmd.toString());
    }

    private void appendOption(StringBuilder cmd, String key, Node value, String path) {
        if (value instanceof ListNode) {
            for (Node item : ((ListNode) value).items()) {
                appendOption(cmd, key, item, path);
            }
            return;
        }
        if (!(value instanceof ScalarNode)) {
            d.error(
                    value.location(),
                    path,
                    "expected an option value (a string, number or boolean), found " + value.describe());
            return;
        }
        ScalarNode s = (ScalarNode) value;
        Boolean b = s.type() == ScalarNode.Type.BOOLEAN ? s.booleanValue() : null;
        if (b != null) {
            if (b) {
                cmd.append(" --").append(key);
            }
            return;
        }
        if (s.isNull()) {
            cmd.append(" --").append(key);
            return;
        }
        cmd.append(" --").append(key).append(' ').append(argument(TemplateAliases.normalize(s.text())));
    }

    private static String argument(String a) {
        if (a.isEmpty() || a.chars().anyMatch(Character::isWhitespace)) {
            return "'" + a.replace("'", "'\\''") + "'";
        }
        return a;
    }
}
