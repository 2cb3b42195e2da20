package io.prodigy.core.internal.process;

import java.time.Duration;
import java.util.Objects;

/**
 * Runs child processes: every shell step and agent CLI goes through here. POSIX only.
 *
 * <p>What a run guarantees:
 * <ul>
 *   <li>stdin is empty ({@code /dev/null}); stdout and stderr are captured separately, bounded (see
 *       {@link ProcessSpec.Builder#maxCapturedBytes(long)}), optionally copied whole to a file and
 *       streamed line by line to a {@link LineListener};</li>
 *   <li>on timeout, cancellation or interrupt the whole process tree is terminated: SIGTERM to every
 *       member, up to {@link ProcessSpec#killGracePeriod()} for them to exit, then SIGKILL to the
 *       survivors. On Linux the child runs in its own session and process group (through
 *       {@code setsid}), so grandchildren that were reparented to init are found too; elsewhere the
 *       tree is the child's live descendants;</li>
 *   <li>after the child exits on its own, output is read until end of file, or for at most 2 s while
 *       background processes still hold the pipes; then every process left in the tree is terminated
 *       the same way, whether it holds the pipes or not (on Linux: everything still in the child's
 *       process group, including {@code nohup cmd >log &}). Nothing the child started outlives the
 *       run. Output written after the child exited is read on a best-effort basis: if the child exits
 *       before the reader threads are running, the JDK closes the pipes at exit. Without a process
 *       group (not Linux, or no {@code setsid}) children reparented before the exit cannot be found
 *       and are left running;</li>
 *   <li>if a process that left the tree altogether (started its own session and was reparented) still
 *       holds a pipe, reading stops shortly after the tree is gone and the result holds what was read;</li>
 *   <li>when the JVM shuts down, the trees of runs in progress are terminated.</li>
 * </ul>
 *
 * <p>Logging (SLF4J, debug) names pids and executables but never arguments or environment values,
 * which may hold secrets.
 */
public final class ProcessRunner {

    private ProcessRunner() {}

    /**
     * Runs a process to completion; only its timeout or an interrupt stops it early.
     *
     * @param spec what to run
     * @return how the process ended and what it wrote
     * @throws ProcessStartException if the process cannot be started
     * @throws InterruptedException if the calling thread is interrupted; the process tree is terminated first
     * @see #run(ProcessSpec, CancellationToken)
     */
    public static ProcessResult run(ProcessSpec spec) throws InterruptedException {
        return run(spec, new CancellationToken());
    }

    /**
     * Runs a process to completion. Blocks the calling thread.
     *
     * @param spec what to run
     * @param token cancelling it terminates the process tree; the result then says
     *     {@link ProcessResult#cancelled()}. If it is already cancelled, nothing is started.
     * @return how the process ended and what it wrote; a non-zero exit, a timeout or a cancellation is
     *     a result, not an exception
     * @throws ProcessStartException if the process cannot be started (missing or non-executable
     *     executable, missing working directory, stdout file that cannot be created)
     * @throws io.prodigy.api.ProdigyException if the stdout file could not be written completely
     * @throws InterruptedException if the calling thread is interrupted; the process tree is terminated
     *     (SIGTERM, grace period, SIGKILL) before this is thrown
     */
    public static ProcessResult run(ProcessSpec spec, CancellationToken token) throws InterruptedException {
        return run(spec, token, TreeMode.DEFAULT);
    }

    static ProcessResult run(ProcessSpec spec, CancellationToken token, TreeMode mode) throws InterruptedException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(token, "token");
        if (Thread.interrupted()) {
            throw new InterruptedException("Interrupted before starting " + spec);
        }
        if (token.isCancelled()) {
            return new ProcessResult(-1, "", "", Duration.ZERO, false, true, 0, 0);
        }
        return Execution.start(spec, mode).await(token);
    }
}
