package io.prodigy.core.internal.interpolate;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.InterpolationException;
import io.prodigy.core.internal.interpolate.Part.HereDocument;
import io.prodigy.core.internal.interpolate.Part.Literal;
import io.prodigy.core.internal.interpolate.Part.Placeholder;
import io.prodigy.core.internal.interpolate.Part.Placement;
import io.prodigy.core.text.Spelling;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders compiled template parts against a {@link Variables} scope. */
final class Renderer {
    private static final int LISTED_NAMES = 20;
    private static final Logger LOG = LoggerFactory.getLogger(Interpolator.class);
    private static final int WARNED_LIMIT = 4096;
    /** Placeholders of compiled (cached, shared) prompts already warned about, by identity. */
    private static final Set<Warned> WARNED =
            java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());

    /** A placeholder of one compiled template: equal only to itself. */
    private record Warned(Placeholder placeholder) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Warned w && w.placeholder == placeholder;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(placeholder);
        }
    }
    /** Plain names that are always the engine's, never the shell's: undefined, they are errors. */
    static final Set<String> OWNED_ROOTS = Set.of(
            "item",
            "item_json",
            "item_id",
            "item_index",
            "map",
            "shell",
            "claude",
            "error",
            "validation",
            "merge",
            "workflow",
            "step",
            "last",
            "setup",
            "foreach",
            "ARG");

    private Renderer() {}

    /**
     * @param shell whether the parts came from {@link TemplateParser#parseShell} and values must be quoted
     */
    static String render(
            int sizeHint, List<Part> parts, Variables variables, boolean shell, boolean prompt, String where) {
        StringBuilder out = new StringBuilder(sizeHint + 32);
        append(out, parts, variables, shell, prompt, where);
        return out.toString();
    }

    /**
     * @param path a variable path
     * @return whether it is a plain name outside the roots the engine owns, which in a shell command, when no
     *     workflow variable has that name, belongs to the shell
     */
    static boolean isShellName(VariablePath path) {
        return path.isPlainName() && !OWNED_ROOTS.contains(path.text());
    }

    private static void append(
            StringBuilder out, List<Part> parts, Variables variables, boolean shell, boolean prompt, String where) {
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof Placeholder placeholder) {
                appendPlaceholder(out, placeholder, variables, shell, prompt, where);
            } else if (part instanceof HereDocument document) {
                appendHereDocument(out, document, variables, shell, prompt, where);
            }
        }
    }

    private static void appendPlaceholder(
            StringBuilder out,
            Placeholder placeholder,
            Variables variables,
            boolean shell,
            boolean prompt,
            String where) {
        if (shell && !placeholder.raw() && leftToShell(placeholder, variables)) {
            out.append(placeholder.source());
            return;
        }
        if (prompt
                && placeholder.defaultText() == null
                && !placeholder.shortForm()
                && variables.resolve(placeholder.path(), true).isMissingNode()) {
            if (WARNED.size() > WARNED_LIMIT) {
                WARNED.clear();
            }
            // once per placeholder, not once per item of a large map phase
            if (WARNED.add(new Warned(placeholder))) {
                LOG.warn(
                        "{}: variable '{}' is not defined; {} is left as written in the prompt{}",
                        where == null ? "agent step" : where,
                        placeholder.path().text(),
                        placeholder.source(),
                        suggestion(placeholder, variables));
            }
            out.append(placeholder.source());
            return;
        }
        if (shell && placeholder.placement() == Placement.UNSAFE && !placeholder.raw()) {
            if (placeholder.shortForm()
                    && variables.resolve(placeholder.path(), false).isMissingNode()) {
                out.append(placeholder.source());
                return;
            }
            throw new InterpolationException(
                    placeholder.path().text(),
                    "Cannot insert " + placeholder.source()
                            + location(where) + " safely: it stands " + placeholder.reason() + ". "
                            + rawHint(placeholder));
        }
        String text = textOf(placeholder, variables, shell, where);
        if (text == null) {
            out.append(placeholder.source());
        } else if (!shell || placeholder.raw()) {
            out.append(text);
        } else {
            switch (placeholder.placement()) {
                case UNQUOTED -> ShellQuoting.appendQuoted(out, text);
                case SINGLE_QUOTED -> ShellQuoting.appendInsideSingleQuotes(out, text);
                case DOUBLE_QUOTED -> ShellQuoting.appendInsideDoubleQuotes(out, text);
                case HERE_DOCUMENT -> ShellQuoting.appendInsideHereDocument(out, text);
                case ARITHMETIC -> {
                    if (!isInteger(text)) {
                        throw new InterpolationException(
                                placeholder.path().text(),
                                "Cannot insert "
                                        + placeholder.source() + location(where) + " safely: it stands "
                                        + placeholder.reason()
                                        + ", where the shell evaluates text as arithmetic, so only"
                                        + " an integer can be inserted there, and its value (" + text.length()
                                        + " characters) is not one. " + rawHint(placeholder));
                    }
                    out.append(text);
                }
                default -> out.append(text);
            }
        }
    }

    /**
     * Whether the shell expands this placeholder itself: a variable exported to the command's environment
     * (outside single quotes, where the shell would not expand it), or a plain name outside the engine's roots
     * that no workflow variable defines.
     */
    private static boolean leftToShell(Placeholder placeholder, Variables variables) {
        VariablePath path = placeholder.path();
        if (!path.isPlainName()) {
            return false;
        }
        Placement placement = placeholder.placement();
        boolean expands = placement != Placement.SINGLE_QUOTED && placement != Placement.HERE_DOCUMENT_LITERAL;
        if (expands && variables.isExported(path.text())) {
            return true;
        }
        return !placeholder.shortForm()
                && placeholder.defaultText() == null
                && isShellName(path)
                && variables.resolve(path, false).isMissingNode();
    }

    private static String suggestion(Placeholder placeholder, Variables variables) {
        String close = closest(placeholder.path().text(), visibleNames(variables));
        return close == null ? "" : " (did you mean '" + close + "'?)";
    }

    /** @return the text to insert, or null when a {@code $NAME} placeholder names no variable */
    private static String textOf(Placeholder placeholder, Variables variables, boolean shell, String where) {
        JsonNode value = variables.resolve(placeholder.path(), !placeholder.shortForm());
        if (placeholder.shortForm()) {
            return value.isMissingNode() ? null : ValueText.of(value);
        }
        if (value.isMissingNode() || (value.isNull() && placeholder.defaultText() != null)) {
            if (placeholder.defaultText() != null) {
                return placeholder.defaultText();
            }
            throw undefined(placeholder, variables, shell, where);
        }
        return ValueText.of(value);
    }

    private static void appendHereDocument(
            StringBuilder out,
            HereDocument document,
            Variables variables,
            boolean shell,
            boolean prompt,
            String where) {
        int bodyStart = out.length();
        append(out, document.parts(), variables, shell, prompt, where);
        int line = TemplateParser.findDelimiterLine(
                out, bodyStart, out.length(), document.delimiter(), document.stripTabs(), document.quoted());
        if (line >= 0) {
            List<String> sources = new ArrayList<>();
            collectPlaceholders(document.parts(), sources);
            String variable = sources.isEmpty() ? document.delimiter() : sources.get(0);
            throw new InterpolationException(
                    variable,
                    "Cannot insert " + String.join(", ", sources)
                            + location(where) + ": a value makes a line '" + document.delimiter()
                            + "', which would end the here-document early and run the rest as commands");
        }
    }

    private static void collectPlaceholders(List<Part> parts, List<String> sources) {
        for (Part part : parts) {
            if (part instanceof Placeholder placeholder) {
                sources.add(placeholder.source());
            } else if (part instanceof HereDocument nested) {
                collectPlaceholders(nested.parts(), sources);
            }
        }
    }

    private static boolean isInteger(String text) {
        int i = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        if (i == text.length()) {
            return false;
        }
        for (; i < text.length(); i++) {
            if (!VariablePath.isAsciiDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String rawHint(Placeholder placeholder) {
        return "If the value is trusted to be code, ${" + placeholder.path().text() + "|raw} inserts it unquoted.";
    }

    private static String location(String where) {
        return where == null || where.isBlank() ? "" : " in " + where;
    }

    private static InterpolationException undefined(
            Placeholder placeholder, Variables variables, boolean shell, String where) {
        String path = placeholder.path().text();
        TreeSet<String> visible = visibleNames(variables);
        StringBuilder message = new StringBuilder("Undefined variable '")
                .append(path)
                .append('\'')
                .append(location(where))
                .append('.');
        TreeSet<String> candidates = new TreeSet<>(visible);
        if (placeholder.path().isPlainName()) {
            variables.environmentNames().forEach(candidates::add);
        }
        String suggestion = closest(path, candidates);
        if (suggestion != null) {
            message.append(" Did you mean '").append(suggestion).append("'?");
        }
        if (visible.isEmpty()) {
            message.append(" No variables are defined.");
        } else {
            message.append(" Available: ");
            Iterator<String> names = visible.iterator();
            for (int i = 0; i < LISTED_NAMES && names.hasNext(); i++) {
                message.append(i == 0 ? "" : ", ").append(names.next());
            }
            if (visible.size() > LISTED_NAMES) {
                message.append(" and ").append(visible.size() - LISTED_NAMES).append(" more");
            }
            message.append('.');
        }
        if (placeholder.path().isPlainName()) {
            if (shell) {
                message.append(" If ${")
                        .append(path)
                        .append("} is meant for the shell, write $")
                        .append(path)
                        .append(" or $${")
                        .append(path)
                        .append("} instead.");
            } else {
                message.append(" To keep ${")
                        .append(path)
                        .append("} as literal text, write $${")
                        .append(path)
                        .append("}.");
            }
        }
        return new InterpolationException(path, message.toString());
    }

    /** Variable names, plus the top-level fields of object values as {@code name.field}. */
    private static TreeSet<String> visibleNames(Variables variables) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<String, JsonNode> entry : variables.flatten().entrySet()) {
            names.add(entry.getKey());
            if (entry.getValue().isObject()) {
                entry.getValue().fieldNames().forEachRemaining(field -> names.add(entry.getKey() + "." + field));
            }
        }
        return names;
    }

    /** @return the candidate nearest to {@code name} by edit distance, if it is close enough to be a typo */
    static String closest(String name, Iterable<String> candidates) {
        int limit = Math.max(1, Math.min(3, name.length() / 3));
        List<String> others = new ArrayList<>();
        for (String candidate : candidates) {
            if (!candidate.equals(name)) {
                others.add(candidate);
            }
        }
        return Spelling.closest(name, others, limit);
    }
}
