package io.prodigy.claude.internal;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.claude.AgentOutputParser;
import io.prodigy.claude.ProcessExit;
import io.prodigy.core.process.Cancellation;
import io.prodigy.core.process.OutputListener;
import io.prodigy.core.process.ProcessCommand;
import io.prodigy.core.process.ProcessLaunchException;
import io.prodigy.core.process.ProcessOutcome;
import io.prodigy.core.process.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one agent CLI process for a request: the transcript file, the environment, live decoding, the grace period
 * after the terminal event, the startup deadline, and the final result. Shared by every runner of this module.
 */
public final class AgentInvocation {
    private static final Logger LOG = LoggerFactory.getLogger(AgentInvocation.class);

    /** Bytes of each output stream kept in memory; stdout is decoded live and written whole to the transcript. */
    private static final long CAPTURED_BYTES = 64 * 1024;

    private AgentInvocation() {}

    /**
     * How one runner runs its processes.
     *
     * @param agentName the agent's name in messages, e.g. {@code Claude Code}
     * @param resultGrace how long the process may run on after its terminal event
     * @param startupTimeout how long the process may stay silent on stdout after it starts, or null for no limit
     * @param killGrace the time between SIGTERM and SIGKILL when a process tree is terminated
     */
    public record Settings(String agentName, Duration resultGrace, Duration startupTimeout, Duration killGrace) {
        /** Checks the values. */
        public Settings {
            Objects.requireNonNull(agentName, "agentName");
            Objects.requireNonNull(resultGrace, "resultGrace");
            Objects.requireNonNull(killGrace, "killGrace");
        }
    }

    /**
     * Runs the process to its end and returns the outcome.
     *
     * @param request the request (workspace, timeout, state directory, activity)
     * @param argv the command line, executable first (looked up on the child's PATH)
     * @param environment variables set in the child's environment, over the JVM's
     * @param removedEnvironment variables removed from the child's environment
     * @param parser opens the decoder for this invocation
     * @param settings grace periods and limits
     * @param transcriptId a unique id for the transcript file name (a session id or a random UUID)
     * @return the outcome; a failure of the agent is a result
     * @throws AgentExecutionException if the process could not be started or its transcript not written
     * @throws InterruptedException if the calling thread was interrupted; the process tree was terminated first
     */
    public static AgentResult run(
            AgentRequest request,
            List<String> argv,
            Map<String, String> environment,
            Collection<String> removedEnvironment,
            AgentOutputParser parser,
            Settings settings,
            String transcriptId)
            throws InterruptedException {
        Path transcript = Transcripts.file(request, transcriptId);
        AgentOutputParser.Decoder decoder = Objects.requireNonNull(parser.open(request, transcript), "decoder");
        Cancellation token = new Cancellation();
        OutputWatch watch = new OutputWatch(decoder, token, settings.resultGrace());
        ProcessCommand spec = ProcessCommand.builder(argv)
                .workingDirectory(request.workspace())
                .environment(environment)
                .removeEnvironment(removedEnvironment)
                .timeout(request.timeout())
                .killGracePeriod(settings.killGrace())
                .maxCapturedBytes(CAPTURED_BYTES)
                .stdoutFile(transcript)
                .outputListener(watch)
                .build();
        ScheduledFuture<?> startupCheck = settings.startupTimeout() == null
                ? null
                : Timers.schedule(watch::checkStarted, settings.startupTimeout());
        ProcessOutcome result;
        try {
            result = Processes.run(spec, token);
        } catch (ProcessLaunchException e) {
            throw new AgentExecutionException(
                    settings.agentName() + " could not be started: " + e.getMessage()
                            + (e.getMessage().contains(argv.get(0))
                                            && !argv.get(0).contains("/")
                                    ? " (is it installed and on the PATH of the child process?)"
                                    : ""),
                    false,
                    e);
        } catch (ProdigyException e) {
            throw new AgentExecutionException(
                    settings.agentName() + " ran, but its transcript could not be written: " + e.getMessage(), true, e);
        } finally {
            watch.close();
            if (startupCheck != null) {
                startupCheck.cancel(false);
            }
        }
        ProcessExit exit = new ProcessExit(
                result.exitCode(),
                result.timedOut(),
                result.cancelled() && watch.stoppedAfterResult(),
                result.cancelled() && watch.stalledAtStartup(),
                tail(result.stderr(), ProcessExit.STDERR_TAIL_CHARS),
                result.duration(),
                transcript);
        writeStderr(transcript, result.stderr());
        AgentResult decoded;
        try {
            decoded = decoder.finish(exit);
        } catch (RuntimeException e) {
            LOG.warn("The output parser of {} failed; reporting a crash", settings.agentName(), e);
            decoded = AgentResult.failure(ErrorKind.CRASH, "the output parser failed: " + e);
        }
        return complete(
                Objects.requireNonNull(decoded, "the decoder returned no result"),
                exit,
                watch.terminalSeen(),
                request,
                settings);
    }

