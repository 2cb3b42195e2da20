package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    private static void append(OutputCapture capture, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        capture.append(bytes, 0, bytes.length);
    }

    @Test
    void keepsEverythingUnderTheLimit() {
        OutputCapture capture = new OutputCapture(10);
        append(capture, "hello");
        append(capture, " you");

        assertThat(capture.text()).isEqualTo("hello you");
        assertThat(capture.totalBytes()).isEqualTo(9);
    }

    @Test
    void keepsEverythingAtExactlyTheLimitEvenAcrossTheHeadTailSeam() {
        OutputCapture capture = new OutputCapture(10);
        append(capture, "abcd\u00e9fgh"); // é straddles byte 5, where head ends and tail begins

        assertThat(capture.text()).isEqualTo("abcd\u00e9fgh");
    }

    @Test
    void keepsTheFirstAndLastHalvesWithAMarkerLine() {
        OutputCapture capture = new OutputCapture(10);
        append(capture, "HEAD-");
        for (int i = 0; i < 100; i++) {
            append(capture, "middle ");
        }
        append(capture, "-TAIL");

        assertThat(capture.text()).isEqualTo("HEAD-\n[... 700 bytes truncated ...]\n-TAIL");
        assertThat(capture.totalBytes()).isEqualTo(710);
    }

    @Test
    void putsTheMarkerDirectlyAfterAHeadEndingInANewline() {
        OutputCapture capture = new OutputCapture(8);
        append(capture, "abc\n0123456789wxyz");

        assertThat(capture.text()).isEqualTo("abc\n[... 10 bytes truncated ...]\nwxyz");
    }

    @Test
    void neverSplitsACharacterAtTheCuts() {
        OutputCapture capture = new OutputCapture(6);
        append(capture, "ab\u00e9" + "x".repeat(20) + "\u20acz"); // é is 2 bytes, € is 3

        String text = capture.text();
        assertThat(text).doesNotContain("\uFFFD");
        assertThat(text).startsWith("ab\n[... ").endsWith(" bytes truncated ...]\nz");
        // 3 kept head bytes would split é, 3 kept tail bytes would split €
        assertThat(text).contains("[... " + (2 + 20 + 3) + " bytes truncated ...]");
    }

    @Test
    void matchesAReferenceForRandomChunking() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int limit = random.nextInt(64);
            byte[] data = new byte[random.nextInt(300)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + random.nextInt(26));
            }
            OutputCapture capture = new OutputCapture(limit);
            for (int offset = 0; offset < data.length; ) {
                int chunk = Math.min(data.length - offset, 1 + random.nextInt(40));
                capture.append(data, offset, chunk);
                offset += chunk;
            }

            String all = new String(data, UTF_8);
            int head = limit / 2;
            int tail = limit - head;
            String expected = data.length <= limit
                    ? all
                    : all.substring(0, head) + (head > 0 ? "\n" : "") + "[... " + (data.length - limit)
                            + " bytes truncated ...]\n" + all.substring(data.length - tail);
            assertThat(capture.text())
                    .as("limit %d, %d bytes", limit, data.length)
                    .isEqualTo(expected);
            assertThat(capture.totalBytes()).isEqualTo(data.length);
        }
    }

    @Test
    void keepsOnlyAMarkerWithALimitOfZero() {
        OutputCapture capture = new OutputCapture(0);
        append(capture, "dropped");

        assertThat(capture.text()).isEqualTo("[... 7 bytes truncated ...]\n");
        assertThat(new OutputCapture(0).text()).isEmpty();
    }
}
