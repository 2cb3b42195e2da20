package io.prodigy.core.store;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RunListener} that appends every event of a run to {@code <root>/runs/<run-id>/events.jsonl}, one
 * versioned JSON record per line ({@code {"version":1,"type":"item_finished","run_id":..,"at":"..",...}}, see
 * {@code docs/state-format.md}); {@link EventLogReader} reads them back.
 *
 * <p>Each event costs one {@code write} call on the calling thread, in the order the calls take the file's
 * lock; the record reaches the operating system before {@link #onEvent} returns, so a follower sees it at once
 * and it survives the process, but the file is synced only when the run finishes or the log is closed (an
 * event log is for people and tools, not for resume). A run's file is closed when its
 * {@link RunEvent.RunFinished} is written and reopened if more events come.
 *
 * <p>Never throws into the engine: a failure to write is logged once per run (later ones at debug level) and
 * the event is dropped. Thread-safe. {@link #close()} syncs and closes the open files.
 */
public final class JsonlEventLog implements RunListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonlEventLog.class);

    private final StoreLayout layout;
    private final AppendLogs files = new AppendLogs(SyncPolicy.OS, Duration.ofSeconds(1), "prodigy-events-sync");
    private final Set<String> failedRuns = ConcurrentHashMap.newKeySet();

    /**
     * @param prodigyHome the state directory ({@code PRODIGY_HOME}); logs live under {@code runs/} in it
     */
    public JsonlEventLog(Path prodigyHome) {
        this.layout = new StoreLayout(prodigyHome);
    }

    /** @return the state directory */
    public Path root() {
        return layout.root();
    }

    /**
     * Appends the event to its run's log; never throws.
     *
     * @param event what happened
     */
    @Override
    public void onEvent(RunEvent event) {
        if (event == null) {
            return;
        }
        Path file = null;
        try {
            file = layout.file(event.runId(), StoreLayout.EVENTS);
            byte[] line = EventCodec.encode(event);
            if (!files.isOpen(file)) {
                Files.createDirectories(file.getParent());
            }
            files.append(file, line);
            if (event instanceof RunEvent.RunFinished) {
                files.close(file);
            }
        } catch (IOException | RuntimeException e) {
            String runId = String.valueOf(event.runId());
            if (failedRuns.add(runId)) {
                LOG.warn(
                        "cannot write the event log {} of run '{}': {}; events of this run that cannot be written "
                                + "are dropped (further failures are logged at debug level)",
                        file == null ? "" : file,
                        runId,
                        e.toString());
            } else {
                LOG.debug("dropping event {} of run '{}'", event.getClass().getSimpleName(), runId, e);
            }
        }
    }

    /**
     * Syncs and closes every open log file. Events that arrive later are dropped and logged.
     */
    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            LOG.warn("cannot sync the event logs under {}: {}", layout.runsDirectory(), e.toString());
        }
    }
}
