package io.prodigy.claude;

import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.claude.internal.ClaudeStreamDecoder;
import io.prodigy.claude.internal.CodexJsonDecoder;
import io.prodigy.claude.internal.PlainTextDecoder;
import java.nio.file.Path;

/**
 * Turns an agent CLI's output into an {@link AgentResult}: the hook that adapts {@link CommandAgentRunner} to a
 * particular CLI. A parser is shared and thread-safe; it opens one {@link Decoder} per invocation.
 *
 * <p>Decoders must never trust the stream: ignore unknown event types and fields, survive lines that are not JSON,
 * and keep memory bounded (keep what the result needs, not the lines: the runner already writes the complete
 * stdout to the transcript file).
 */
@FunctionalInterface
public interface AgentOutputParser {

    /**
     * Opens a decoder for one invocation.
     *
     * @param request the invocation; its {@link AgentRequest#activity()} receives live activity
     * @param transcript the file that will hold the complete stdout, or null
     * @return a new decoder
     */
    Decoder open(AgentRequest request, Path transcript);

    /** Decodes one invocation's output. Called from one thread at a time, in output order. */
    interface Decoder {

        /**
         * Receives one line of standard output, without its line terminator. Lines longer than 1 MiB arrive cut,
         * ending in {@code " [... N bytes truncated ...]"}; the transcript file has them whole.
         *
         * @param line the line
         * @return true if this line is the CLI's terminal event (its final result); the runner then gives the
         *         process a short grace period to exit before it terminates the process tree
         */
        boolean onLine(String line);

        /**
         * Receives one line of standard error. The default ignores it; {@link ProcessExit#stderr()} holds its end.
         *
         * @param line the line
         */
        default void onErrorLine(String line) {}

        /**
         * Builds the result once the process has ended and its output is drained. The runner fills in the exit
         * code, duration and transcript where the result leaves them null.
         *
         * @param exit how the process ended
         * @return the outcome; never null
         */
        AgentResult finish(ProcessExit exit);
    }

    /**
     * The Claude Code stream-json parser (also fits CLIs that copy its format, such as {@code cursor-agent -p
     * --output-format stream-json}). Unknown slash commands and permission denials are not checked here; configure
     * them on {@link ClaudeCodeRunner}.
     *
     * @return the parser
     */
    static AgentOutputParser claudeStreamJson() {
        return (request, transcript) ->
                new ClaudeStreamDecoder(request, transcript, null, ClaudeStreamDecoder.Options.LENIENT);
    }

    /**
     * The OpenAI Codex parser for {@code codex exec --json}: {@code thread.started} gives the session id,
     * {@code item.*} events the activity and the final agent message, {@code turn.completed} the tokens (Codex
     * reports no cost) and {@code turn.failed} the failure, classified by its text.
     *
     * @return the parser
     */
    static AgentOutputParser codexJson() {
        return CodexJsonDecoder::new;
    }

    /**
     * A parser for CLIs without machine output: success is exit code 0, the output is the end of stdout (at most
     * 64 KiB), and a failure is classified from the text of stderr and stdout (rate limits, quota, authentication,
     * billing, overload, network) or else reported as {@link io.prodigy.api.ErrorKind#COMMAND_FAILED}.
     *
     * @return the parser
     */
    static AgentOutputParser plainText() {
        return PlainTextDecoder::new;
    }
}
