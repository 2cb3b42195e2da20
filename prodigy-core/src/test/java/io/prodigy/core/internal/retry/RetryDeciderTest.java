package io.prodigy.core.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryCondition.Kind;
import io.prodigy.api.RetryPolicy;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RetryDeciderTest {

    private static final Set<ErrorKind> NEVER =
            EnumSet.of(ErrorKind.CANCELLED, ErrorKind.CONFIGURATION, ErrorKind.AUTHENTICATION, ErrorKind.BILLING);

    private static RetryPolicy on(RetryCondition... conditions) {
        return RetryPolicy.builder().retryOn(conditions).build();
    }

    private static boolean retries(Kind kind, ErrorKind errorKind, String text) {
        return RetryDecider.shouldRetry(on(RetryCondition.of(kind)), errorKind, text);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "NETWORK      | Network is down",
                "NETWORK      | ssh: CONNECTION reset by peer",
                "NETWORK      | connect: Connection Refused",
                "NETWORK      | host UNREACHABLE",
                "TIMEOUT      | read TIMEOUT after 30s",
                "TIMEOUT      | the operation Timed Out",
                "SERVER_ERROR | HTTP 500",
                "SERVER_ERROR | status=502",
                "SERVER_ERROR | 503 Service Unavailable",
                "SERVER_ERROR | upstream answered (504)",
                "SERVER_ERROR | Internal Server Error",
                "RATE_LIMIT   | Rate Limit reached",
                "RATE_LIMIT   | got 429 from api",
                "RATE_LIMIT   | Too Many Requests",
            })
    void textMatchesItsConditionCaseInsensitively(Kind kind, String text) {
        assertThat(retries(kind, ErrorKind.COMMAND_FAILED, text)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "NETWORK      | assertion failed: expected 3",
                "TIMEOUT      | time is out of joint",
                "SERVER_ERROR | processed 1500 items",
                "SERVER_ERROR | error at line 5023",
                "SERVER_ERROR | server is fine",
                "RATE_LIMIT   | 4290 bytes written",
                "RATE_LIMIT   | rating limited edition",
            })
    void unrelatedTextDoesNotMatch(Kind kind, String text) {
        assertThat(retries(kind, ErrorKind.COMMAND_FAILED, text)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "NETWORK, NETWORK",
        "TIMEOUT, TIMEOUT",
        "SERVER_ERROR, SERVER_ERROR",
        "SERVER_ERROR, OVERLOADED",
        "RATE_LIMIT, RATE_LIMITED",
    })
    void errorKindMatchesItsConditionWithoutAnyText(Kind kind, ErrorKind errorKind) {
        assertThat(retries(kind, errorKind, "")).isTrue();
        assertThat(retries(kind, errorKind, null)).isTrue();
    }

    @Test
    void otherErrorKindsDoNotMatchWithoutText() {
        for (ErrorKind errorKind : ErrorKind.values()) {
            assertThat(retries(Kind.NETWORK, errorKind, ""))
                    .as(errorKind.name())
                    .isEqualTo(errorKind == ErrorKind.NETWORK);
            assertThat(retries(Kind.RATE_LIMIT, errorKind, ""))
                    .as(errorKind.name())
                    .isEqualTo(errorKind == ErrorKind.RATE_LIMITED);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void emptyRetryOnRetriesEverythingButHopelessKinds(ErrorKind kind) {
        assertThat(RetryDecider.shouldRetry(RetryPolicy.builder().build(), kind, "anything"))
                .isEqualTo(!NEVER.contains(kind));
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorKind.class,
            names = {"CANCELLED", "CONFIGURATION", "AUTHENTICATION", "BILLING"})
    void hopelessKindsAreNeverRetriedEvenWhenAConditionMatches(ErrorKind kind) {
        RetryPolicy p = on(RetryCondition.pattern(".*"), RetryCondition.of(Kind.NETWORK));
        assertThat(RetryDecider.shouldRetry(p, kind, "network unreachable")).isFalse();
    }

    @Test
    void aNullKindIsUnknown() {
        assertThat(RetryDecider.shouldRetry(RetryPolicy.builder().build(), null, null))
                .isTrue();
        assertThat(RetryDecider.shouldRetry(on(RetryCondition.of(Kind.TIMEOUT)), null, "timed out"))
                .isTrue();
        assertThat(RetryDecider.shouldRetry(on(RetryCondition.of(Kind.TIMEOUT)), null, null))
                .isFalse();
    }

    @Test
    void anyOfSeveralConditionsIsEnough() {
        RetryPolicy p = on(RetryCondition.of(Kind.TIMEOUT), RetryCondition.of(Kind.RATE_LIMIT));
        assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, "429")).isTrue();
        assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, "timeout"))
                .isTrue();
        assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, "connection refused"))
                .isFalse();
    }

    @Test
    void patternIsFoundAnywhereCaseInsensitively() {
        RetryPolicy p = on(RetryCondition.pattern("flaky\\s+test"));
        assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, "3 failures: FLAKY  Test in suite"))
                .isTrue();
        assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, "flakytest"))
                .isFalse();
        RetryPolicy unicode = on(RetryCondition.pattern("ÉCHEC"));
        assertThat(RetryDecider.shouldRetry(unicode, ErrorKind.COMMAND_FAILED, "un échec"))
                .isTrue();
    }

    @Test
    void patternIsCompiledOnceAndShared() {
        RetryCondition a = RetryCondition.pattern("lock(ed)? by another process");
        RetryCondition b = RetryCondition.pattern("lock(ed)? by another process");
        assertThat(RetryDecider.compiled(a)).isSameAs(RetryDecider.compiled(a)).isSameAs(RetryDecider.compiled(b));
        assertThat(RetryDecider.compiled(a).flags() & java.util.regex.Pattern.CASE_INSENSITIVE)
                .isNotZero();
    }

    @Test
    void onlyTheHeadAndTailOfLargeTextAreSearched() {
        int window = RetryDecider.SCAN_WINDOW;
        String filler = "x".repeat(3 * window);
        RetryPolicy network = on(RetryCondition.of(Kind.NETWORK));
        RetryPolicy pattern = on(RetryCondition.pattern("^disk\\s+full$|disk full"));
        for (RetryPolicy p : new RetryPolicy[] {network, pattern}) {
            String word = p == network ? "connection" : "disk full";
            assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, word + filler))
                    .isTrue();
            assertThat(RetryDecider.shouldRetry(p, ErrorKind.COMMAND_FAILED, filler + word))
                    .isTrue();
            assertThat(RetryDecider.shouldRetry(
                            p, ErrorKind.COMMAND_FAILED, filler.substring(0, window) + word + filler))
                    .isFalse();
        }
    }

    @Test
    void textOfAtMostTwoWindowsIsSearchedWhole() {
        int window = RetryDecider.SCAN_WINDOW;
        RetryPolicy network = on(RetryCondition.of(Kind.NETWORK));
        String whole = "x".repeat(window - 5) + "connection" + "x".repeat(window - 5);
        assertThat(whole).hasSize(2 * window);
        assertThat(RetryDecider.shouldRetry(network, ErrorKind.COMMAND_FAILED, whole))
                .isTrue();
        String split = whole + "x"; // now the word straddles the end of the head window and misses the tail
        assertThat(RetryDecider.shouldRetry(network, ErrorKind.COMMAND_FAILED, split))
                .isFalse();
    }

    @Test
    void aCodeAtTheVeryEndsOfTheTextMatches() {
        assertThat(retries(Kind.SERVER_ERROR, ErrorKind.COMMAND_FAILED, "500")).isTrue();
        assertThat(retries(Kind.RATE_LIMIT, ErrorKind.COMMAND_FAILED, "code 429"))
                .isTrue();
        assertThat(retries(Kind.RATE_LIMIT, ErrorKind.COMMAND_FAILED, "429: slow down"))
                .isTrue();
    }
}
