package io.prodigy.core.store;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.util.TreeMap;

/** Journal records: one line per {@link JournalEntry}, its {@code type} in snake case. */
final class JournalCodec {
    static final String STEP_COMPLETED = "step_completed";
    static final String ITEM_DISPATCHED = "item_dispatched";
    static final String ITEM_FINISHED = "item_finished";
    static final String ITEM_INTEGRATED = "item_integrated";
    static final String ITEM_DEAD_LETTERED = "item_dead_lettered";
    static final String PHASE_COMPLETED = "phase_completed";
    static final String ITEMS_RESOLVED = "items_resolved";

    private JournalCodec() {}

    static byte[] encode(JournalEntry entry) {
        if (entry instanceof JournalEntry.ItemDispatched e) {
            return JsonRecords.line(ITEM_DISPATCHED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                g.writeNumberField("stage", e.stage());
                JsonRecords.writeRequired(g, "item_id", e.itemId());
                g.writeNumberField("attempt", e.attempt());
            });
        }
        if (entry instanceof JournalEntry.ItemFinished e) {
            return JsonRecords.line(ITEM_FINISHED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                g.writeNumberField("stage", e.stage());
                JsonRecords.writeRequired(g, "item_id", e.itemId());
                JsonRecords.writeRequired(g, "status", e.status());
                JsonRecords.writeString(g, "result_json", e.resultJson());
            });
        }
        if (entry instanceof JournalEntry.ItemIntegrated e) {
            return JsonRecords.line(ITEM_INTEGRATED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                g.writeNumberField("stage", e.stage());
                JsonRecords.writeRequired(g, "item_id", e.itemId());
                JsonRecords.writeString(g, "head", e.head());
            });
        }
        if (entry instanceof JournalEntry.ItemDeadLettered e) {
            return JsonRecords.line(ITEM_DEAD_LETTERED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                g.writeNumberField("stage", e.stage());
                JsonRecords.writeRequired(g, "item_id", e.itemId());
            });
        }
        if (entry instanceof JournalEntry.StepCompleted e) {
            return JsonRecords.line(STEP_COMPLETED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                JsonRecords.writeRequired(g, "location", e.location());
                g.writeBooleanField("success", e.success());
                JsonRecords.writeStringMap(g, "variables", new TreeMap<>(e.variables()));
            });
        }
        if (entry instanceof JournalEntry.PhaseCompleted e) {
            return JsonRecords.line(PHASE_COMPLETED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                g.writeNumberField("stage", e.stage());
                JsonRecords.writeRequired(g, "phase", e.phase());
                JsonRecords.writeStringMap(g, "variables", new TreeMap<>(e.variables()));
            });
        }
        if (entry instanceof JournalEntry.ItemsResolved e) {
            return JsonRecords.line(ITEMS_RESOLVED, g -> {
                JsonRecords.writeRequired(g, "at", e.at());
                g.writeNumberField("stage", e.stage());
                JsonRecords.writeStringList(g, "item_ids", e.itemIds());
                JsonRecords.writeString(g, "items_json", e.itemsJson());
            });
        }
        throw new IllegalArgumentException(
                "unknown journal entry " + entry.getClass().getName());
    }

    static JournalEntry decode(Record n) {
        String type = JsonRecords.type(n);
        switch (type) {
            case ITEM_DISPATCHED:
                return new JournalEntry.ItemDispatched(
                        JsonRecords.instant(n, "at"),
                        JsonRecords.integer(n, "stage"),
                        JsonRecords.text(n, "item_id"),
                        JsonRecords.integer(n, "attempt"));
            case ITEM_FINISHED:
                return new JournalEntry.ItemFinished(
                        JsonRecords.instant(n, "at"),
                        JsonRecords.integer(n, "stage"),
                        JsonRecords.text(n, "item_id"),
                        JsonRecords.enumValue(n, "status", ItemStatus.class),
                        JsonRecords.optionalText(n, "result_json"));
            case ITEM_INTEGRATED:
                return new JournalEntry.ItemIntegrated(
                        JsonRecords.instant(n, "at"),
                        JsonRecords.integer(n, "stage"),
                        JsonRecords.text(n, "item_id"),
                        JsonRecords.optionalText(n, "head"));
            case ITEM_DEAD_LETTERED:
                return new JournalEntry.ItemDeadLettered(
                        JsonRecords.instant(n, "at"), JsonRecords.integer(n, "stage"), JsonRecords.text(n, "item_id"));
            case STEP_COMPLETED:
                return new JournalEntry.StepCompleted(
                        JsonRecords.instant(n, "at"),
                        JsonRecords.text(n, "location"),
                        JsonRecords.bool(n, "success"),
                        JsonRecords.stringMap(n, "variables"));
            case PHASE_COMPLETED:
                return new JournalEntry.PhaseCompleted(
                        JsonRecords.instant(n, "at"),
                        JsonRecords.integer(n, "stage"),
                        JsonRecords.text(n, "phase"),
                        JsonRecords.stringMap(n, "variables"));
            case ITEMS_RESOLVED:
                return new JournalEntry.ItemsResolved(
                        JsonRecords.instant(n, "at"),
                        JsonRecords.integer(n, "stage"),
                        JsonRecords.stringList(n, "item_ids"),
                        JsonRecords.optionalText(n, "items_json"));
            default:
                throw new RecordFormatException("unknown journal record type '" + type + "'; this version reads "
                        + "format version " + JsonRecords.VERSION + ", whose types are " + STEP_COMPLETED + ", "
                        + ITEM_DISPATCHED + ", " + ITEM_FINISHED + ", " + ITEM_INTEGRATED + ", "
                        + ITEM_DEAD_LETTERED + ", " + PHASE_COMPLETED + " and " + ITEMS_RESOLVED);
        }
    }
}
