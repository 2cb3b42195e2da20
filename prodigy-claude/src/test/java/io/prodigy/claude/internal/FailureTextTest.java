package io.prodigy.claude.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import org.junit.jupiter.api.Test;

class FailureTextTest {
    @Test
    void knownWordings() {
        assertThat(FailureText.classify("API Error: Request rejected (429) · Rate limited"))
                .isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(FailureText.classify("API Error: Server is temporarily limiting requests (not your usage limit) · "
                        + "Rate limited"))
                .isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(FailureText.classify("You've hit your session limit · resets 3:45pm"))
                .isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(FailureText.classify("Claude AI usage limit reached|1755806400"))
                .isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
        assertThat(FailureText.classify("Invalid API key · Please run /login")).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(FailureText.classify("Invalid API key · Fix external API key"))
                .isEqualTo(ErrorKind.AUTHENTICATION);
        for (String network : new String[] {
            "API Error: Unable to connect to API (ConnectionRefused)",
            "API Error: Unable to connect to API. Check your internet connection",
            "API Error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)",
            "API Error: Connection dropped (ECONNRESET). Check the gateway set in ANTHROPIC_BASE_URL, then try "
                    + "again.",
            "API Error: Can't reach the API server — check your internet or DNS (ENOTFOUND)"
        }) {
            assertThat(FailureText.classify(network)).as(network).isEqualTo(ErrorKind.NETWORK);
        }
        assertThat(FailureText.classify("Failed to authenticate. API Error: 401 Invalid bearer token"))
                .isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(FailureText.classify("Credit balance is too low")).isEqualTo(ErrorKind.BILLING);
        assertThat(FailureText.classify("API Error: Repeated 529 Overloaded errors"))
                .isEqualTo(ErrorKind.OVERLOADED);
        assertThat(FailureText.classify("API Error: 502 Bad Gateway")).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(FailureText.classify("API Error (Connection error.)")).isEqualTo(ErrorKind.NETWORK);
        assertThat(FailureText.classify("TypeError: fetch failed")).isEqualTo(ErrorKind.NETWORK);
    }

    @Test
    void otherTextsNameNothing() {
        assertThat(FailureText.classify("make: *** [test] Error 1")).isNull();
        assertThat(FailureText.classify("")).isNull();
        assertThat(FailureText.classify(null)).isNull();
    }
}
