package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits one output stream into lines for a {@link LineListener}, holding at most
 * {@link LineListener#MAX_LINE_BYTES} of a line in memory. Not thread-safe.
 */
final class LineSplitter {
    private static final Logger log = LoggerFactory.getLogger(LineSplitter.class);
    private static final int INITIAL_CAPACITY = 256;

    private final LineListener.Stream stream;
    private final LineListener listener;
    private final int maxLineBytes;
    private byte[] line = new byte[0];
    private int length;
    private long dropped;
    private boolean listenerFailed;

    LineSplitter(LineListener.Stream stream, LineListener listener) {
        this(stream, listener, LineListener.MAX_LINE_BYTES);
    }

    LineSplitter(LineListener.Stream stream, LineListener listener, int maxLineBytes) {
        this.stream = stream;
        this.listener = listener;
        this.maxLineBytes = maxLineBytes;
    }

    void accept(byte[] bytes, int offset, int count) {
        int start = offset;
        int end = offset + count;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                append(bytes, start, i - start);
                emit();
                start = i + 1;
            }
        }
        append(bytes, start, end - start);
    }

    /** Delivers a last line that has no newline, if any. */
    void finish() {
        if (length > 0 || dropped > 0) {
            emit();
        }
    }

    private void append(byte[] bytes, int offset, int count) {
        int kept = Math.min(count, maxLineBytes - length);
        if (kept > 0) {
            if (length + kept > line.length) {
                int capacity = (int)
                        Math.min(maxLineBytes, Math.max(length + kept, Math.max(INITIAL_CAPACITY, 2L * line.length)));
                line = Arrays.copyOf(line, capacity);
            }
            System.arraycopy(bytes, offset, line, length, kept);
            length += kept;
        }
        dropped += count - kept;
    }

    private void emit() {
        String text;
        if (dropped == 0) {
            int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            text = new String(line, 0, end, UTF_8);
        } else {
            int kept = Utf8.completePrefixLength(line, 0, length);
            text = new String(line, 0, kept, UTF_8) + " [... " + (dropped + length - kept) + " bytes truncated ...]";
        }
        length = 0;
        dropped = 0;
        try {
            listener.onLine(stream, text);
        } catch (RuntimeException e) {
            if (!listenerFailed) {
                listenerFailed = true;
                log.warn("The line listener failed on a {} line; the output is still captured", stream, e);
            } else {
                log.debug("The line listener failed again on a {} line", stream, e);
            }
        }
    }
}
