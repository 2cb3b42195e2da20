package io.prodigy.claude.internal;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.claude.AgentOutputParser;
import io.prodigy.claude.ProcessExit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * For agent CLIs without machine output: the output is the end of stdout (at most {@value #KEPT_CHARS} characters),
 * success is exit code 0, and a failure is classified from the text of stderr and stdout.
 */
public final class PlainTextDecoder implements AgentOutputParser.Decoder {
    static final int KEPT_CHARS = 64 * 1024;

    private final Deque<String> kept = new ArrayDeque<>();
    private int keptChars;

    /**
     * @param request the invocation (unused: plain text carries no activity)
     * @param transcript the transcript file, or null
     */
    public PlainTextDecoder(AgentRequest request, Path transcript) {
        // nothing to keep from either: the runner fills in the transcript
    }

    @Override
    public boolean onLine(String line) {
        String l = Results.cut(line, KEPT_CHARS);
        kept.addLast(l);
        keptChars += l.length() + 1;
        while (keptChars > KEPT_CHARS && kept.size() > 1) {
            keptChars -= kept.removeFirst().length() + 1;
        }
        return false;
    }

    @Override
    public AgentResult finish(ProcessExit exit) {
        String output = String.join("\n", kept);
        if (exit.exitCode() == 0 && !exit.terminated()) {
            return AgentResult.builder().success(true).output(output).build();
        }
        AgentResult.Builder b = AgentResult.builder().success(false).output(output);
        String evidence = exit.stderr() + "\n" + AgentInvocation.tail(output, 4000);
        ErrorKind kind = exit.terminated() ? null : FailureText.classify(evidence);
        if (kind == ErrorKind.QUOTA_EXHAUSTED) {
            b.retryAfter(QuotaResets.parse(evidence, Clock.systemDefaultZone()));
        }
        String detail = exit.stderr().isBlank()
                ? Results.oneLine(AgentInvocation.tail(output, 1000), 1000)
                : AgentInvocation.tail(exit.stderr(), 1500);
        return b.errorKind(kind == null ? ErrorKind.COMMAND_FAILED : kind)
                .errorMessage("the agent "
                        + (kind == null
                                ? "exited with code " + exit.exitCode()
                                : "failed: " + FailureText.describe(kind))
                        + (detail.isBlank() ? "" : ": " + detail))
                .build();
    }
}
