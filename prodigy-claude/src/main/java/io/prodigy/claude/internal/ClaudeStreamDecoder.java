package io.prodigy.claude.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.claude.AgentOutputParser;
import io.prodigy.claude.ProcessExit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes Claude Code's {@code --output-format stream-json} output; {@link ClaudeOutcomes} classifies the outcome
 * from what it kept ({@link StreamEvidence}).
 *
 * <p>What it keeps is bounded: the session's identity, the fields of the {@code result} line (with the result text,
 * which the CLI itself caps), the last assistant text (cut to {@value #KEPT_TEXT} characters), the latest quota and
 * retry signals, and counters. Lines that are not JSON objects, unknown {@code type}s and unknown fields are ignored.
 *
 * <p>The outcome comes from the {@code result} line: {@code is_error}, {@code subtype}, {@code terminal_reason} and
 * {@code api_error_status}, with the API error text, the assistant message's {@code error} field and the
 * {@code rate_limit_event} as supporting evidence; the exit code decides nothing while a result line exists (some
 * builds exit 0 with {@code is_error:true}, and a session ended after its result exits 143). Without a result line
 * the run crashed, unless stderr says why (a refused configuration, the {@code .claude.json} race, an API error).
 */
public final class ClaudeStreamDecoder implements AgentOutputParser.Decoder {
    private static final Logger LOG = LoggerFactory.getLogger(ClaudeStreamDecoder.class);

    static final String AGENT = "Claude Code";
    static final int KEPT_TEXT = 8000;
    private static final int SUMMARY = 200;
    private static final int MAX_ERRORS = 10;
    private static final int MAX_DENIALS = 50;
    private static final String TRUNCATION_SUFFIX = " bytes truncated ...]";

    /**
     * What the decoder checks beyond the result line.
     *
     * @param verifySlashCommands fail a {@code /command} prompt whose command the session did not list
     *                            ({@code init.slash_commands}): the CLI answers unknown commands as prose
     * @param failOnPermissionDenials fail a run whose result lists permission denials
     * @param clock the time and zone used to read quota reset times
     */
    public record Options(boolean verifySlashCommands, boolean failOnPermissionDenials, Clock clock) {
        /** Neither check, the system clock. */
        public static final Options LENIENT = new Options(false, false, Clock.systemDefaultZone());
    }

    private final AgentRequest request;
    private final Path transcript;
    private final Options options;
    private final Consumer<AgentActivity> activity;

    private String sessionId;
    private String model;
    private String cwd;
    private Set<String> slashCommands;
    private String lastAssistantText;
    private String assistantError;
    private boolean rateLimitRejected;
    private Instant rateLimitResetsAt;
    private Integer lastRetryStatus;
    private String lastRetryError;
    private int apiRetries;
    private long lines;
    private long skippedLines;
    private boolean oversizedResult;

    private boolean resultSeen;
    private boolean isError;
    private String subtype;
    private String terminalReason;
    private Integer apiErrorStatus;
    private String apiErrorCategory;
    private String resultText;
    private final List<String> errors = new ArrayList<>();
    private Long numTurns;
    private Long durationMs;
    private Double costUsd;
    private TokenUsage tokens = TokenUsage.NONE;
    private final List<String> deniedTools = new ArrayList<>();

    /**
     * @param request the invocation (its command and activity listener)
     * @param transcript the file that receives the complete stdout, or null
     * @param sessionId the session id passed with {@code --session-id}, or null
     * @param options checks beyond the result line
     */
    public ClaudeStreamDecoder(AgentRequest request, Path transcript, String sessionId, Options options) {
        this.request = request;
        this.transcript = transcript;
        this.sessionId = sessionId;
        this.options = options;
        this.activity = request.activity();
    }

    @Override
    public boolean onLine(String line) {
        lines++;
        if (line.endsWith(TRUNCATION_SUFFIX)) {
            // cut at 1 MiB by the line reader: not parseable; a cut result line is read back from the transcript
            skippedLines++;
            String head = line.substring(0, Math.min(line.length(), 200));
            // the real CLI writes "type" after the result text; only a result line starts with duration_api_ms
            if (head.startsWith("{")
                    && (head.contains("\"type\":\"result\"") || head.startsWith("{\"duration_api_ms\""))) {
                oversizedResult = true;
                return true;
            }
            return false;
        }
        ObjectNode node = JsonLines.object(line);
        if (node == null) {
            skippedLines++;
            return false;
        }
        String type = JsonLines.text(node, "type");
        if (type == null) {
            skippedLines++;
            return false;
        }
        if (sessionId == null) {
            sessionId = JsonLines.text(node, "session_id");
        }
        switch (type) {
            case "system":
                onSystem(node);
                return false;
            case "assistant":
                onAssistant(node);
                return false;
            case "user":
                onUser(node);
                return false;
            case "rate_limit_event":
                onRateLimit(node);
                return false;
            case "result":
                onResult(node);
                return true;
            default:
                return false;
        }
    }

    private void onSystem(JsonNode node) {
        String sub = JsonLines.text(node, "subtype");
        if ("init".equals(sub)) {
            String id = JsonLines.text(node, "session_id");
            if (id != null) {
                sessionId = id;
            }
            model = JsonLines.text(node, "model");
            cwd = JsonLines.text(node, "cwd");
            JsonNode commands = JsonLines.arrayField(node, "slash_commands");
            if (commands != null) {
                slashCommands = new HashSet<>();
                for (JsonNode c : commands) {
                    if (c.isTextual()) {
                        slashCommands.add(c.textValue());
                    }
                }
            }
            Map<String, String> details = new LinkedHashMap<>();
            put(details, "session_id", sessionId);
            put(details, "model", model);
            put(details, "cwd", cwd);
            put(details, "permission_mode", JsonLines.text(node, "permissionMode"));
            put(details, "claude_code_version", JsonLines.text(node, "claude_code_version"));
            put(details, "api_key_source", JsonLines.text(node, "apiKeySource"));
            JsonNode tools = JsonLines.arrayField(node, "tools");
            if (tools != null) {
                details.put("tools", Integer.toString(tools.size()));
            }
            if (transcript != null) {
                details.put("transcript", transcript.toString());
            }
            emit(
                    "session_started",
                    AGENT + " session " + (sessionId == null ? "?" : sessionId) + (model == null ? "" : " on " + model),
                    details);
        } else if ("api_retry".equals(sub)) {
            apiRetries++;
            Long status = JsonLines.integer(node, "error_status");
            lastRetryStatus = status == null ? null : status.intValue();
            lastRetryError = JsonLines.text(node, "error");
            Map<String, String> details = new LinkedHashMap<>();
            put(details, "attempt", JsonLines.integer(node, "attempt"));
            put(details, "max_retries", JsonLines.integer(node, "max_retries"));
            put(details, "error_status", status);
            put(details, "error", lastRetryError);
            put(details, "retry_delay_ms", JsonLines.integer(node, "retry_delay_ms"));
            emit(
                    "api_retry",
                    "API retry " + details.getOrDefault("attempt", "?") + "/"
                            + details.getOrDefault("max_retries", "?") + " after "
                            + (status == null ? "an error" : "HTTP " + status)
                            + (lastRetryError == null ? "" : " (" + lastRetryError + ")"),
                    details);
        }
    }

    private void onAssistant(JsonNode node) {
        String error = JsonLines.text(node, "error");
        if (error != null) {
            assistantError = error;
        }
        JsonNode message = JsonLines.objectField(node, "message");
        if (message == null && node.has("content")) {
            message = node; // early builds put the message fields at the top level
        }
        if (message == null) {
            return;
        }
        String messageModel = JsonLines.text(message, "model");
        if (model == null && messageModel != null && !messageModel.startsWith("<")) {
            model = messageModel;
        }
        JsonNode content = JsonLines.arrayField(message, "content");
        if (content == null) {
            return;
        }
        String parent = JsonLines.text(node, "parent_tool_use_id");
        for (JsonNode block : content) {
            String blockType = JsonLines.text(block, "type");
            if ("text".equals(blockType)) {
                String text = JsonLines.text(block, "text");
                if (text != null && !text.isBlank()) {
                    lastAssistantText = Results.cut(text, KEPT_TEXT);
                    Map<String, String> details = new LinkedHashMap<>();
                    put(details, "parent_tool_use_id", parent);
                    if ("<synthetic>".equals(messageModel)) {
                        details.put("synthetic", "true");
                    }
                    emit("message", Results.oneLine(text, SUMMARY), details);
                }
            } else if ("tool_use".equals(blockType) || "server_tool_use".equals(blockType)) {
                String name = JsonLines.text(block, "name");
                JsonNode input = JsonLines.objectField(block, "input");
                Map<String, String> details = new LinkedHashMap<>();
                put(details, "tool", name);
                put(details, "tool_use_id", JsonLines.text(block, "id"));
                put(details, "parent_tool_use_id", parent);
                String target = toolTarget(input);
                emit("tool_use", (name == null ? "tool" : name) + (target == null ? "" : " " + target), details);
            }
        }
    }

    /** The most telling input of a tool call: the command, file, pattern, URL or description. */
    static String toolTarget(JsonNode input) {
        if (input == null) {
            return null;
        }
        for (String field : new String[] {
            "command", "file_path", "notebook_path", "path", "pattern", "url", "query", "description", "prompt"
        }) {
            String value = JsonLines.text(input, field);
            if (value != null && !value.isBlank()) {
                return Results.oneLine(value, SUMMARY);
            }
        }
        return null;
    }

    private void onUser(JsonNode node) {
        JsonNode message = JsonLines.objectField(node, "message");
        JsonNode content = JsonLines.arrayField(message, "content");
        if (content == null) {
            return;
        }
        for (JsonNode block : content) {
            if ("tool_result".equals(JsonLines.text(block, "type")) && JsonLines.bool(block, "is_error", false)) {
                JsonNode c = block.get("content");
                String text = c == null ? "" : c.isTextual() ? c.textValue() : blockText(c);
                Map<String, String> details = new LinkedHashMap<>();
                put(details, "tool_use_id", JsonLines.text(block, "tool_use_id"));
                emit("tool_error", Results.oneLine(text, SUMMARY), details);
            }
        }
    }

    private static String blockText(JsonNode blocks) {
        if (blocks.isArray()) {
            for (JsonNode b : blocks) {
                String t = JsonLines.text(b, "text");
                if (t != null) {
                    return t;
                }
            }
        }
        return "";
    }

    private void onRateLimit(JsonNode node) {
        JsonNode info = JsonLines.objectField(node, "rate_limit_info");
        String status = JsonLines.text(info, "status");
        if (status == null || "allowed".equals(status)) {
            return;
        }
        Long resets = JsonLines.integer(info, "resetsAt");
        Instant resetsAt = resets == null ? null : QuotaResets.fromEpoch(resets);
        if ("rejected".equals(status)) {
            rateLimitRejected = true;
            rateLimitResetsAt = resetsAt;
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", status);
        put(details, "rate_limit_type", JsonLines.text(info, "rateLimitType"));
        put(details, "resets_at", resetsAt);
        Double utilization = JsonLines.number(info, "utilization");
        put(details, "utilization", utilization);
        emit("rate_limit", "usage limit " + status + (resetsAt == null ? "" : ", resets at " + resetsAt), details);
    }

    private void onResult(JsonNode node) {
        resultSeen = true;
        String id = JsonLines.text(node, "session_id");
        if (id != null) {
            sessionId = id;
        }
        isError = JsonLines.bool(node, "is_error", false);
        subtype = JsonLines.text(node, "subtype");
        terminalReason = JsonLines.text(node, "terminal_reason");
        Long status = JsonLines.integer(node, "api_error_status");
        apiErrorStatus = status == null ? null : status.intValue();
        apiErrorCategory = JsonLines.text(node, "api_error");
        resultText = JsonLines.text(node, "result");
        errors.clear();
        JsonNode errs = JsonLines.arrayField(node, "errors");
        if (errs != null) {
            for (JsonNode e : errs) {
                if (errors.size() == MAX_ERRORS) {
                    break;
                }
                String t = e.isTextual() ? e.textValue() : JsonLines.text(e, "message");
                if (t != null && !t.isBlank()) {
                    errors.add(Results.cut(t, 2000));
                }
            }
        }
        numTurns = JsonLines.integer(node, "num_turns");
        durationMs = JsonLines.integer(node, "duration_ms");
        costUsd = JsonLines.number(node, "total_cost_usd");
        if (costUsd == null) {
            costUsd = JsonLines.number(node, "cost_usd");
        }
        JsonNode usage = JsonLines.objectField(node, "usage");
        if (usage != null) {
            tokens = new TokenUsage(
                    JsonLines.count(usage, "input_tokens"),
                    JsonLines.count(usage, "output_tokens"),
                    JsonLines.count(usage, "cache_read_input_tokens"),
                    JsonLines.count(usage, "cache_creation_input_tokens"));
        }
        TokenUsage perModel = modelUsage(JsonLines.objectField(node, "modelUsage"));
        if (total(perModel) > total(tokens)) {
            // at --max-budget-usd the CLI reports usage as zeros (or only the last call's), the totals per model
            // in modelUsage are what total_cost_usd was computed from
            tokens = perModel;
        }
        deniedTools.clear();
        JsonNode denials = JsonLines.arrayField(node, "permission_denials");
        if (denials != null) {
            for (JsonNode d : denials) {
                if (deniedTools.size() == MAX_DENIALS) {
                    break;
                }
                String tool = JsonLines.text(d, "tool_name");
                deniedTools.add(tool == null ? "?" : tool);
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("input_tokens", Long.toString(tokens.inputTokens()));
        details.put("output_tokens", Long.toString(tokens.outputTokens()));
        details.put("cache_read_tokens", Long.toString(tokens.cacheReadTokens()));
        details.put("cache_creation_tokens", Long.toString(tokens.cacheCreationTokens()));
        put(details, "cost_usd", costUsd);
        put(details, "num_turns", numTurns);
        put(details, "duration_ms", durationMs);
        put(details, "subtype", subtype);
        details.put("is_error", Boolean.toString(isError));
        emit(
                "usage",
                tokens.inputTokens() + " in / " + tokens.outputTokens() + " out tokens"
                        + (costUsd == null ? "" : String.format(java.util.Locale.ROOT, ", $%.4f", costUsd))
                        + (numTurns == null ? "" : ", " + numTurns + " turns"),
                details);
        if (!deniedTools.isEmpty()) {
            Map<String, String> denied = new LinkedHashMap<>();
            denied.put("tools", String.join(",", deniedTools));
            emit(
                    "permission_denied",
                    deniedTools.size() + " tool call(s) were denied: " + String.join(", ", deniedTools),
                    denied);
        }
    }

    /** The token counts of {@code modelUsage}, summed over its models; {@link TokenUsage#NONE} if absent. */
    private static TokenUsage modelUsage(JsonNode models) {
        TokenUsage sum = TokenUsage.NONE;
        if (models == null) {
            return sum;
        }
        for (JsonNode m : models) {
            if (m.isObject()) {
                sum = sum.plus(new TokenUsage(
                        JsonLines.count(m, "inputTokens"),
                        JsonLines.count(m, "outputTokens"),
                        JsonLines.count(m, "cacheReadInputTokens"),
                        JsonLines.count(m, "cacheCreationInputTokens")));
            }
        }
        return sum;
    }

    private static long total(TokenUsage t) {
        return t.inputTokens() + t.outputTokens() + t.cacheReadTokens() + t.cacheCreationTokens();
    }

    @Override
    public AgentResult finish(ProcessExit exit) {
        if (!resultSeen && oversizedResult && exit.transcript() != null) {
            JsonNode recovered = TranscriptRecovery.lastResult(exit.transcript());
            if (recovered != null) {
                onResult(recovered);
            }
        }
        AgentResult.Builder b = AgentResult.builder()
                .sessionId(sessionId)
                .costUsd(costUsd)
                .tokens(tokens)
                .exitCode(exit.exitCode());
        return new ClaudeOutcomes(request, options).classify(b, evidence(), exit);
    }

    /** @return what the stream said, for the classification */
    private StreamEvidence evidence() {
        return new StreamEvidence(
                resultSeen,
                isError,
                subtype,
                terminalReason,
                apiErrorStatus,
                apiErrorCategory,
                resultText,
                List.copyOf(errors),
                numTurns,
                lastAssistantText,
                assistantError,
                rateLimitRejected,
                rateLimitResetsAt,
                lastRetryStatus,
                lastRetryError,
                apiRetries,
                lines,
                skippedLines,
                List.copyOf(deniedTools),
                slashCommands == null ? null : Set.copyOf(slashCommands),
                cwd);
    }

    private void emit(String type, String summary, Map<String, String> details) {
        try {
            activity.accept(new AgentActivity(type, summary, details));
        } catch (RuntimeException e) {
            LOG.warn("An agent activity listener failed; the run goes on", e);
        }
    }

    private static void put(Map<String, String> details, String key, Object value) {
        if (value != null) {
            details.put(key, value.toString());
        }
    }
}
