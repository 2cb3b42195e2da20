package io.prodigy.core.internal.engine.step;

import io.prodigy.core.RunLogs;
import io.prodigy.core.internal.engine.SecretMasker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what each step printed into the run's step logs ({@link RunLogs}): one file per item (or per phase for
 * setup, reduce and plain steps), a header line per step, then the end of its stdout and stderr, secrets masked.
 * Bounded: each stream keeps its last {@link #MAX_STREAM_CHARS} characters per step and a file stops growing at
 * {@link #MAX_FILE_BYTES} (with a note saying so). Steps that printed nothing and succeeded write nothing. A log that
 * cannot be written is logged once and otherwise ignored: it never fails a run.
 */
public final class StepLogs {
    private static final Logger LOG = LoggerFactory.getLogger(StepLogs.class);
    /** The most characters of one stream of one step that are kept. */
    static final int MAX_STREAM_CHARS = 64 * 1024;
    /** The largest a log file grows. */
    static final long MAX_FILE_BYTES = 4L << 20;

    private final Path directory;
    private final SecretMasker masker;
    private final ConcurrentHashMap<Path, Object> locks = new ConcurrentHashMap<>();
    private volatile boolean warned;

    /**
     * @param stateDirectory the run's state directory
     * @param masker hides secrets
     */
    public StepLogs(Path stateDirectory, SecretMasker masker) {
        this.directory = RunLogs.directory(stateDirectory);
        this.masker = masker;
    }

    /**
     * Appends one step's output.
     *
     * @param scope where the step ran (its item or phase names the file)
     * @param index the step's index
     * @param command what ran (interpolated)
     * @param outcome what it did
     */
    public void append(StepScope scope, int index, String command, StepOutcome outcome) {
        String stdout = outcome.stdout() == null ? "" : masker.mask(outcome.stdout());
        String stderr = outcome.stderr() == null ? "" : masker.mask(outcome.stderr());
        if (outcome.skipped() || (outcome.success() && stdout.isBlank() && stderr.isBlank())) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("── ")
                .append(scope.phase())
                .append(" step ")
                .append(index + 1)
                .append(": ")
                .append(oneLine(command))
                .append(" · ")
                .append(outcome.success() ? "ok" : "FAILED")
                .append(outcome.exitCode() != null ? " (exit " + outcome.exitCode() + ")" : "")
                .append(" · ")
                .append(millis(outcome.duration()))
                .append('\n');
        appendStream(sb, "", stdout);
        appendStream(sb, "stderr: ", stderr);
        if (!outcome.success() && outcome.error() != null && stdout.isBlank() && stderr.isBlank()) {
            sb.append("error: ").append(outcome.error().message()).append('\n');
        }
        write(RunLogs.fileName(scope.itemId() != null ? scope.itemId() : scope.phase()), masker.mask(sb.toString()));
    }

    private static void appendStream(StringBuilder sb, String prefix, String text) {
        if (text.isBlank()) {
            return;
        }
        String t = text;
        if (t.length() > MAX_STREAM_CHARS) {
            sb.append(prefix)
                    .append("[... ")
                    .append(t.length() - MAX_STREAM_CHARS)
                    .append(" characters before ...]\n");
            t = t.substring(t.length() - MAX_STREAM_CHARS);
        }
        t = t.endsWith("\n") ? t.substring(0, t.length() - 1) : t;
        for (String line : t.split("\n", -1)) {
            sb.append(prefix).append(line).append('\n');
        }
    }

    private void write(String name, String text) {
        Path file = directory.resolve(name);
        synchronized (locks.computeIfAbsent(file, f -> new Object())) {
            try {
                Files.createDirectories(directory);
                long size = Files.exists(file) ? Files.size(file) : 0;
                if (size >= MAX_FILE_BYTES) {
                    return;
                }
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (size + bytes.length > MAX_FILE_BYTES) {
                    bytes = ("[log limit of " + (MAX_FILE_BYTES >> 20) + " MiB reached; later output is not kept]\n")
                            .getBytes(StandardCharsets.UTF_8);
                }
                Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                if (!warned) {
                    warned = true;
                    LOG.warn("cannot write the step log {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /**
     * @param output a step's stdout
     * @param stderr its stderr
     * @param max the most characters
     * @return their end for an event: at most {@code max} characters, masked
     */
    public String tail(String output, String stderr, int max) {
        String out = output == null ? "" : masker.mask(output).strip();
        String err = stderr == null ? "" : masker.mask(stderr).strip();
        String both = out.isEmpty() ? err : err.isEmpty() ? out : out + "\n" + err;
        if (both.length() > max) {
            both = "…" + both.substring(both.length() - max + 1);
        }
        return both;
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return t.length() > 300 ? t.substring(0, 299) + "…" : t;
    }

    private static String millis(Duration d) {
        return d == null ? "-" : d.toMillis() + "ms";
    }
}
