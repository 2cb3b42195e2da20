package io.prodigy.yaml.internal;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The text of one workflow file, with its name and the directory relative paths in it resolve against.
 *
 * @param name the name used in messages (usually the path as given)
 * @param text the whole text
 * @param directory the directory relative imports and templates resolve against
 */
record SourceText(String name, String text, Path directory) {

    /** @return whether the text is JSON rather than YAML: a {@code .json} name, or a text that starts like JSON */
    boolean isJson() {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return true;
        }
        if (lower.endsWith(".yml") || lower.endsWith(".yaml")) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' && text.stripTrailing().endsWith("}");
            }
        }
        return false;
    }

    /**
     * @param line 1-based
     * @return that line without its line break, or an empty string past the end
     */
    String line(int line) {
        int start = 0;
        for (int l = 1; l < line; l++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                return "";
            }
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        String s = end < 0 ? text.substring(start) : text.substring(start, end);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** @return the file name without directories and extension, for a default workflow name */
    String stem() {
        String n = name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
