package io.prodigy.claude.internal;

import io.prodigy.api.ErrorKind;
import java.util.regex.Pattern;

/**
 * Classifies the text of an agent backend's error (an API error message, a CLI's stderr) into an {@link ErrorKind},
 * from the wordings agent CLIs are known to print. Apply it only to text known to be an error report: agent prose
 * may mention rate limits without being rate limited.
 */
public final class FailureText {
    private static final Pattern QUOTA = Pattern.compile(
            "(?i)hit your (?:[\\w-]+ )*limit|usage limit reached|reached your usage limit|out of extra usage");
    private static final Pattern RATE_LIMIT =
            Pattern.compile("(?i)rate.?limit|too many requests|temporarily limiting requests|\\(429\\)|\\b429\\b");
    private static final Pattern AUTHENTICATION = Pattern.compile(
            "(?i)invalid api key|failed to authenticate|invalid (?:auth|bearer|x-api-key) token|authentication_error"
                    + "|authentication_failed|please run /login|oauth token has expired|not logged in|unauthori[sz]ed"
                    + "|\\b401\\b|\\b403\\b|permission_error");
    private static final Pattern BILLING = Pattern.compile(
            "(?i)credit balance|billing_error|insufficient (?:credit|funds|quota)|add funds|payment required");
    private static final Pattern OVERLOADED = Pattern.compile("(?i)overloaded|\\b529\\b");
    private static final Pattern SERVER = Pattern.compile(
            "(?i)api error:? 5\\d\\d|\\b50[0234]\\b|internal server error|bad gateway|service unavailable"
                    + "|gateway time-?out|server_error");
    private static final Pattern NETWORK = Pattern.compile(
            "(?i)connection error|fetch failed|request timed out|econnreset|etimedout|econnrefused|enotfound"
                    + "|eai_again|network error|socket hang up|stream disconnected|unable to connect"
                    + "|connection ?refused|connection dropped|connection reset|connectionclosed"
                    + "|can't reach the api");

    private FailureText() {}

    /**
     * @param text the error text
     * @return the class the text names, or null if it names none; quota before rate limit before authentication
     *         before billing before overload before server errors before network failures
     */
    public static ErrorKind classify(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (QUOTA.matcher(text).find()) {
            return ErrorKind.QUOTA_EXHAUSTED;
        }
        if (RATE_LIMIT.matcher(text).find()) {
            return ErrorKind.RATE_LIMITED;
        }
        if (AUTHENTICATION.matcher(text).find()) {
            return ErrorKind.AUTHENTICATION;
        }
        if (BILLING.matcher(text).find()) {
            return ErrorKind.BILLING;
        }
        if (OVERLOADED.matcher(text).find()) {
            return ErrorKind.OVERLOADED;
        }
        if (SERVER.matcher(text).find()) {
            return ErrorKind.SERVER_ERROR;
        }
        if (NETWORK.matcher(text).find()) {
            return ErrorKind.NETWORK;
        }
        return null;
    }

    /** @param text any text @return whether it reports an exhausted usage quota */
    static boolean isQuota(String text) {
        return text != null && QUOTA.matcher(text).find();
    }

    /** @param text any text @return whether it reports a billing problem (no credit) */
    static boolean isBilling(String text) {
        return text != null && BILLING.matcher(text).find();
    }

    /** @param kind a class @return a short description for messages */
    static String describe(ErrorKind kind) {
        switch (kind) {
            case QUOTA_EXHAUSTED:
                return "its usage quota is exhausted";
            case RATE_LIMITED:
                return "it was rate limited";
            case AUTHENTICATION:
                return "it could not authenticate; check ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN or log in again";
            case BILLING:
                return "the account has no credit left; add credit or switch accounts";
            case OVERLOADED:
                return "the API is overloaded";
            case SERVER_ERROR:
                return "the API failed with a server error";
            case NETWORK:
                return "the network failed";
            default:
                return "it failed";
        }
    }
}