    private static AgentResult complete(
            AgentResult decoded, ProcessExit exit, boolean terminalSeen, AgentRequest request, Settings settings) {
        AgentResult.Builder b = Results.toBuilder(decoded);
        boolean success = decoded.success();
        String message = decoded.errorMessage();
        if (!terminalSeen && exit.timedOut()) {
            success = false;
            // a decoder that saw the agent being throttled (API retries) keeps that class and says so
            ErrorKind kind = decoded.errorKind();
            boolean throttled = kind == ErrorKind.RATE_LIMITED || kind == ErrorKind.OVERLOADED;
            b.success(false).errorKind(throttled ? kind : ErrorKind.TIMEOUT);
            message = settings.agentName() + " did not finish within " + Results.human(request.timeout())
                    + "; its process tree was terminated"
                    + (throttled || kind == ErrorKind.TIMEOUT && decoded.errorMessage() != null
                            ? " " + decoded.errorMessage()
                            : "");
        } else if (!terminalSeen && exit.stalledAtStartup()) {
            success = false;
            b.success(false).errorKind(ErrorKind.TIMEOUT);
            message = settings.agentName() + " wrote nothing within " + Results.human(settings.startupTimeout())
                    + " of starting (a startup hang: a lock wait, an update, or a prompt for input); its process "
                    + "tree was terminated";
        }
        if (decoded.exitCode() == null) {
            b.exitCode(exit.exitCode());
        }
        if (decoded.duration() == null) {
            b.duration(exit.duration());
        }
        Path transcript = decoded.transcript() != null ? decoded.transcript() : exit.transcript();
        b.transcript(transcript);
        if (!success) {
            if (message == null || message.isBlank()) {
                message = settings.agentName() + " failed (exit code " + exit.exitCode() + ")";
            }
            if (transcript != null && !message.contains(transcript.toString())) {
                message = message + " (transcript: " + transcript + ")";
            }
            b.errorMessage(message);
        }
        return b.build();
    }

    private static void writeStderr(Path transcript, String stderr) {
        if (transcript == null || stderr.isBlank()) {
            return;
        }
        Path file = Transcripts.stderrFile(transcript);
        try {
            Files.writeString(file, stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.debug("Could not write {}", file, e);
        }
    }

    static String tail(String text, int max) {
        String t = text.strip();
        return t.length() <= max ? t : "..." + t.substring(t.length() - max);
    }

    /** Feeds the decoder live and enforces the grace period after the terminal event and the startup deadline. */
    private static final class OutputWatch implements OutputListener {
        private final AgentOutputParser.Decoder decoder;
        private final Cancellation token;
        private final Duration resultGrace;
        private volatile boolean sawStdout;
        private volatile boolean terminalSeen;
        private volatile boolean stoppedAfterResult;
        private volatile boolean stalledAtStartup;
        private volatile boolean closed;
        private volatile ScheduledFuture<?> graceTimer;

        OutputWatch(AgentOutputParser.Decoder decoder, Cancellation token, Duration resultGrace) {
            this.decoder = decoder;
            this.token = token;
            this.resultGrace = resultGrace;
        }

        @Override
        public void onLine(boolean stderr, String line) {
            if (closed) {
                return; // a process outside the tree still writes after the run ended; the decoder has finished
            }
            if (stderr) {
                decoder.onErrorLine(line);
                return;
            }
            sawStdout = true;
            if (decoder.onLine(line) && !terminalSeen) {
                terminalSeen = true;
                if (!closed) {
                    graceTimer = Timers.schedule(this::stopAfterResult, resultGrace);
                }
            }
        }

        private void stopAfterResult() {
            stoppedAfterResult = true;
            token.cancel();
        }

        void checkStarted() {
            if (!sawStdout) {
                stalledAtStartup = true;
                token.cancel();
            }
        }

        boolean terminalSeen() {
            return terminalSeen;
        }

        boolean stoppedAfterResult() {
            return stoppedAfterResult;
        }

        boolean stalledAtStartup() {
            return stalledAtStartup;
        }

        void close() {
            closed = true;
            ScheduledFuture<?> timer = graceTimer;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
