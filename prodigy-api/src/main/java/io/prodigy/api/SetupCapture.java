package io.prodigy.api;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a setup phase's {@code capture_outputs}: a variable taken from the output of one setup
 * command and passed on to the map and reduce phases.
 *
 * @param commandIndex the 0-based index of the setup command
 * @param source which output to read
 * @param pattern a regular expression whose first group (or whole match) is the value, or null
 * @param jsonPath a JSONPath applied to the output parsed as JSON, or null
 * @param defaultValue the value when nothing matches, or null to fail instead
 * @param multiline how multi-line values are reduced
 * @since 0.1
 */
public record SetupCapture(
        int commandIndex,
        Source source,
        @Nullable String pattern,
        @Nullable String jsonPath,
        @Nullable String defaultValue,
        Multiline multiline) {

    /**
     * Which output of the command.
     *
     * @since 0.1
     */
    public enum Source {
        /** Standard output. */
        STDOUT,
        /** Standard error. */
        STDERR,
        /** Standard output, then standard error. */
        BOTH,
        /** Both, as they were interleaved (here: stdout then stderr). */
        COMBINED;

        /**
         * @param s the upstream name
         * @return the source
         */
        public static Source named(String s) {
            Checks.notNull(s, "s");
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new WorkflowDefinitionException(
                        "capture source must be stdout, stderr, both or combined, was '" + s + "'");
            }
        }
    }

    /**
     * How a multi-line value is reduced.
     *
     * @since 0.1
     */
    public enum Multiline {
        /** Kept as is (trailing newline removed). */
        PRESERVE,
        /** Lines joined with spaces. */
        JOIN,
        /** The first line. */
        FIRST_LINE,
        /** The last line. */
        LAST_LINE,
        /** A JSON array of the lines. */
        ARRAY;

        /**
         * @param s the upstream name
         * @return the mode
         */
        public static Multiline named(String s) {
            Checks.notNull(s, "s");
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new WorkflowDefinitionException(
                        "multiline must be preserve, join, first_line, last_line or array, was '" + s + "'");
            }
        }
    }

    /**
     * Validates and applies defaults.
     *
     * @param commandIndex the 0-based index of the setup command
     * @param source which output to read
     * @param pattern a regular expression whose first group (or whole match) is the value, or null
     * @param jsonPath a JSONPath applied to the output parsed as JSON, or null
     * @param defaultValue the value when nothing matches, or null to fail instead
     * @param multiline how multi-line values are reduced
     */
    public SetupCapture {
        Checks.nonNegative(commandIndex, "capture_outputs command_index");
        source = source == null ? Source.STDOUT : source;
        pattern = Checks.blankToNull(pattern);
        jsonPath = Checks.blankToNull(jsonPath);
        multiline = multiline == null ? Multiline.PRESERVE : multiline;
    }

    /**
     * @param commandIndex the setup command's index
     * @return a capture of its standard output
     */
    public static SetupCapture of(int commandIndex) {
        return new SetupCapture(commandIndex, Source.STDOUT, null, null, null, Multiline.PRESERVE);
    }

    /**
     * @param output which output of the command to read
     * @return a copy reading it
     */
    public SetupCapture withSource(Source output) {
        return new SetupCapture(
                commandIndex, Checks.notNull(output, "output"), pattern, jsonPath, defaultValue, multiline);
    }

    /**
     * @param regex a regular expression whose first group (or whole match) is the value, or null
     * @return a copy with that pattern
     */
    public SetupCapture withPattern(@Nullable String regex) {
        return new SetupCapture(commandIndex, source, regex, jsonPath, defaultValue, multiline);
    }

    /**
     * @param path a JSONPath applied to the output parsed as JSON, or null
     * @return a copy with that path
     */
    public SetupCapture withJsonPath(@Nullable String path) {
        return new SetupCapture(commandIndex, source, pattern, path, defaultValue, multiline);
    }

    /**
     * @param value the value when nothing matches, or null to fail instead
     * @return a copy with that default
     */
    public SetupCapture withDefaultValue(@Nullable String value) {
        return new SetupCapture(commandIndex, source, pattern, jsonPath, value, multiline);
    }

    /**
     * @param mode how multi-line values are reduced
     * @return a copy with that mode
     */
    public SetupCapture withMultiline(Multiline mode) {
        return new SetupCapture(commandIndex, source, pattern, jsonPath, defaultValue, Checks.notNull(mode, "mode"));
    }
}
