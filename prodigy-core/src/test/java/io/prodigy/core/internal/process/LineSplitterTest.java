package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    private LineSplitter splitter(int maxLineBytes) {
        return new LineSplitter(
                LineListener.Stream.STDERR, (stream, line) -> lines.add(stream + ":" + line), maxLineBytes);
    }

    private static void feed(LineSplitter splitter, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        splitter.accept(bytes, 0, bytes.length);
    }

    @Test
    void splitsOnNewlinesAcrossChunksAndStripsCarriageReturns() {
        LineSplitter splitter = splitter(100);
        feed(splitter, "one\r\ntw");
        feed(splitter, "o\n\nthr");
        feed(splitter, "ee");
        assertThat(lines).containsExactly("STDERR:one", "STDERR:two", "STDERR:");

        splitter.finish();
        assertThat(lines).containsExactly("STDERR:one", "STDERR:two", "STDERR:", "STDERR:three");
    }

    @Test
    void finishDeliversNothingAfterACompleteLine() {
        LineSplitter splitter = splitter(100);
        feed(splitter, "done\n");
        splitter.finish();

        assertThat(lines).containsExactly("STDERR:done");
    }

    @Test
    void cutsLongLinesAndCountsWhatWasDropped() {
        LineSplitter splitter = splitter(4);
        feed(splitter, "abcdefg");
        feed(splitter, "hij\nok\n");

        assertThat(lines).containsExactly("STDERR:abcd [... 6 bytes truncated ...]", "STDERR:ok");
    }

    @Test
    void cutsLongLinesAtACharacterBoundary() {
        LineSplitter splitter = splitter(4);
        feed(splitter, "abc\u00e9\u00e9\n");

        assertThat(lines).containsExactly("STDERR:abc [... 4 bytes truncated ...]");
    }

    @Test
    void keepsWorkingWhenTheListenerThrows() {
        List<String> seen = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(
                LineListener.Stream.STDOUT,
                (stream, line) -> {
                    seen.add(line);
                    throw new IllegalStateException("boom");
                },
                100);
        feed(splitter, "a\nb\nc\n");

        assertThat(seen).containsExactly("a", "b", "c");
    }
}
