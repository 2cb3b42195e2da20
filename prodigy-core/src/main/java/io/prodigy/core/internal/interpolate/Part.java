package io.prodigy.core.internal.interpolate;

import java.util.List;

/** One piece of a compiled template: literal text, a placeholder, or a here-document body. */
sealed interface Part permits Part.Literal, Part.Placeholder, Part.HereDocument {

    /** Where, in shell terms, a placeholder stands; decides how its value is quoted. */
    enum Placement {
        /** Outside any quotes: the value becomes one single-quoted word (or part of a word). */
        UNQUOTED,
        /** Inside {@code '...'}. */
        SINGLE_QUOTED,
        /** Inside {@code "..."}. */
        DOUBLE_QUOTED,
        /** In the body of a here-document with an unquoted delimiter. */
        HERE_DOCUMENT,
        /** In the body of a here-document with a quoted delimiter, where nothing is expanded. */
        HERE_DOCUMENT_LITERAL,
        /** Where bash evaluates text as arithmetic ({@code $((...))}, {@code arr[...]}, ...): integers only. */
        ARITHMETIC,
        /** Where no quoting is reliable (backquotes, a shell's own {@code ${...}}, ...): insertion fails. */
        UNSAFE,
        /** Not analysed: the template is rendered without shell quoting. */
        NONE
    }

    /** Text copied to the output as it is. */
    record Literal(String text) implements Part {}

    /**
     * A {@code ${path}}, {@code ${path:-default}}, {@code ${path|raw}}, {@code $NAME} or {@code $1}.
     *
     * @param path the variable path
     * @param source the placeholder as written, for verbatim output and messages
     * @param defaultText the text after {@code :-}, or null when there is no default
     * @param raw whether {@code |raw} asked for unquoted insertion
     * @param shortForm whether this is the {@code $NAME} form, replaced only when the name is a variable
     * @param placement where the placeholder stands
     * @param reason for {@link Placement#UNSAFE}, why insertion is refused; for {@link Placement#ARITHMETIC},
     *     where the arithmetic is; null otherwise
     */
    record Placeholder(
            VariablePath path,
            String source,
            String defaultText,
            boolean raw,
            boolean shortForm,
            Placement placement,
            String reason)
            implements Part {}

    /**
     * The body of a here-document that holds placeholders: after rendering, no line of it may equal the
     * delimiter, or an inserted value would end the document early and turn the rest into commands.
     *
     * @param parts the body
     * @param delimiter the delimiter word after quote removal
     * @param stripTabs whether the operator was {@code <<-} (leading tabs are ignored when matching)
     * @param quoted whether the delimiter was quoted (no backslash-newline joining in the body)
     */
    record HereDocument(List<Part> parts, String delimiter, boolean stripTabs, boolean quoted) implements Part {
        public HereDocument {
            parts = List.copyOf(parts);
        }
    }
}
