package io.prodigy.claude.internal;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.claude.ProcessExit;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies a Claude Code session's outcome from what its stream said ({@link StreamEvidence}) and how the process
 * ended.
 *
 * <p>The outcome comes from the {@code result} line: {@code is_error}, {@code subtype}, {@code terminal_reason} and
 * {@code api_error_status}, with the API error text, the assistant message's {@code error} field and the
 * {@code rate_limit_event} as supporting evidence; the exit code decides nothing while a result line exists (some
 * builds exit 0 with {@code is_error:true}, and a session ended after its result exits 143). Without a result line
 * the run crashed, unless stderr says why (a refused configuration, the {@code .claude.json} race, an API error).
 */
final class ClaudeOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(ClaudeOutcomes.class);
    private static final String AGENT = ClaudeStreamDecoder.AGENT;

    private final AgentRequest request;
    private final ClaudeStreamDecoder.Options options;

    /**
     * @param request the invocation (its command and workspace, for the slash-command check)
     * @param options the checks beyond the result line
     */
    ClaudeOutcomes(AgentRequest request, ClaudeStreamDecoder.Options options) {
        this.request = request;
        this.options = options;
    }

    /**
     * @param b a result builder with the session, cost, tokens and exit code already set
     * @param e what the stream said
     * @param exit how the process ended
     * @return the outcome
     */
    AgentResult classify(AgentResult.Builder b, StreamEvidence e, ProcessExit exit) {
        return e.resultSeen() ? fromResult(b, e) : withoutResult(b, e, exit);
    }

    private AgentResult fromResult(AgentResult.Builder b, StreamEvidence e) {
        String text = e.resultText() != null ? e.resultText() : "";
        boolean success = !e.isError() && (e.subtype() == null || "success".equals(e.subtype()));
        if (success) {
            String output = e.resultText() != null
                    ? e.resultText()
                    : e.lastAssistantText() == null ? "" : e.lastAssistantText();
            b.output(output);
            String unknownCommand = options.verifySlashCommands()
                    ? SlashCommands.unknown(request.command(), e.slashCommands(), request.workspace())
                    : null;
            if (unknownCommand != null) {
                List<String> namespaced = SlashCommands.namespaced(unknownCommand, e.slashCommands());
                return b.success(false)
                        .errorKind(ErrorKind.CONFIGURATION)
                        .errorMessage(AGENT
                                + " does not know the slash command /" + unknownCommand + " in "
                                + (e.cwd() != null ? e.cwd() : request.workspace())
                                + ", so it never ran (the CLI answers an unknown command as a plain "
                                + "prompt and reports success)"
                                + (namespaced.isEmpty()
                                        ? ""
                                        : "; it knows /" + String.join(", /", namespaced)
                                                + ": a command in a subdirectory is named <directory>:<name>")
                                + "; add .claude/commands/" + unknownCommand.replace(':', '/')
                                + ".md to the workspace (or "
                                + "~/.claude/commands), or turn the check off with verifySlashCommands(false)")
                        .build();
            }
            if (options.failOnPermissionDenials() && !e.deniedTools().isEmpty()) {
                return b.success(false)
                        .errorKind(ErrorKind.COMMAND_FAILED)
                        .errorMessage(AGENT + " was denied "
                                + e.deniedTools().size() + " tool call(s) (" + String.join(", ", e.deniedTools())
                                + "); allow them "
                                + "with allowedTools(...) or a permission mode that approves them")
                        .build();
            }
            return b.success(true).build();
        }
        b.success(false).output(text);
        boolean apiError = e.apiErrorStatus() != null
                || "api_error".equals(e.terminalReason())
                || e.rateLimitRejected()
                || ("success".equals(e.subtype()) || e.subtype() == null);
        if (apiError) {
            return apiFailure(b, e, text);
        }
        String detail = e.errors().isEmpty() ? Results.oneLine(text, 2000) : String.join("; ", e.errors());
        if ("error_max_turns".equals(e.subtype()) || "max_turns".equals(e.terminalReason())) {
            return b.errorKind(ErrorKind.MAX_TURNS)
                    .errorMessage(AGENT + " stopped at its turn limit"
                            + (e.numTurns() == null ? "" : " after " + e.numTurns() + " turns") + suffix(detail))
                    .build();
        }
        if ("error_max_budget_usd".equals(e.subtype()) || "budget_exhausted".equals(e.terminalReason())) {
            return b.errorKind(ErrorKind.COMMAND_FAILED)
                    .errorMessage(AGENT + " stopped at its per-call budget" + " (--max-budget-usd)" + suffix(detail))
                    .build();
        }
        if ("prompt_too_long".equals(e.terminalReason()) || "blocking_limit".equals(e.terminalReason())) {
            return b.errorKind(ErrorKind.COMMAND_FAILED)
                    .errorMessage(AGENT + " stopped: the conversation no " + "longer fits the model's context ("
                            + e.terminalReason() + ")" + suffix(detail))
                    .build();
        }
        return b.errorKind(ErrorKind.COMMAND_FAILED)
                .errorMessage(
                        AGENT + " failed" + (e.subtype() == null ? "" : " (" + e.subtype() + ")") + suffix(detail))
                .build();
    }

    private AgentResult apiFailure(AgentResult.Builder b, StreamEvidence e, String text) {
        ErrorKind kind = apiErrorKind(e, text);
        String status = e.apiErrorStatus() != null ? " (HTTP " + e.apiErrorStatus() + ")" : "";
        String shown = Results.oneLine(text.isBlank() ? String.join("; ", e.errors()) : text, 2000);
        if (kind == ErrorKind.QUOTA_EXHAUSTED) {
            Instant resets =
                    e.rateLimitResetsAt() != null ? e.rateLimitResetsAt() : QuotaResets.parse(text, options.clock());
            b.retryAfter(resets);
            return b.errorKind(kind)
                    .errorMessage(AGENT + ": its usage quota is exhausted" + (resets == null ? "" : " until " + resets)
                            + suffix(shown))
                    .build();
        }
        if (kind == null) {
            return b.errorKind(ErrorKind.COMMAND_FAILED)
                    .errorMessage(AGENT + " got an API error" + status + suffix(shown))
                    .build();
        }
        return b.errorKind(kind)
                .errorMessage(AGENT + ": " + FailureText.describe(kind) + status + suffix(shown))
                .build();
    }

    /** The class of an API failure: the HTTP status and structured signals first, the text as a fallback. */
    private static ErrorKind apiErrorKind(StreamEvidence e, String text) {
        if (e.rateLimitRejected() || FailureText.isQuota(text)) {
            return ErrorKind.QUOTA_EXHAUSTED;
        }
        int status = e.apiErrorStatus() != null
                ? e.apiErrorStatus()
                : "api_error".equals(e.terminalReason()) && e.lastRetryStatus() != null ? e.lastRetryStatus() : 0;
        if (status == 429) {
            return ErrorKind.RATE_LIMITED;
        }
        if (status == 401 || status == 403 || "authentication_failed".equals(e.assistantError())) {
            return ErrorKind.AUTHENTICATION;
        }
        if ("billing_error".equals(e.assistantError()) || FailureText.isBilling(text)) {
            return ErrorKind.BILLING;
        }
        if (status == 529) {
            return ErrorKind.OVERLOADED;
        }
        if (status >= 500 && status <= 599) {
            return ErrorKind.SERVER_ERROR;
        }
        if ("rate_limit".equals(e.assistantError())) {
            return ErrorKind.RATE_LIMITED;
        }
        if (status >= 400 && status <= 499) {
            return null; // a bad request: the request or the model name is wrong, not a transient condition
        }
        if ("connection_failed".equals(e.apiErrorCategory())) {
            return ErrorKind.NETWORK;
        }
        ErrorKind byText = FailureText.classify(text);
        if (byText == null) {
            byText = FailureText.classify(String.join("\n", e.errors()));
        }
        if (byText == null && "server_error".equals(e.assistantError())) {
            return ErrorKind.SERVER_ERROR;
        }
        return byText;
    }

    private AgentResult withoutResult(AgentResult.Builder b, StreamEvidence e, ProcessExit exit) {
        b.success(false).output(e.lastAssistantText() == null ? "" : e.lastAssistantText());
        if (exit.timedOut() && e.apiRetries() > 0) {
            return retryStormCut(b, e);
        }
        String stderr = exit.stderr();
        String configuration = configurationProblem(stderr);
        if (configuration != null) {
            return b.errorKind(ErrorKind.CONFIGURATION)
                    .errorMessage(configuration)
                    .build();
        }
        if (stderr.contains(".claude.json") && stderr.contains("corrupted")) {
            return b.errorKind(ErrorKind.CRASH)
                    .errorMessage(AGENT + " found its configuration file corrupted by "
                            + "a concurrent session (the ~/.claude.json race); trying again usually works, and "
                            + "configDirectoryPerWorker(...) avoids it: " + Results.oneLine(stderr, 500))
                    .build();
        }
        if (e.rateLimitRejected()) {
            b.retryAfter(e.rateLimitResetsAt());
            return b.errorKind(ErrorKind.QUOTA_EXHAUSTED)
                    .errorMessage(AGENT + ": its usage quota is exhausted"
                            + (e.rateLimitResetsAt() == null ? "" : " until " + e.rateLimitResetsAt())
                            + " (it exited without a result)")
                    .build();
        }
        String evidence = e.assistantError() != null && e.lastAssistantText() != null
                ? stderr + "\n" + e.lastAssistantText()
                : stderr;
        ErrorKind byText = exit.terminated() ? null : FailureText.classify(evidence);
        if (byText != null) {
            if (byText == ErrorKind.QUOTA_EXHAUSTED) {
                b.retryAfter(QuotaResets.parse(evidence, options.clock()));
            }
            return b.errorKind(byText)
                    .errorMessage(AGENT + ": " + FailureText.describe(byText)
                            + " (exit code " + exit.exitCode() + ", no result line)"
                            + suffix(Results.oneLine(stderr.isBlank() ? evidence : stderr, 1000)))
                    .build();
        }
        String how = exit.exitCode() > 128
                ? "was killed by signal " + (exit.exitCode() - 128)
                : "exited with code " + exit.exitCode();
        LOG.debug("{} {} without a result line after {} lines ({} skipped)", AGENT, how, e.lines(), e.skippedLines());
        return b.errorKind(ErrorKind.CRASH)
                .errorMessage(AGENT + " " + how + " without a result line"
                        + (e.lines() == 0 ? " and wrote nothing to stdout" : " after " + e.lines() + " output lines")
                        + (stderr.isBlank() ? "" : "; stderr: " + AgentInvocation.tail(stderr, 1500)))
                .build();
    }

    /**
     * The request's timeout ended a session that was retrying the API: the throttling it saw is the news. A 429 or
     * 529 keeps its class ({@link ErrorKind#RATE_LIMITED}, {@link ErrorKind#OVERLOADED}) so that the engine's
     * throttle reacts; anything else stays a {@link ErrorKind#TIMEOUT} that names the retries. The runner puts the
     * timeout in front of the message.
     */
    private static AgentResult retryStormCut(AgentResult.Builder b, StreamEvidence e) {
        ErrorKind kind = e.lastRetryStatus() == null
                ? ErrorKind.TIMEOUT
                : switch (e.lastRetryStatus()) {
                    case 429 -> ErrorKind.RATE_LIMITED;
                    case 529 -> ErrorKind.OVERLOADED;
                    default -> ErrorKind.TIMEOUT;
                };
        if ("rate_limit".equals(e.lastRetryError()) && kind == ErrorKind.TIMEOUT) {
            kind = ErrorKind.RATE_LIMITED;
        }
        return b.errorKind(kind)
                .errorMessage("while the CLI was retrying the API: " + e.apiRetries() + " api_retry "
                        + (e.apiRetries() == 1 ? "line" : "lines") + ", the last after "
                        + (e.lastRetryStatus() == null
                                ? "a failure without an HTTP status"
                                : "HTTP " + e.lastRetryStatus())
                        + (e.lastRetryError() == null ? "" : " (" + e.lastRetryError() + ")")
                        + (kind == ErrorKind.TIMEOUT ? "" : "; " + FailureText.describe(kind)))
                .build();
    }

    /** A refusal to start that no retry can fix, with what to do about it; or null. */
    static String configurationProblem(String stderr) {
        if (stderr.isBlank()) {
            return null;
        }
        String first = Results.oneLine(stderr, 500);
        if (stderr.contains("cannot be launched inside another Claude Code session")) {
            return AGENT + " refused to start inside another Claude Code session (CLAUDECODE is set in its "
                    + "environment; the runner removes it, so a wrapper script must be setting it): " + first;
        }
        if (stderr.contains("cannot be used with root/sudo privileges")) {
            return AGENT + " refuses to bypass permissions as root: run as a non-root user, set IS_SANDBOX=1 in "
                    + "the runner's environment inside a sandbox, or use PermissionMode.ACCEPT_EDITS with "
                    + "allowedTools(...): " + first;
        }
        if (stderr.contains("requires --verbose")) {
            return AGENT + " rejected the arguments: " + first;
        }
        if (stderr.contains("error: unknown option")
                || stderr.contains("argument missing")
                || stderr.contains("is invalid. Allowed choices")
                || stderr.contains("too many arguments")) {
            return AGENT + " rejected the arguments (check extraArgs and the installed version with "
                    + "`claude --version`): " + first;
        }
        if (stderr.contains("Input must be provided")) {
            return AGENT + " received no prompt: " + first;
        }
        return null;
    }

    private static String suffix(String detail) {
        return detail == null || detail.isBlank() ? "" : ": " + detail;
    }
}
