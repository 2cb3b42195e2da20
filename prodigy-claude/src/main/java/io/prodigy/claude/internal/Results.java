package io.prodigy.claude.internal;

import io.prodigy.api.spi.AgentResult;
import java.time.Duration;

/** Small helpers for building {@link AgentResult}s and their messages. */
final class Results {
    private Results() {}

    /** @param r a result @return a builder holding all of its values */
    static AgentResult.Builder toBuilder(AgentResult r) {
        return AgentResult.builder()
                .success(r.success())
                .output(r.output())
                .exitCode(r.exitCode())
                .errorKind(r.success() ? null : r.errorKind())
                .errorMessage(r.errorMessage())
                .costUsd(r.costUsd())
                .tokens(r.tokens())
                .duration(r.duration())
                .retryAfter(r.retryAfter())
                .transcript(r.transcript())
                .sessionId(r.sessionId());
    }

    /** @param d a duration or null @return it for humans: {@code 90s}, {@code 250ms}, {@code 5m} */
    static String human(Duration d) {
        if (d == null) {
            return "its time limit";
        }
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return (ms / 60_000) + "m";
        }
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    /**
     * @param text any text, possibly huge
     * @param max the most characters to keep
     * @return its first line, stripped, cut to {@code max} characters with an ellipsis
     */
    static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        int end = Math.min(text.length(), max + 1);
        int newline = text.indexOf('\n');
        if (newline >= 0 && newline < end) {
            end = newline;
        }
        String line = text.substring(0, end).strip();
        return line.length() > max ? line.substring(0, max) + "…" : line;
    }

    /** @param text any text @param max the most characters to keep @return the text cut to {@code max} */
    static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
