package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.core.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes and reads {@link RecordedItemResult}: the JSON object an {@code item_finished} journal record holds as
 * {@code result_json} and {@code ${map.results}} lists. It has the Rust tool's {@code AgentResult} fields
 * ({@code item_id}, {@code status} {@code "Success"} / {@code {"Failed": msg}} / {@code "Timeout"}, {@code output},
 * {@code commits}, {@code files_modified}, {@code duration {secs, nanos}}, {@code error}, {@code worktree_path},
 * {@code branch_name}, {@code worktree_session_id}, {@code json_log_location}) plus this engine's
 * ({@code item_status}, {@code duration_ms}, {@code attempts}, {@code error_kind}, {@code cost_usd}). The fields and
 * their order are the same in every version that wrote a journal, so old journals read unchanged.
 */
public final class ItemResultCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ItemResultCodec() {}

    /**
     * @param r a result
     * @return its JSON object (a new, mutable node)
     * @throws NullPointerException if {@code r} is null
     */
    public static ObjectNode toJson(RecordedItemResult r) {
        ObjectNode o = NODES.objectNode();
        o.put("item_id", r.itemId());
        if (r.status() == ItemStatus.SUCCEEDED) {
            o.put("status", "Success");
        } else if (r.error() != null && r.errorKind() == ErrorKind.TIMEOUT) {
            o.put("status", "Timeout");
        } else {
            o.putObject("status")
                    .put("Failed", r.error() == null ? r.status().name().toLowerCase(Locale.ROOT) : r.error());
        }
        o.put("item_status", r.status().name().toLowerCase(Locale.ROOT));
        o.put("output", r.output());
        ArrayNode commits = o.putArray("commits");
        r.commits().forEach(commits::add);
        ArrayNode files = o.putArray("files_modified");
        r.filesModified().forEach(files::add);
        o.putObject("duration")
                .put("secs", r.duration().getSeconds())
                .put("nanos", r.duration().getNano());
        if (r.error() == null) {
            o.putNull("error");
        }
        o.put(
                "worktree_path",
                r.worktreePath() == null ? null : r.worktreePath().toString());
        o.put("branch_name", r.branchName());
        o.put(
                "worktree_session_id",
                r.worktreePath() == null || r.worktreePath().getFileName() == null
                        ? null
                        : r.worktreePath().getFileName().toString());
        o.putNull("json_log_location");
        o.put("duration_ms", r.duration().toMillis());
        o.put("attempts", r.attempts());
        if (r.error() != null) {
            o.put("error", r.error());
            o.put("error_kind", r.errorKind().name());
        }
        if (r.costUsd() != null) {
            o.put("cost_usd", r.costUsd());
        }
        return o;
    }

    /**
     * @param r a result
     * @return its JSON object as compact text, as the journal stores it (before secret masking)
     * @throws NullPointerException if {@code r} is null
     */
    public static String encode(RecordedItemResult r) {
        return Json.write(toJson(r));
    }

    /**
     * Reads the result of an {@code item_finished} record. The record's own item id and status win over the
     * JSON's; fields the JSON lacks take the values of {@link RecordedItemResult#statusOnly}, and an unknown
     * {@code error_kind} reads as {@link ErrorKind#UNKNOWN}.
     *
     * @param finished the journal record
     * @return its result, or empty when the record holds none or its text is not a JSON object (the status is all
     *         that is known then)
     * @throws NullPointerException if {@code finished} is null
     */
    public static Optional<RecordedItemResult> decode(JournalEntry.ItemFinished finished) {
        String text = finished.resultJson();
        if (text == null) {
            return Optional.empty();
        }
        JsonNode r;
        try {
            r = Json.parse(text);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (r == null || !r.isObject()) {
            return Optional.empty();
        }
        String error = r.hasNonNull("error") ? r.path("error").asText() : null;
        return Optional.of(new RecordedItemResult(
                finished.itemId(),
                finished.status(),
                r.path("output").asText(""),
                texts(r.path("commits")),
                texts(r.path("files_modified")),
                Duration.ofMillis(r.path("duration_ms").asLong()),
                r.path("attempts").asInt(1),
                error,
                error == null ? null : errorKind(r.path("error_kind").asText()),
                r.hasNonNull("worktree_path") ? Path.of(r.path("worktree_path").asText()) : null,
                r.hasNonNull("branch_name") ? r.path("branch_name").asText() : null,
                r.hasNonNull("cost_usd") ? r.path("cost_usd").asDouble() : null));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(c -> out.add(c.asText()));
        return out;
    }

    private static ErrorKind errorKind(String name) {
        try {
            return ErrorKind.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorKind.UNKNOWN;
        }
    }
}
