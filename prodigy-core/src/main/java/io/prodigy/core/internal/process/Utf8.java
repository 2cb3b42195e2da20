package io.prodigy.core.internal.process;

/** Finds UTF-8 character boundaries, so that cutting bytes never splits a character. */
final class Utf8 {
    private Utf8() {}

    /**
     * @return the length of the longest prefix of {@code bytes[offset, offset + length)} that does not
     *     end inside a multi-byte character (malformed input is left as it is)
     */
    static int completePrefixLength(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int lead = end - 1;
        while (lead >= offset && end - lead <= 3 && isContinuation(bytes[lead])) {
            lead--;
        }
        if (lead < offset) {
            return length;
        }
        int first = bytes[lead] & 0xFF;
        int needed = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        return end - lead < needed ? lead - offset : length;
    }

    /**
     * @return how many bytes at {@code bytes[offset]} are continuation bytes of a character whose start
     *     was cut off (at most 3)
     */
    static int danglingContinuationLength(byte[] bytes, int offset, int length) {
        int count = 0;
        while (count < length && count < 3 && isContinuation(bytes[offset + count])) {
            count++;
        }
        return count;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
