package io.prodigy.core;

import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.FailedAttempt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link DlqStore} that keeps entries in memory, for tests and hosts that persist failures themselves.
 * Entries are lost when the process ends. Thread-safe.
 */
public final class InMemoryDlqStore implements DlqStore {
    private final Map<String, Map<String, DlqEntry>> byRun = new LinkedHashMap<>();

    @Override
    public synchronized void add(DlqEntry entry) {
        Map<String, DlqEntry> run = byRun.computeIfAbsent(entry.runId(), k -> new LinkedHashMap<>());
        DlqEntry old = run.get(entry.itemId());
        if (old == null) {
            run.put(entry.itemId(), entry);
            return;
        }
        List<FailedAttempt> attempts = new ArrayList<>(old.attempts());
        attempts.addAll(entry.attempts());
        run.put(
                entry.itemId(),
                new DlqEntry(
                        entry.runId(),
                        entry.itemId(),
                        entry.itemJson(),
                        attempts,
                        entry.workspace() != null ? entry.workspace() : old.workspace(),
                        entry.resolved(),
                        old.firstFailure(),
                        entry.lastFailure()));
    }

    @Override
    public synchronized List<DlqEntry> list(String runId) {
        Map<String, DlqEntry> run = byRun.get(runId);
        return run == null ? List.of() : List.copyOf(run.values());
    }

    @Override
    public synchronized Optional<DlqEntry> find(String runId, String itemId) {
        Map<String, DlqEntry> run = byRun.get(runId);
        return Optional.ofNullable(run == null ? null : run.get(itemId));
    }

    @Override
    public synchronized void markResolved(String runId, String itemId) {
        Map<String, DlqEntry> run = byRun.get(runId);
        DlqEntry e = run == null ? null : run.get(itemId);
        if (e != null) {
            run.put(
                    itemId,
                    new DlqEntry(
                            e.runId(),
                            e.itemId(),
                            e.itemJson(),
                            e.attempts(),
                            e.workspace(),
                            true,
                            e.firstFailure(),
                            e.lastFailure()));
        }
    }

    @Override
    public synchronized int purgeOlderThan(String runId, java.time.Instant cutoff) {
        Map<String, DlqEntry> run = byRun.get(runId);
        if (run == null) {
            return 0;
        }
        int before = run.size();
        run.values().removeIf(e -> e.lastFailure().isBefore(cutoff));
        return before - run.size();
    }

    @Override
    public synchronized List<String> runIds() {
        return List.copyOf(byRun.keySet());
    }

    @Override
    public synchronized int purge(String runId) {
        Map<String, DlqEntry> run = byRun.remove(runId);
        return run == null ? 0 : run.size();
    }
}
