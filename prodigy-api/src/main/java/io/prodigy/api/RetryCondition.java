package io.prodigy.api;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code retry_on}: which failures are worth another attempt. Matching is case-insensitive
 * on the failure's message, standard error and standard output, and on its {@link ErrorKind}.
 *
 * @param kind the class of failure
 * @param pattern the regular expression, for {@link Kind#PATTERN} only
 * @since 0.1
 */
public record RetryCondition(Kind kind, String pattern) {

    /**
     * The classes of failure upstream names, plus a free pattern.
     *
     * @since 0.1
     */
    public enum Kind {
        /** "network", "connection", "refused", "unreachable", or {@link ErrorKind#NETWORK}. */
        NETWORK,
        /** "timeout", "timed out", or {@link ErrorKind#TIMEOUT}. */
        TIMEOUT,
        /** "500", "502", "503", "504", "server error", or {@link ErrorKind#SERVER_ERROR}/{@link ErrorKind#OVERLOADED}. */
        SERVER_ERROR,
        /** "rate limit", "429", "too many requests", or {@link ErrorKind#RATE_LIMITED}. */
        RATE_LIMIT,
        /** A regular expression. */
        PATTERN
    }

    /**
     * Validates.
     *
     * @param kind the class of failure
     * @param pattern the regular expression, for {@link Kind#PATTERN} only
     */
    public RetryCondition {
        Checks.notNull(kind, "retry_on kind");
        if (kind == Kind.PATTERN) {
            Checks.notBlank(pattern, "retry_on pattern");
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new WorkflowDefinitionException(
                        "retry_on pattern is not a valid regular expression: " + e.getDescription() + " at index "
                                + e.getIndex() + " in '" + pattern + "'",
                        e);
            }
        } else if (pattern != null) {
            throw new WorkflowDefinitionException("retry_on " + kind + " takes no pattern");
        }
    }

    /**
     * @param kind a class other than PATTERN
     * @return the condition
     */
    public static RetryCondition of(Kind kind) {
        return new RetryCondition(Checks.notNull(kind, "kind"), null);
    }

    /**
     * @param regex a regular expression
     * @return the condition
     */
    public static RetryCondition pattern(String regex) {
        return new RetryCondition(Kind.PATTERN, Checks.notNull(regex, "regex"));
    }

    /**
     * Parses the upstream names {@code network}, {@code timeout}, {@code server_error}, {@code rate_limit}.
     *
     * @param name the name
     * @return the condition
     * @throws WorkflowDefinitionException for an unknown name
     */
    public static RetryCondition named(String name) {
        return switch (Checks.notNull(name, "name").trim().toLowerCase(Locale.ROOT)) {
            case "network" -> of(Kind.NETWORK);
            case "timeout" -> of(Kind.TIMEOUT);
            case "server_error" -> of(Kind.SERVER_ERROR);
            case "rate_limit" -> of(Kind.RATE_LIMIT);
            default ->
                throw new WorkflowDefinitionException("unknown retry_on '" + name
                        + "': expected network, timeout, server_error, rate_limit or {pattern: <regex>}");
        };
    }
}
