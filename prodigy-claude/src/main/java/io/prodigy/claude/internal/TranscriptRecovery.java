package io.prodigy.claude.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code result} line back from a transcript when it was too long to reach the decoder whole (the live line
 * listener cuts lines at 1 MiB). Rare: it takes a result text of a megabyte or more.
 */
final class TranscriptRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(TranscriptRecovery.class);
    /** Transcripts larger than this are not scanned. */
    private static final long MAX_SCANNED_BYTES = 256L << 20;

    private static final int HEAD = 200;

    private TranscriptRecovery() {}

    /**
     * @param transcript the complete stdout of a Claude Code session
     * @return the last {@code result} object in it, or null if there is none that parses
     */
    static JsonNode lastResult(Path transcript) {
        try {
            if (Files.size(transcript) > MAX_SCANNED_BYTES) {
                LOG.warn("{} is too large to look for its result line in", transcript);
                return null;
            }
            JsonNode last = null;
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(Files.newInputStream(transcript), StandardCharsets.UTF_8),
                    1 << 16)) { // malformed bytes are replaced, not fatal
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String head = line.substring(0, Math.min(line.length(), HEAD));
                    // the real CLI writes "type" after the result text; only a result line starts with duration_api_ms
                    if (line.startsWith("{")
                            && (head.contains("\"type\":\"result\"") || head.startsWith("{\"duration_api_ms\""))) {
                        JsonNode node = JsonLines.object(line);
                        if (node != null && "result".equals(JsonLines.text(node, "type"))) {
                            last = node;
                        }
                    }
                }
            }
            return last;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the result line back from {}: {}", transcript, e.toString());
            return null;
        }
    }
}
