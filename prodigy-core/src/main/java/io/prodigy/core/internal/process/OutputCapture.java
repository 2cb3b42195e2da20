package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * Keeps a bounded copy of one output stream: the first half of the limit and the last half, with the
 * middle dropped and counted. Memory grows with the output, up to the limit. Not thread-safe.
 */
final class OutputCapture {
    private static final byte[] EMPTY = new byte[0];
    private static final int MIN_CAPACITY = 1024;

    private final int headLimit;
    private final int tailLimit;
    private byte[] head = EMPTY;
    private int headLength;
    // A ring buffer once full (tailLength == tailLimit, oldest byte at tailStart); linear from 0 before.
    private byte[] tail = EMPTY;
    private int tailStart;
    private int tailLength;
    private long total;

    /** @param maxBytes the most bytes kept, at most {@link ProcessSpec#MAX_CAPTURED_BYTES_LIMIT} */
    OutputCapture(long maxBytes) {
        this.headLimit = (int) (maxBytes / 2);
        this.tailLimit = (int) (maxBytes - headLimit);
    }

    void append(byte[] bytes, int offset, int length) {
        total += length;
        int toHead = Math.min(length, headLimit - headLength);
        if (toHead > 0) {
            head = ensureCapacity(head, headLength + toHead, headLimit);
            System.arraycopy(bytes, offset, head, headLength, toHead);
            headLength += toHead;
            offset += toHead;
            length -= toHead;
        }
        if (length > 0 && tailLimit > 0) {
            appendToTail(bytes, offset, length);
        }
    }

    private void appendToTail(byte[] bytes, int offset, int length) {
        if (length >= tailLimit) {
            tail = ensureCapacity(tail, tailLimit, tailLimit);
            System.arraycopy(bytes, offset + length - tailLimit, tail, 0, tailLimit);
            tailStart = 0;
            tailLength = tailLimit;
            return;
        }
        if (tailLength < tailLimit) {
            // still linear (tailStart == 0): grow, keeping what is there
            tail = ensureCapacity(tail, Math.min(tailLimit, tailLength + length), tailLimit);
        }
        int write = (tailStart + tailLength) % tailLimit;
        int first = Math.min(length, tailLimit - write);
        System.arraycopy(bytes, offset, tail, write, first);
        System.arraycopy(bytes, offset + first, tail, 0, length - first);
        int newLength = tailLength + length;
        if (newLength > tailLimit) {
            tailStart = (tailStart + newLength - tailLimit) % tailLimit;
            tailLength = tailLimit;
        } else {
            tailLength = newLength;
        }
    }

    private static byte[] ensureCapacity(byte[] buffer, int required, int limit) {
        if (required <= buffer.length) {
            return buffer;
        }
        int capacity = (int) Math.min(limit, Math.max(required, Math.max(MIN_CAPACITY, 2L * buffer.length)));
        return Arrays.copyOf(buffer, capacity);
    }

    /** @return how many bytes were appended in all, kept or not */
    long totalBytes() {
        return total;
    }

    /**
     * @return the kept output as text; if bytes were dropped, the head and the tail (cut at character
     *     boundaries) joined by a line {@code [... N bytes truncated ...]}
     */
    String text() {
        byte[] tailBytes = linearTail();
        if (total == (long) headLength + tailLength) {
            if (tailLength == 0) {
                return new String(head, 0, headLength, UTF_8);
            }
            byte[] all = Arrays.copyOf(head, headLength + tailLength);
            System.arraycopy(tailBytes, 0, all, headLength, tailLength);
            return new String(all, UTF_8);
        }
        int headKept = Utf8.completePrefixLength(head, 0, headLength);
        int tailSkipped = Utf8.danglingContinuationLength(tailBytes, 0, tailLength);
        long dropped = total - headKept - (tailLength - tailSkipped);
        StringBuilder text = new StringBuilder(headKept + tailLength + 48);
        text.append(new String(head, 0, headKept, UTF_8));
        if (headKept > 0 && head[headKept - 1] != '\n') {
            text.append('\n');
        }
        text.append("[... ").append(dropped).append(" bytes truncated ...]\n");
        text.append(new String(tailBytes, tailSkipped, tailLength - tailSkipped, UTF_8));
        return text.toString();
    }

    private byte[] linearTail() {
        if (tailStart == 0) {
            return tail;
        }
        byte[] linear = new byte[tailLength];
        int first = tailLength - tailStart;
        System.arraycopy(tail, tailStart, linear, 0, first);
        System.arraycopy(tail, 0, linear, first, tailStart);
        return linear;
    }
}
