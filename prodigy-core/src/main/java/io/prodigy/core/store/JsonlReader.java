package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.prodigy.api.StoreException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a JSONL file of versioned records, applying the crash rule shared by every store file: a torn last
 * line (no newline, or not JSON) is skipped with a warning; a line that is not JSON anywhere else, a record of
 * a newer version, or a record this version cannot read is a {@link StoreException} naming file and line.
 * Blank lines are ignored.
 */
final class JsonlReader {
    private static final Logger LOG = LoggerFactory.getLogger(JsonlReader.class);

    private JsonlReader() {}

    /** Receives each record; may throw {@link RecordFormatException} for a record it cannot read. */
    @FunctionalInterface
    interface Handler {
        /**
         * @param record the parsed record, its version checked
         * @param offset the file offset of its line
         */
        void accept(Record record, long offset);
    }

    /**
     * @param file the file; a missing file holds no records
     * @param limit the offset where reading stops, as if the file ended there
     * @param handler receives each record in file order
     * @throws StoreException if the file cannot be read or holds a corrupt or unreadable record
     */
    static void read(Path file, long limit, Handler handler) {
        read(file, limit, false, handler);
    }

    /**
     * Like {@link #read(Path, long, Handler)}, but the records' array and object fields are only checked for
     * syntax and given as {@link Record#SKIPPED}: for scans that need scalar fields only.
     */
    static void readShallow(Path file, long limit, Handler handler) {
        read(file, limit, true, handler);
    }

    private static void read(Path file, long limit, boolean shallow, Handler handler) {
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "r");
        } catch (FileNotFoundException e) {
            return; // no file, no records
        }
        try (raf) {
            read(file, raf, 0, limit, shallow, handler);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads from an open file (the caller closes it).
     *
     * @throws IOException if the file cannot be read
     */
    static void read(Path file, RandomAccessFile raf, long start, long limit, Handler handler) throws IOException {
        read(file, raf, start, limit, false, handler);
    }

    private static void read(Path file, RandomAccessFile raf, long start, long limit, boolean shallow, Handler handler)
            throws IOException {
        LineReader lines = new LineReader(raf, start, limit, 1);
        while (lines.next()) {
            byte[] buf = lines.buffer();
            if (JsonRecords.isBlank(buf, lines.start(), lines.length())) {
                continue;
            }
            if (!lines.terminated()) {
                warnTorn(file, lines.lineNumber(), lines.length(), "it has no newline");
                return;
            }
            Record node;
            try {
                node = shallow
                        ? JsonRecords.parseShallow(buf, lines.start(), lines.length())
                        : JsonRecords.parse(buf, lines.start(), lines.length());
                JsonRecords.checkVersion(node);
            } catch (JsonProcessingException e) {
                if (lines.isLast()) {
                    warnTorn(file, lines.lineNumber(), lines.length(), "it is not JSON");
                    return;
                }
                throw corrupt(
                        file,
                        lines.lineNumber(),
                        "corrupt record, not valid JSON (" + e.getOriginalMessage()
                                + "); records after it cannot be trusted - repair the line or move the file away");
            } catch (RecordFormatException e) {
                throw corrupt(file, lines.lineNumber(), e.getMessage());
            }
            try {
                handler.accept(node, lines.offset());
            } catch (RecordFormatException e) {
                throw corrupt(file, lines.lineNumber(), e.getMessage());
            }
        }
    }

    static StoreException corrupt(Path file, long line, String reason) {
        return new StoreException(file + " line " + line + ": " + reason);
    }

    static void warnTorn(Path file, long line, int length, String why) {
        LOG.warn(
                "{} line {}: skipping a torn last record of {} bytes ({}); it was being written when the "
                        + "writer stopped and was never acknowledged",
                file,
                line,
                length,
                why);
    }
}
