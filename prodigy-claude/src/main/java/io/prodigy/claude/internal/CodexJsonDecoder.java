package io.prodigy.claude.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.AgentOutputParser;
import io.prodigy.claude.ProcessExit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes OpenAI Codex's {@code codex exec --json} output: {@code thread.started{thread_id}}, {@code turn.started},
 * {@code item.started|updated|completed{item{type: agent_message|reasoning|command_execution|file_change|
 * mcp_tool_call|web_search|todo_list|error}}}, {@code turn.completed{usage}}, {@code turn.failed{error{message}}} and
 * {@code error} (retry chatter, not terminal). Codex reports tokens but no cost; its {@code input_tokens} include the
 * cached ones, which are reported apart here as cache reads.
 */
public final class CodexJsonDecoder implements AgentOutputParser.Decoder {
    private static final Logger LOG = LoggerFactory.getLogger(CodexJsonDecoder.class);
    static final String AGENT = "Codex";
    private static final int SUMMARY = 200;

    private final AgentRequest request;
    private final Path transcript;
    private String threadId;
    private String lastMessage;
    private String lastError;
    private String failure;
    private boolean completed;
    private boolean failed;
    private TokenUsage tokens = TokenUsage.NONE;

    /**
     * @param request the invocation
     * @param transcript the transcript file, or null
     */
    public CodexJsonDecoder(AgentRequest request, Path transcript) {
        this.request = request;
        this.transcript = transcript;
    }

    @Override
    public boolean onLine(String line) {
        ObjectNode node = JsonLines.object(line);
        String type = JsonLines.text(node, "type");
        if (type == null) {
            return false;
        }
        switch (type) {
            case "thread.started":
            case "thread.resumed":
                threadId = JsonLines.text(node, "thread_id");
                Map<String, String> details = new LinkedHashMap<>();
                if (threadId != null) {
                    details.put("session_id", threadId);
                }
                if (transcript != null) {
                    details.put("transcript", transcript.toString());
                }
                emit("session_started", AGENT + " thread " + (threadId == null ? "?" : threadId), details);
                return false;
            case "item.started":
            case "item.completed":
                onItem(JsonLines.objectField(node, "item"), type.equals("item.completed"));
                return false;
            case "turn.completed":
                completed = true;
                JsonNode usage = JsonLines.objectField(node, "usage");
                if (usage != null) {
                    long input = JsonLines.count(usage, "input_tokens");
                    long cached = Math.min(input, JsonLines.count(usage, "cached_input_tokens"));
                    tokens = tokens.plus(
                            new TokenUsage(input - cached, JsonLines.count(usage, "output_tokens"), cached, 0));
                    emit(
                            "usage",
                            input + " in / " + tokens.outputTokens() + " out tokens",
                            Map.of(
                                    "input_tokens", Long.toString(tokens.inputTokens()),
                                    "output_tokens", Long.toString(tokens.outputTokens()),
                                    "cache_read_tokens", Long.toString(tokens.cacheReadTokens())));
                }
                return true;
            case "turn.failed":
                failed = true;
                failure = JsonLines.text(JsonLines.objectField(node, "error"), "message");
                return true;
            case "error":
                lastError = JsonLines.text(node, "message");
                if (lastError != null) {
                    emit("api_retry", Results.oneLine(lastError, SUMMARY), Map.of());
                }
                return false;
            default:
                return false;
        }
    }

    private void onItem(JsonNode item, boolean done) {
        String type = JsonLines.text(item, "type");
        if (type == null) {
            return;
        }
        if (!done) {
            if (type.equals("command_execution")) {
                tool("Bash", JsonLines.text(item, "command"));
            } else if (type.equals("mcp_tool_call")) {
                tool("mcp__" + JsonLines.text(item, "server") + "__" + JsonLines.text(item, "tool"), null);
            } else if (type.equals("web_search")) {
                tool("WebSearch", JsonLines.text(item, "query"));
            }
            return;
        }
        switch (type) {
            case "agent_message":
                String text = JsonLines.text(item, "text");
                if (text != null) {
                    lastMessage = Results.cut(text, ClaudeStreamDecoder.KEPT_TEXT);
                    emit("message", Results.oneLine(text, SUMMARY), Map.of());
                }
                break;
            case "file_change":
                JsonNode changes = JsonLines.arrayField(item, "changes");
                List<String> paths = new ArrayList<>();
                if (changes != null) {
                    for (JsonNode change : changes) {
                        String path = JsonLines.text(change, "path");
                        if (path != null && paths.size() < 5) {
                            paths.add(path);
                        }
                    }
                }
                tool("Edit", String.join(", ", paths));
                break;
            case "error":
                lastError = JsonLines.text(item, "message");
                break;
            default:
                break;
        }
    }

    private void tool(String name, String target) {
        emit(
                "tool_use",
                name + (target == null || target.isBlank() ? "" : " " + Results.oneLine(target, SUMMARY)),
                Map.of("tool", name));
    }

    @Override
    public AgentResult finish(ProcessExit exit) {
        AgentResult.Builder b =
                AgentResult.builder().sessionId(threadId).tokens(tokens).output(lastMessage == null ? "" : lastMessage);
        if (completed && !failed) {
            return b.success(true).build();
        }
        String evidence =
                (failure == null ? "" : failure) + "\n" + (lastError == null ? "" : lastError) + "\n" + exit.stderr();
        ErrorKind kind = exit.terminated() ? null : FailureText.classify(evidence);
        if (kind == ErrorKind.QUOTA_EXHAUSTED) {
            b.retryAfter(QuotaResets.parse(evidence, Clock.systemDefaultZone()));
        }
        String detail = failure != null
                ? failure
                : lastError != null
                        ? lastError
                        : exit.stderr().isBlank() ? "" : AgentInvocation.tail(exit.stderr(), 1500);
        if (kind != null) {
            return b.success(false)
                    .errorKind(kind)
                    .errorMessage(AGENT + ": " + FailureText.describe(kind)
                            + (detail.isBlank() ? "" : ": " + Results.oneLine(detail, 1000)))
                    .build();
        }
        if (failed) {
            return b.success(false)
                    .errorKind(ErrorKind.COMMAND_FAILED)
                    .errorMessage(AGENT + " failed" + (detail.isBlank() ? "" : ": " + Results.oneLine(detail, 2000)))
                    .build();
        }
        LOG.debug("{} ended without turn.completed for {}", AGENT, request.stepLabel());
        return b.success(false)
                .errorKind(ErrorKind.CRASH)
                .errorMessage(AGENT + " exited with code " + exit.exitCode() + " without finishing its turn"
                        + (detail.isBlank() ? "" : ": " + detail))
                .build();
    }

    private void emit(String type, String summary, Map<String, String> details) {
        try {
            request.activity().accept(new AgentActivity(type, summary, details));
        } catch (RuntimeException e) {
            LOG.warn("An agent activity listener failed; the run goes on", e);
        }
    }
}
