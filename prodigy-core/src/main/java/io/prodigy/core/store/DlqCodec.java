package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonGenerator;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Dead Letter Queue records: {@code added} (a whole entry), {@code attempts} (attempts merged into an entry by
 * a later add) and {@code resolved}. An entry is its {@code added} record folded with the later ones.
 */
final class DlqCodec {
    static final String ADDED = "added";
    static final String ATTEMPTS = "attempts";
    static final String RESOLVED = "resolved";

    private DlqCodec() {}

    static byte[] added(DlqEntry e) {
        return JsonRecords.line(ADDED, g -> {
            JsonRecords.writeRequired(g, "item_id", e.itemId());
            JsonRecords.writeString(g, "item_json", e.itemJson());
            writeAttempts(g, e.attempts());
            JsonRecords.writePath(g, "workspace", e.workspace());
            g.writeBooleanField("resolved", e.resolved());
            JsonRecords.writeRequired(g, "first_failure", e.firstFailure());
            JsonRecords.writeRequired(g, "last_failure", e.lastFailure());
        });
    }

    static byte[] attempts(DlqEntry e) {
        return JsonRecords.line(ATTEMPTS, g -> {
            JsonRecords.writeRequired(g, "item_id", e.itemId());
            JsonRecords.writeString(g, "item_json", e.itemJson());
            writeAttempts(g, e.attempts());
            JsonRecords.writePath(g, "workspace", e.workspace());
            g.writeBooleanField("resolved", e.resolved());
            JsonRecords.writeRequired(g, "last_failure", e.lastFailure());
        });
    }

    static byte[] resolved(String itemId, Instant at) {
        return JsonRecords.line(RESOLVED, g -> {
            JsonRecords.writeRequired(g, "item_id", itemId);
            JsonRecords.writeInstant(g, "at", at);
        });
    }

    /** @return the record's type, checked to be one this version reads */
    static String type(Record n) {
        String type = JsonRecords.type(n);
        if (!ADDED.equals(type) && !ATTEMPTS.equals(type) && !RESOLVED.equals(type)) {
            throw new RecordFormatException("unknown DLQ record type '" + type + "'; this version reads format "
                    + "version " + JsonRecords.VERSION + ", whose types are " + ADDED + ", " + ATTEMPTS + " and "
                    + RESOLVED);
        }
        return type;
    }

    static String itemId(Record n) {
        return JsonRecords.text(n, "item_id");
    }

    /** @return the entry an {@code added} record holds */
    static DlqEntry entry(String runId, Record n) {
        return new DlqEntry(
                runId,
                itemId(n),
                JsonRecords.optionalText(n, "item_json"),
                readAttempts(n),
                JsonRecords.optionalPath(n, "workspace"),
                JsonRecords.bool(n, "resolved"),
                JsonRecords.instant(n, "first_failure"),
                JsonRecords.instant(n, "last_failure"));
    }

    /**
     * @param entry an entry
     * @param n a later record of the same item
     * @return the entry with the record applied
     */
    static DlqEntry fold(DlqEntry entry, Record n) {
        String type = type(n);
        if (RESOLVED.equals(type)) {
            return entry.resolved()
                    ? entry
                    : new DlqEntry(
                            entry.runId(),
                            entry.itemId(),
                            entry.itemJson(),
                            entry.attempts(),
                            entry.workspace(),
                            true,
                            entry.firstFailure(),
                            entry.lastFailure());
        }
        if (ADDED.equals(type)) {
            throw new RecordFormatException("item '" + entry.itemId() + "' is added a second time");
        }
        List<FailedAttempt> attempts = new ArrayList<>(entry.attempts());
        attempts.addAll(readAttempts(n));
        java.nio.file.Path workspace = JsonRecords.optionalPath(n, "workspace");
        return new DlqEntry(
                entry.runId(),
                entry.itemId(),
                JsonRecords.optionalText(n, "item_json"),
                attempts,
                workspace != null ? workspace : entry.workspace(),
                JsonRecords.bool(n, "resolved"),
                entry.firstFailure(),
                JsonRecords.instant(n, "last_failure"));
    }

    private static void writeAttempts(JsonGenerator g, List<FailedAttempt> attempts) throws IOException {
        g.writeArrayFieldStart("attempts");
        for (FailedAttempt a : attempts) {
            g.writeStartObject();
            g.writeNumberField("attempt", a.attempt());
            JsonRecords.writeInstant(g, "at", a.at());
            JsonRecords.writeEnum(g, "error_kind", a.errorKind());
            JsonRecords.writeString(g, "message", a.message());
            JsonRecords.writeInteger(g, "exit_code", a.exitCode());
            JsonRecords.writeString(g, "step", a.step());
            JsonRecords.writeString(g, "log_location", a.logLocation());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static List<FailedAttempt> readAttempts(Record n) {
        List<FailedAttempt> list = new ArrayList<>();
        for (Record a : JsonRecords.records(n, "attempts")) {
            list.add(new FailedAttempt(
                    JsonRecords.integer(a, "attempt"),
                    JsonRecords.optionalInstant(a, "at"),
                    JsonRecords.optionalEnum(a, "error_kind", ErrorKind.class),
                    JsonRecords.optionalText(a, "message"),
                    JsonRecords.optionalInteger(a, "exit_code"),
                    JsonRecords.optionalText(a, "step"),
                    JsonRecords.optionalText(a, "log_location")));
        }
        return list;
    }
}
