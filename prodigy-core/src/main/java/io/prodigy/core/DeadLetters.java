package io.prodigy.core;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.core.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Inspecting and managing a run's Dead Letter Queue on top of any {@link DlqStore}: list, inspect, statistics
 * grouped by error pattern, export as JSON lines or CSV, and purge. Every operation streams the store, so a
 * queue of 100,000 entries is never held in memory at once (statistics keep one counter per pattern).
 * Reprocessing is {@link Prodigy#reprocessDeadLetters}.
 */
public final class DeadLetters {
    private static final int SAMPLE_IDS = 5;
    private static final int SIGNATURE_WORDS = 10;

    private final DlqStore store;

    /** @param store the store to work on */
    public DeadLetters(DlqStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * @param runId the run
     * @param includeResolved whether entries resolved by reprocessing are listed too
     * @return the entries in the order they were first added
     */
    public List<DlqEntry> list(String runId, boolean includeResolved) {
        List<DlqEntry> out = new ArrayList<>();
        store.forEach(runId, e -> {
            if (includeResolved || !e.resolved()) {
                out.add(e);
            }
        });
        return out;
    }

    /** @param runId the run @param itemId the item @return its entry, if any */
    public Optional<DlqEntry> inspect(String runId, String itemId) {
        return store.find(runId, itemId);
    }

    /**
     * Groups a run's unresolved entries by error pattern: the error kind plus the first words of the last
     * message, leaving out paths and numbers (the Rust tool's error signature), so that one root cause shows
     * as one line however many items it hit.
     *
     * @param runId the run
     * @return one line per pattern, most frequent first
     */
    public List<PatternStats> stats(String runId) {
        Map<String, PatternStats.Builder> groups = new LinkedHashMap<>();
        store.forEach(runId, e -> {
            if (e.resolved()) {
                return;
            }
            FailedAttempt last = e.lastAttempt();
            groups.computeIfAbsent(signature(e), s -> new PatternStats.Builder(s, last.errorKind()))
                    .add(e);
        });
        List<PatternStats> out = new ArrayList<>();
        groups.values().forEach(b -> out.add(b.build()));
        out.sort(Comparator.comparingInt(PatternStats::count).reversed().thenComparing(PatternStats::pattern));
        return out;
    }

    /**
     * The signature of an entry's last failure: {@link #signature(ErrorKind, String)} of its message with the entry's
     * own item id left out, since the engine's messages name their item ("... in map (item item_7) exited ...") and
     * would otherwise make every item a pattern of its own.
     *
     * @param entry a dead-letter entry
     * @return the signature
     */
    public static String signature(DlqEntry entry) {
        FailedAttempt last = entry.lastAttempt();
        return signature(last.errorKind(), withoutItemId(last.message(), entry.itemId()));
    }

    static String withoutItemId(String message, String itemId) {
        if (message == null || itemId == null || itemId.isEmpty()) {
            return message;
        }
        String m = message.replace("(item " + itemId + ")", "(item)");
        return itemId.length() >= 4 ? m.replace(itemId, "") : m;
    }

    /**
     * The signature of an error: {@code KIND::first ten words}, skipping words that contain '/' or are numbers.
     *
     * @param kind the error kind
     * @param message the error message
     * @return the signature
     */
    public static String signature(ErrorKind kind, String message) {
        StringBuilder sb = new StringBuilder(kind.name()).append("::");
        int words = 0;
        for (String w : (message == null ? "" : message).split("\\s+")) {
            if (w.isEmpty()
                    || w.contains("/")
                    || w.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == '-')) {
                continue;
            }
            if (words > 0) {
                sb.append(' ');
            }
            sb.append(w);
            if (++words == SIGNATURE_WORDS) {
                break;
            }
        }
        return sb.toString();
    }

    /** Export formats. */
    public enum Format {
        /** One JSON object per line, with every attempt. */
        JSONL,
        /** One CSV row per entry: item id, status, attempts, last error kind, last message, first and last failure. */
        CSV
    }

    /**
     * Writes a run's entries (resolved ones included) to {@code out}.
     *
     * @param runId the run
     * @param format the format
     * @param out where to write; not closed
     * @return how many entries were written
     * @throws StoreException if writing fails
     */
    public int export(String runId, Format format, Writer out) {
        int[] count = {0};
        try {
            if (format == Format.CSV) {
                out.write("item_id,status,attempts,error_kind,message,first_failure,last_failure,workspace\n");
            }
            store.forEach(runId, e -> {
                try {
                    out.write(format == Format.CSV ? csv(e) : jsonLine(e));
                    count[0]++;
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            throw new StoreException("exporting the DLQ of run '" + runId + "' failed: " + e.getMessage(), e);
        }
        return count[0];
    }

    /** @param runId the run @return how many entries were deleted */
    public int purge(String runId) {
        return store.purge(runId);
    }

    /** @param runId the run @param cutoff entries last failed before this are deleted @return how many */
    public int purgeOlderThan(String runId, Instant cutoff) {
        return store.purgeOlderThan(runId, cutoff);
    }

    static String jsonLine(DlqEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", e.runId());
        m.put("item_id", e.itemId());
        m.put("status", e.resolved() ? "resolved" : "failed");
        m.put("item", rawJson(e.itemJson()));
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (FailedAttempt a : e.attempts()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("attempt", a.attempt());
            am.put("at", a.at().toString());
            am.put("error_kind", a.errorKind().name());
            am.put("message", a.message());
            am.put("exit_code", a.exitCode());
            am.put("step", a.step());
            am.put("log", a.logLocation());
            attempts.add(am);
        }
        m.put("attempts", attempts);
        m.put("workspace", e.workspace() == null ? null : e.workspace().toString());
        m.put("signature", signature(e));
        return Json.writeValue(m) + "\n";
    }

    private static Object rawJson(String json) {
        try {
            return Json.parse(json);
        } catch (IOException ex) {
            return json;
        }
    }

    static String csv(DlqEntry e) {
        FailedAttempt last = e.lastAttempt();
        return String.join(
                        ",",
                        cell(e.itemId()),
                        e.resolved() ? "resolved" : "failed",
                        String.valueOf(e.attempts().size()),
                        last.errorKind().name(),
                        cell(last.message()),
                        e.firstFailure().toString(),
                        e.lastFailure().toString(),
                        cell(e.workspace() == null ? "" : e.workspace().toString()))
                + "\n";
    }

    private static String cell(String s) {
        String v = s == null ? "" : s;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    /**
     * Entries sharing one error pattern.
     *
     * @param pattern the signature
     * @param errorKind the kind
     * @param count how many entries
     * @param sampleItemIds up to five of their item ids
     * @param lastSeen the latest failure among them
     */
    public record PatternStats(
            String pattern, ErrorKind errorKind, int count, List<String> sampleItemIds, Instant lastSeen) {
        /** Copies. */
        public PatternStats {
            sampleItemIds = List.copyOf(sampleItemIds);
        }

        private static final class Builder {
            private final String pattern;
            private final ErrorKind kind;
            private int count;
            private final List<String> samples = new ArrayList<>();
            private Instant lastSeen = Instant.EPOCH;

            Builder(String pattern, ErrorKind kind) {
                this.pattern = pattern;
                this.kind = kind;
            }

            void add(DlqEntry e) {
                count++;
                if (samples.size() < SAMPLE_IDS) {
                    samples.add(e.itemId());
                }
                if (e.lastFailure().isAfter(lastSeen)) {
                    lastSeen = e.lastFailure();
                }
            }

            PatternStats build() {
                return new PatternStats(pattern, kind, count, samples, lastSeen);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%5d  %s", count, pattern);
        }
    }
}
