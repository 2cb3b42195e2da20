package io.prodigy.core.internal.env;

import io.prodigy.api.WorkflowDefinitionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code .env} files: {@code KEY=value} lines, optionally prefixed with {@code export}; blank lines and
 * {@code #} comments are skipped; values may be single-quoted (literal) or double-quoted (with {@code \n},
 * {@code \t}, {@code \"} and {@code \\} escapes); an unquoted value ends at a {@code " #"} comment.
 */
public final class DotEnv {
    private DotEnv() {}

    /**
     * @param file the file
     * @return its variables in order
     * @throws WorkflowDefinitionException if the file is missing or a line is malformed (naming file and line)
     */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new WorkflowDefinitionException("env file not found: " + file + " (env_files)");
        } catch (IOException e) {
            throw new WorkflowDefinitionException("cannot read env file " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    /**
     * @param lines the lines of a .env file
     * @param source the file name for messages
     * @return the variables in order
     */
    public static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).stripLeading();
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq).strip();
            if (eq < 0 || !key.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                throw new WorkflowDefinitionException(source + ":" + (i + 1) + ": expected KEY=value, found '"
                        + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "'");
            }
            out.put(key, value(line.substring(eq + 1).strip(), source, i + 1));
        }
        return out;
    }

    private static String value(String raw, String source, int line) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) {
                throw new WorkflowDefinitionException(source + ":" + line + ": unterminated single-quoted value");
            }
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char n = raw.charAt(++i);
                    sb.append(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
                } else {
                    sb.append(c);
                }
            }
            throw new WorkflowDefinitionException(source + ":" + line + ": unterminated double-quoted value");
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
