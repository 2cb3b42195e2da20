package io.prodigy.core;

import io.prodigy.api.RunStatus;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CheckpointStore} that keeps run records and journals in memory. It makes runs observable within
 * one process but survives no crash; durable storage is a separate store. Thread-safe.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();
    private final Map<String, List<JournalEntry>> journals = new LinkedHashMap<>();

    @Override
    public synchronized void createRun(RunRecord record) {
        if (runs.containsKey(record.runId())) {
            throw new StoreException("run '" + record.runId() + "' already exists");
        }
        runs.put(record.runId(), record);
        journals.put(record.runId(), new ArrayList<>());
    }

    @Override
    public synchronized void append(String runId, JournalEntry entry) {
        List<JournalEntry> journal = journals.get(runId);
        if (journal == null) {
            throw new StoreException("cannot append to unknown run '" + runId + "'");
        }
        journal.add(entry);
    }

    @Override
    public synchronized void updateStatus(String runId, RunStatus status, Instant at) {
        RunRecord r = runs.get(runId);
        if (r == null) {
            throw new StoreException("cannot update unknown run '" + runId + "'");
        }
        runs.put(runId, r.withStatus(status, at));
    }

    @Override
    public synchronized void updateRun(RunRecord record) {
        if (!runs.containsKey(record.runId())) {
            throw new StoreException("cannot update unknown run '" + record.runId() + "'");
        }
        runs.put(record.runId(), record);
    }

    @Override
    public synchronized Optional<RunRecord> findRun(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public synchronized List<JournalEntry> journal(String runId) {
        List<JournalEntry> journal = journals.get(runId);
        return journal == null ? List.of() : List.copyOf(journal);
    }

    @Override
    public synchronized List<RunRecord> runs() {
        List<RunRecord> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparing(RunRecord::startedAt).reversed());
        return all;
    }
}
