package io.prodigy.core.process;

import io.prodigy.core.internal.process.ProcessResult;
import io.prodigy.core.internal.process.ProcessRunner;
import io.prodigy.core.internal.process.ProcessStartException;
import java.util.Objects;

/**
 * Runs child processes the way the engine runs shell steps and agent CLIs. POSIX only.
 *
 * <p>What a run guarantees: stdin is empty; stdout and stderr are captured separately and bounded, optionally copied
 * whole to a file and streamed line by line to an {@link OutputListener}; on timeout, cancellation or interrupt the
 * whole process tree is terminated (SIGTERM to every member, the grace period, then SIGKILL; on Linux the child runs
 * in its own session and process group, so reparented grandchildren are found too); after the child exits, what it
 * left running in its tree is terminated the same way; when the JVM shuts down, the trees of runs in progress are
 * terminated. Logging names pids and executables, never arguments or environment values.
 */
public final class Processes {
    private Processes() {}

    /**
     * Runs a process to completion; only its timeout or an interrupt stops it early.
     *
     * @param command what to run
     * @return how the process ended and what it wrote
     * @throws ProcessLaunchException if the process cannot be started
     * @throws io.prodigy.api.ProdigyException if the stdout file could not be written completely
     * @throws InterruptedException if the calling thread is interrupted; the process tree is terminated first
     */
    public static ProcessOutcome run(ProcessCommand command) throws InterruptedException {
        return run(command, new Cancellation());
    }

    /**
     * Runs a process to completion, blocking the calling thread.
     *
     * @param command what to run
     * @param cancellation cancelling it terminates the process tree, and the outcome says
     *                     {@link ProcessOutcome#cancelled()}; if it is already cancelled, nothing is started
     * @return how the process ended and what it wrote; a non-zero exit, a timeout or a cancellation is an outcome,
     *         not an exception
     * @throws NullPointerException if an argument is null
     * @throws ProcessLaunchException if the process cannot be started (missing or non-executable executable, missing
     *                                working directory, stdout file that cannot be created)
     * @throws io.prodigy.api.ProdigyException if the stdout file could not be written completely
     * @throws InterruptedException if the calling thread is interrupted; the process tree is terminated (SIGTERM,
     *                              grace period, SIGKILL) before this is thrown
     */
    public static ProcessOutcome run(ProcessCommand command, Cancellation cancellation) throws InterruptedException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(cancellation, "cancellation");
        ProcessResult r;
        try {
            r = ProcessRunner.run(command.spec(), cancellation.token());
        } catch (ProcessStartException e) {
            throw new ProcessLaunchException(e.getMessage(), e.getCause());
        }
        return new ProcessOutcome(r.exitCode(), r.stdout(), r.stderr(), r.duration(), r.timedOut(), r.cancelled());
    }
}
