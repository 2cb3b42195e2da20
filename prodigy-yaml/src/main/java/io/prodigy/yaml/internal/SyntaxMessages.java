package io.prodigy.yaml.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns SnakeYAML's syntax messages into plain words, with a hint at the usual cause. */
final class SyntaxMessages {
    private static final Pattern EXPECTED_FOUND = Pattern.compile("expected (.+), but (?:found|got) '?(.+?)'?$");
    private static final Map<String, String> TOKENS = Map.ofEntries(
            Map.entry("?", "a mapping key"),
            Map.entry("-", "a list item ('-')"),
            Map.entry("<block end>", "the end of the indented block"),
            Map.entry("<block mapping start>", "the start of a mapping"),
            Map.entry("<block sequence start>", "the start of a list"),
            Map.entry("<scalar>", "a plain value"),
            Map.entry("<document start>", "the start of a document ('---')"),
            Map.entry("<stream end>", "the end of the file"),
            Map.entry(":", "':'"),
            Map.entry("{", "'{'"),
            Map.entry("[", "'['"),
            Map.entry(",", "','"),
            Map.entry("}", "'}'"),
            Map.entry("]", "']'"));

    private SyntaxMessages() {}

    /**
     * @param problem SnakeYAML's problem text
     * @param context SnakeYAML's context text (may be null)
     * @param contextLine 1-based line of the context, or 0
     * @param contextColumn 1-based column of the context, or 0
     * @return the explanation
     */
    static String explain(String problem, String context, int contextLine, int contextColumn) {
        String p = problem == null ? "syntax error" : problem.trim();
        String where = contextLine > 0 ? " at line " + contextLine + ", column " + contextColumn : "";
        if (p.equals("mapping values are not allowed here")) {
            return "':' followed by a space is not allowed inside an unquoted value (a plain value cannot contain "
                    + "': '); put the whole value in quotes";
        }
        if (p.equals("could not find expected ':'") && context != null && context.contains("simple key")) {
            return "expected ':' after the key that starts" + where + "; a line indented no deeper than its parent "
                    + "is read as a new key, so check the indentation (the lines of a '|' block must be indented "
                    + "deeper than the key they belong to)";
        }
        if (p.contains("(TAB)") || p.contains("'\t'")) {
            return "a tab character is not allowed for indentation in YAML; indent with spaces";
        }
        Matcher m = EXPECTED_FOUND.matcher(p);
        if (m.find()) {
            String expected = token(m.group(1));
            String found = token(m.group(2));
            String what = context == null ? "" : " of the " + structure(context) + " that starts" + where;
            if (m.group(1).equals("<block end>") && context != null && context.contains("block collection")) {
                return "expected the end" + what + ", but found " + found + "; a YAML document is either a list or "
                        + "a mapping, and every entry must be indented like its siblings";
            }
            return "expected " + expected + what + ", but found " + found;
        }
        return p + (context == null ? "" : " (" + context.trim() + where + ")");
    }

    private static String token(String t) {
        String s = t.trim();
        if (s.startsWith("'") && s.endsWith("'") && s.length() > 1) {
            s = s.substring(1, s.length() - 1);
        }
        return TOKENS.getOrDefault(s, "'" + s + "'");
    }

    private static String structure(String context) {
        if (context.contains("block collection") || context.contains("block sequence")) {
            return "list";
        }
        if (context.contains("block mapping") || context.contains("flow mapping")) {
            return "mapping";
        }
        if (context.contains("flow sequence")) {
            return "list";
        }
        return context.replace("while parsing a ", "")
                .replace("while scanning a ", "")
                .trim();
    }
}
