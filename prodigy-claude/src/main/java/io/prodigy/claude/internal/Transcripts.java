package io.prodigy.claude.internal;

import io.prodigy.api.spi.AgentRequest;
import java.nio.file.Path;

/** Where the raw output of one invocation is kept: {@code <state>/transcripts/<item>.<step>.<id>.jsonl}. */
final class Transcripts {
    static final String DIRECTORY = "transcripts";
    private static final int MAX_PART = 40;

    private Transcripts() {}

    /**
     * @param request the invocation
     * @param id unique per invocation (a session id or a random UUID)
     * @return the transcript file, or null when the request has no state directory
     */
    static Path file(AgentRequest request, String id) {
        if (request.stateDirectory() == null) {
            return null;
        }
        String item = request.itemId() == null ? "run" : slug(request.itemId());
        String step = request.stepLabel() == null ? "agent" : slug(request.stepLabel());
        return request.stateDirectory().resolve(DIRECTORY).resolve(item + "." + step + "." + slug(id) + ".jsonl");
    }

    /** @param transcript a transcript file @return the file beside it that holds the process's stderr */
    static Path stderrFile(Path transcript) {
        String name = transcript.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return transcript.resolveSibling(stem + ".stderr.txt");
    }

    static String slug(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_PART));
        for (int i = 0; i < text.length() && out.length() < MAX_PART; i++) {
            char c = text.charAt(i);
            boolean plain =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (plain) {
                out.append(c);
            } else if (out.length() > 0 && out.charAt(out.length() - 1) != '_') {
                out.append('_');
            }
        }
        while (out.length() > 0 && out.charAt(out.length() - 1) == '_') {
            out.setLength(out.length() - 1);
        }
        return out.length() == 0 ? "x" : out.toString();
    }
}
