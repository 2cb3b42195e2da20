package io.prodigy.core.internal.retry;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a failed attempt is worth another one, from the policy's {@code retry_on} conditions, the
 * failure's {@link ErrorKind} and its text (message, standard error and standard output, as the caller joins
 * them).
 *
 * <p>Rules:
 * <ul>
 *   <li>{@link ErrorKind#CANCELLED}, {@link ErrorKind#CONFIGURATION}, {@link ErrorKind#AUTHENTICATION} and
 *   {@link ErrorKind#BILLING} are never retried, whatever {@code retry_on} says: no attempt can succeed until
 *   someone changes the workflow, the credentials or the account, and a cancelled run must stop.</li>
 *   <li>An empty {@code retry_on} retries every other failure.</li>
 *   <li>Otherwise the failure is retried when any condition matches. Text matching is case-insensitive:
 *     <ul>
 *       <li>network: "network", "connection", "refused", "unreachable", or kind {@link ErrorKind#NETWORK};</li>
 *       <li>timeout: "timeout", "timed out", or kind {@link ErrorKind#TIMEOUT};</li>
 *       <li>server_error: "500", "502", "503", "504", "server error", or kind {@link ErrorKind#SERVER_ERROR}
 *       or {@link ErrorKind#OVERLOADED};</li>
 *       <li>rate_limit: "rate limit", "429", "too many requests", or kind {@link ErrorKind#RATE_LIMITED};</li>
 *       <li>pattern: the regular expression is found anywhere ({@link Matcher#find()}), case-insensitively.</li>
 *     </ul>
 *   Status codes match only as whole numbers: "HTTP 503" matches, "took 1500 ms" does not (upstream matches
 *   any substring, which makes "500" fire on durations and counts).</li>
 * </ul>
 * Only the first and the last {@value #SCAN_WINDOW} characters of the text are searched, so a failure with
 * megabytes of output costs no more than one with 128 KiB; keywords and patterns spanning the gap between the
 * two windows are not found.
 */
public final class RetryDecider {

    /** How many characters are searched at each end of the failure text. */
    static final int SCAN_WINDOW = 64 * 1024;

    private static final Set<ErrorKind> NEVER_RETRIED =
            EnumSet.of(ErrorKind.CANCELLED, ErrorKind.CONFIGURATION, ErrorKind.AUTHENTICATION, ErrorKind.BILLING);

    private static final String[] NETWORK_WORDS = {"network", "connection", "refused", "unreachable"};
    private static final String[] TIMEOUT_WORDS = {"timeout", "timed out"};
    private static final String[] SERVER_ERROR_WORDS = {"server error"};
    private static final String[] SERVER_ERROR_CODES = {"500", "502", "503", "504"};
    private static final String[] RATE_LIMIT_WORDS = {"rate limit", "too many requests"};
    private static final String[] RATE_LIMIT_CODES = {"429"};

    private static final int PATTERN_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    /** Bounds the cache for hosts that build workflows dynamically; patterns normally number a handful. */
    private static final int PATTERN_CACHE_LIMIT = 256;

    private static final ConcurrentMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private RetryDecider() {}

    /**
     * Decides whether a failure is worth another attempt; the number of attempts left is not considered.
     *
     * @param policy the retry policy
     * @param kind the class of the failure; null is treated as {@link ErrorKind#UNKNOWN}
     * @param failureText what the failure said (message, stderr, stdout); null is treated as empty
     * @return whether to retry
     * @throws NullPointerException if {@code policy} is null
     */
    public static boolean shouldRetry(RetryPolicy policy, ErrorKind kind, String failureText) {
        Objects.requireNonNull(policy, "policy");
        ErrorKind k = kind == null ? ErrorKind.UNKNOWN : kind;
        if (NEVER_RETRIED.contains(k)) {
            return false;
        }
        List<RetryCondition> conditions = policy.retryOn();
        if (conditions.isEmpty()) {
            return true;
        }
        String text = failureText == null ? "" : failureText;
        for (RetryCondition condition : conditions) {
            if (matches(condition, k, text)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one condition matches, by kind or by text. */
    static boolean matches(RetryCondition condition, ErrorKind kind, String text) {
        switch (condition.kind()) {
            case NETWORK:
                return kind == ErrorKind.NETWORK || containsAny(text, NETWORK_WORDS, false);
            case TIMEOUT:
                return kind == ErrorKind.TIMEOUT || containsAny(text, TIMEOUT_WORDS, false);
            case SERVER_ERROR:
                return kind == ErrorKind.SERVER_ERROR
                        || kind == ErrorKind.OVERLOADED
                        || containsAny(text, SERVER_ERROR_WORDS, false)
                        || containsAny(text, SERVER_ERROR_CODES, true);
            case RATE_LIMIT:
                return kind == ErrorKind.RATE_LIMITED
                        || containsAny(text, RATE_LIMIT_WORDS, false)
                        || containsAny(text, RATE_LIMIT_CODES, true);
            case PATTERN:
                return find(compiled(condition), text);
            default:
                throw new IllegalStateException("unknown retry condition " + condition.kind());
        }
    }

    /** The condition's pattern, compiled case-insensitively once and cached by its source. */
    static Pattern compiled(RetryCondition condition) {
        String regex = condition.pattern();
        Pattern pattern = PATTERNS.get(regex);
        if (pattern == null) {
            if (PATTERNS.size() >= PATTERN_CACHE_LIMIT) {
                PATTERNS.clear();
            }
            pattern = PATTERNS.computeIfAbsent(regex, r -> Pattern.compile(r, PATTERN_FLAGS));
        }
        return pattern;
    }

    private static boolean find(Pattern pattern, String text) {
        int length = text.length();
        Matcher matcher = pattern.matcher(text);
        if (length <= 2 * SCAN_WINDOW) {
            return matcher.find();
        }
        return matcher.region(0, SCAN_WINDOW).find()
                || matcher.region(length - SCAN_WINDOW, length).find();
    }

    private static boolean containsAny(String text, String[] needles, boolean wholeNumber) {
        int length = text.length();
        for (String needle : needles) {
            if (length <= 2 * SCAN_WINDOW) {
                if (contains(text, 0, length, needle, wholeNumber)) {
                    return true;
                }
            } else if (contains(text, 0, SCAN_WINDOW, needle, wholeNumber)
                    || contains(text, length - SCAN_WINDOW, length, needle, wholeNumber)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Case-insensitive search of a lower-case ASCII needle in {@code text[from, to)}, without allocating.
     * With {@code wholeNumber}, a match must not touch another digit on either side.
     */
    private static boolean contains(String text, int from, int to, String needle, boolean wholeNumber) {
        int n = needle.length();
        char lower = needle.charAt(0);
        char upper = Character.toUpperCase(lower);
        for (int i = from, last = to - n; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == lower || c == upper)
                    && text.regionMatches(true, i, needle, 0, n)
                    && (!wholeNumber || (!digitAt(text, i - 1) && !digitAt(text, i + n)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean digitAt(String text, int index) {
        if (index < 0 || index >= text.length()) {
            return false;
        }
        char c = text.charAt(index);
        return c >= '0' && c <= '9';
    }
}
