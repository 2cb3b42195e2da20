package io.prodigy.core.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Arrays;

/**
 * Splits a region of a file into lines of bytes, reading through one growing buffer, without decoding text.
 * The bytes of the current line stay valid until the next call to {@link #next()}. Not thread-safe; the
 * channel is owned by the caller.
 */
final class LineReader {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final RandomAccessFile file;
    private final long limit;
    private byte[] buf;
    private long bufStart;
    private int pos;
    private int fill;
    private int scan;

    private int lineStart;
    private int lineLength;
    private boolean terminated;
    private long lineOffset;
    private long lineNumber;

    /**
     * @param file the file
     * @param start the offset of the first line
     * @param limit the offset where reading stops (lines are cut there as if the file ended)
     * @param firstLineNumber the number of the first line, from 1
     */
    LineReader(RandomAccessFile file, long start, long limit, long firstLineNumber) {
        this(file, start, limit, firstLineNumber, INITIAL_BUFFER);
    }

    /**
     * @param bufferSize the initial buffer size (it grows to hold the longest line)
     */
    LineReader(RandomAccessFile file, long start, long limit, long firstLineNumber, int bufferSize) {
        this.file = file;
        this.buf = new byte[bufferSize];
        this.limit = limit;
        this.bufStart = start;
        this.lineNumber = firstLineNumber - 1;
    }

    /**
     * @return whether there is another line; a last line without a newline is returned as not terminated
     * @throws IOException if the file cannot be read
     */
    boolean next() throws IOException {
        while (true) {
            for (int i = scan; i < fill; i++) {
                if (buf[i] == '\n') {
                    setLine(i - pos, true);
                    pos = i + 1;
                    scan = pos;
                    return true;
                }
            }
            scan = fill;
            if (!readMore()) {
                if (pos == fill) {
                    return false;
                }
                setLine(fill - pos, false);
                pos = fill;
                scan = fill;
                return true;
            }
        }
    }

    private void setLine(int length, boolean hasNewline) {
        lineStart = pos;
        lineLength = length;
        terminated = hasNewline;
        lineOffset = bufStart + pos;
        lineNumber++;
    }

    private boolean readMore() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, fill - pos);
            bufStart += pos;
            fill -= pos;
            scan -= pos;
            pos = 0;
        }
        if (fill == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        long at = bufStart + fill;
        long room = Math.min(buf.length - fill, limit - at);
        if (room <= 0) {
            return false;
        }
        file.seek(at);
        int n = file.read(buf, fill, (int) room);
        if (n <= 0) {
            return false;
        }
        fill += n;
        return true;
    }

    /**
     * @return whether no byte follows the current line (before the limit and the end of the file)
     * @throws IOException if the file's size cannot be read
     */
    boolean isLast() throws IOException {
        if (pos < fill) {
            return false;
        }
        return bufStart + fill >= Math.min(limit, file.length());
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return lineStart;
    }

    int length() {
        return lineLength;
    }

    boolean terminated() {
        return terminated;
    }

    /** @return the file offset of the current line's first byte */
    long offset() {
        return lineOffset;
    }

    /** @return the file offset just after the current line and its newline */
    long end() {
        return lineOffset + lineLength + (terminated ? 1 : 0);
    }

    long lineNumber() {
        return lineNumber;
    }
}
