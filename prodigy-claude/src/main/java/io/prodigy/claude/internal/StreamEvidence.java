package io.prodigy.claude.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a Claude Code session's {@code stream-json} output said, as far as its outcome is concerned: kept by
 * {@link ClaudeStreamDecoder}, read by {@link ClaudeOutcomes}.
 *
 * @param resultSeen whether a {@code result} line came
 * @param isError the result's {@code is_error}
 * @param subtype the result's {@code subtype}, or null
 * @param terminalReason the result's {@code terminal_reason}, or null
 * @param apiErrorStatus the result's {@code api_error_status}, or null
 * @param apiErrorCategory the category of the last API error, or null
 * @param resultText the result's text, or null
 * @param errors the result's {@code errors}
 * @param numTurns the result's {@code num_turns}, or null
 * @param lastAssistantText the last assistant text (cut), or null
 * @param assistantError the last assistant message's {@code error}, or null
 * @param rateLimitRejected whether a {@code rate_limit_event} said the quota is exhausted
 * @param rateLimitResetsAt when that quota resets, or null
 * @param lastRetryStatus the HTTP status of the last {@code api_retry}, or null
 * @param lastRetryError the error of the last {@code api_retry}, or null
 * @param apiRetries how many {@code api_retry} lines came
 * @param lines the output lines read
 * @param skippedLines the lines that were not JSON objects
 * @param deniedTools the tool calls the result lists as denied
 * @param slashCommands the session's {@code init.slash_commands}, or null when no init line came
 * @param cwd the session's working directory, or null
 */
record StreamEvidence(
        boolean resultSeen,
        boolean isError,
        String subtype,
        String terminalReason,
        Integer apiErrorStatus,
        String apiErrorCategory,
        String resultText,
        List<String> errors,
        Long numTurns,
        String lastAssistantText,
        String assistantError,
        boolean rateLimitRejected,
        Instant rateLimitResetsAt,
        Integer lastRetryStatus,
        String lastRetryError,
        int apiRetries,
        long lines,
        long skippedLines,
        List<String> deniedTools,
        Set<String> slashCommands,
        String cwd) {}
