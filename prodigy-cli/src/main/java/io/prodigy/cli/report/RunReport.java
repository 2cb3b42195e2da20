package io.prodigy.cli.report;

import io.prodigy.api.StoreException;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.store.EventLogReader;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.core.store.FileDlqStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The run report: one self-contained HTML page (inline CSS and SVG, no scripts, nothing loaded from the network)
 * showing a run's header and totals, a timeline of every agent on its parallel slot coloured by outcome with
 * retries and rate-limit waits, a per-item table, and the Dead Letter Queue grouped by error pattern.
 *
 * <p>The data comes from the run's state directory {@code PRODIGY_HOME/runs/<run-id>/} through the default
 * stores' readers: the run record and journal ({@link FileCheckpointStore}), the DLQ ({@link FileDlqStore}) and the
 * event log ({@link EventLogReader}). A run without an event log still gets a report, with times from its journal.
 * Every recorded value is escaped; the page is well-formed XML (polyglot XHTML).
 *
 * <pre>{@code
 * RunReport.writeHtml(Path.of(System.getProperty("user.home"), ".prodigy"), "run-20260301-101530-a1b2c3",
 *         Path.of("report.html"));
 * }</pre>
 */
public final class RunReport {
    private final ReportModel model;

    private RunReport(ReportModel model) {
        this.model = model;
    }

    /**
     * Writes the report of one run to a file (replacing it).
     *
     * @param prodigyHome the state directory ({@code PRODIGY_HOME})
     * @param runId the run
     * @param out the HTML file to write
     * @throws NoSuchFileException if the run has no state directory under {@code prodigyHome}
     * @throws IOException if the file cannot be written
     * @throws StoreException if a state file is corrupt or of a newer format
     */
    public static void writeHtml(Path prodigyHome, String runId, Path out) throws IOException {
        load(prodigyHome, runId).write(out);
    }

    /**
     * Reads a run's state.
     *
     * @param prodigyHome the state directory ({@code PRODIGY_HOME})
     * @param runId the run
     * @return its report
     * @throws NoSuchFileException if the run has no state directory under {@code prodigyHome}
     * @throws StoreException if a state file is corrupt or of a newer format, or the run id is invalid
     */
    public static RunReport load(Path prodigyHome, String runId) throws IOException {
        Objects.requireNonNull(prodigyHome, "prodigyHome");
        Objects.requireNonNull(runId, "runId");
        RunRecord record;
        List<JournalEntry> journal;
        List<DlqEntry> dlq;
        try (FileCheckpointStore checkpoints = FileCheckpointStore.open(prodigyHome)) {
            Path dir = checkpoints.runDirectory(runId);
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "no run '" + runId + "' in this PRODIGY_HOME");
            }
            record = checkpoints.findRun(runId).orElse(null);
            journal = checkpoints.journal(runId);
        }
        try (FileDlqStore store = FileDlqStore.open(prodigyHome)) {
            dlq = store.list(runId);
        }
        List<RunEvent> events = EventLogReader.open(prodigyHome).read(runId);
        return of(runId, record, events, journal, dlq);
    }

    /**
     * A report from data already in memory (a host's own stores, or tests).
     *
     * @param runId the run
     * @param record its record, or null if unknown
     * @param events its events in order (may be empty)
     * @param journal its journal in order (may be empty)
     * @param dlq its DLQ entries, resolved ones included (may be empty)
     * @return the report
     */
    public static RunReport of(
            String runId, RunRecord record, List<RunEvent> events, List<JournalEntry> journal, List<DlqEntry> dlq) {
        Objects.requireNonNull(runId, "runId");
        return new RunReport(
                ReportModel.build(runId, record, List.copyOf(events), List.copyOf(journal), List.copyOf(dlq)));
    }

    /**
     * @return the page, as of now
     */
    public String toHtml() {
        return toHtml(Instant.now());
    }

    /**
     * @param generatedAt the time printed as the report's generation time
     * @return the page
     */
    public String toHtml(Instant generatedAt) {
        return new HtmlRenderer(model, generatedAt).render();
    }

    /**
     * Writes the page to a file atomically where the file system allows (a temporary file renamed over it).
     *
     * @param out the HTML file
     * @throws IOException if it cannot be written
     */
    public void write(Path out) throws IOException {
        Path target = out.toAbsolutePath();
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, toHtml(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** @return how many parallel slots the timeline uses */
    public int slots() {
        return model.slots;
    }
}
