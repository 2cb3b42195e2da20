package io.prodigy.api.spi;

/**
 * Tokens an agent used.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param cacheReadTokens tokens read from the prompt cache
 * @param cacheCreationTokens tokens written to the prompt cache
 * @since 0.1
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens) {
    /** No tokens. */
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

    /**
     * @param other more usage
     * @return the sum
     */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens,
                cacheCreationTokens + other.cacheCreationTokens);
    }
}
