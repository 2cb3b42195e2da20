package io.prodigy.core.internal.process;

import io.prodigy.api.ProdigyException;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One started process, from start until its result: waiting, terminating, draining. */
final class Execution {
    private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);

    /** How long output is still read after the child exited on its own, for background writers. */
    static final Duration EXIT_DRAIN = Duration.ofSeconds(2);
    /** How long output is still read after the tree was terminated. */
    static final Duration KILL_DRAIN = Duration.ofMillis(500);

    private static final long EXIT_STATUS_WAIT_SECONDS = 5;
    private static final ProcessBuilder.Redirect EMPTY_STDIN = ProcessBuilder.Redirect.from(new File("/dev/null"));

    /** Pumps and exit waiters; threads are renamed per task ("prodigy-proc-out-<pid>"). */
    private static final ExecutorService IO_THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "prodigy-proc-idle");
        thread.setDaemon(true);
        return thread;
    });

    static {
        LaunchMechanism.prefer(); // before this JVM's first child process, if Prodigy starts it
    }

    private enum Outcome {
        EXITED,
        TIMED_OUT,
        CANCELLED,
        INTERRUPTED
    }

    private final ProcessSpec spec;
    private final Process process;
    private final long pid;
    private final ProcessTree tree;
    private final long startNanos;
    private final OutputPump stdout;
    private final OutputPump stderr;
    private final CountDownLatch pumpsDone = new CountDownLatch(2);
    private final CountDownLatch wake = new CountDownLatch(1);
    private boolean interrupted;

    private Execution(
            ProcessSpec spec,
            Process process,
            TreeMode mode,
            ProcFs.Counters beforeStart,
            long startNanos,
            OutputStream stdoutFile) {
        this.spec = spec;
        this.process = process;
        this.pid = process.pid();
        this.tree = ProcessTree.of(process.toHandle(), mode, beforeStart);
        this.startNanos = startNanos;
        Object deliveryLock = new Object();
        LineListener listener = spec.lineListener().orElse(null);
        this.stdout = new OutputPump(
                "prodigy-proc-out-" + pid,
                process.getInputStream(),
                new OutputCapture(spec.maxCapturedBytes()),
                stdoutFile,
                listener == null ? null : new LineSplitter(LineListener.Stream.STDOUT, listener),
                deliveryLock,
                pumpsDone);
        this.stderr = new OutputPump(
                "prodigy-proc-err-" + pid,
                process.getErrorStream(),
                new OutputCapture(spec.maxCapturedBytes()),
                null,
                listener == null ? null : new LineSplitter(LineListener.Stream.STDERR, listener),
                deliveryLock,
                pumpsDone);
    }

    /**
     * Starts the process described by {@code spec}.
     *
     * @throws ProcessStartException if it cannot be started
     */
    static Execution start(ProcessSpec spec, TreeMode mode) {
        String command = spec.argv().get(0);
        Path directory = spec.workingDirectory().map(Path::toAbsolutePath).orElse(null);
        if (directory != null && !Files.isDirectory(directory)) {
            throw new ProcessStartException(
                    "Cannot run '" + command + "': the working directory " + directory
                            + " does not exist or is not a directory",
                    null);
        }
        ProcessBuilder builder = new ProcessBuilder();
        Map<String, String> environment = builder.environment();
        if (!spec.inheritEnvironment()) {
            environment.clear();
        }
        environment.putAll(spec.environment());
        environment.keySet().removeAll(spec.removedEnvironment());
        Path executable = ExecutableLookup.resolve(
                command, directory != null ? directory : Path.of("").toAbsolutePath(), environment.get("PATH"));

        List<String> commandLine = new ArrayList<>(spec.argv().size() + 1);
        if (mode == TreeMode.PROCESS_GROUP) {
            commandLine.add(TreeMode.SETSID.orElseThrow());
        }
        commandLine.add(executable.toString());
        commandLine.addAll(spec.argv().subList(1, spec.argv().size()));
        builder.command(commandLine).redirectInput(EMPTY_STDIN);
        if (directory != null) {
            builder.directory(directory.toFile());
        }

        OutputStream stdoutFile = openStdoutFile(spec.stdoutFile(), command);
        // read before the start (shared with other recent starts), so that they bound every pid the child's
        // group can be given (see ProcessTree)
        ProcFs.Counters beforeStart =
                mode == TreeMode.PROCESS_GROUP ? ProcFs.countersBefore().orElse(null) : null;
        long startNanos = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(stdoutFile);
            throw new ProcessStartException(
                    "Cannot run '" + command + "' (" + executable + ")" + (directory == null ? "" : " in " + directory)
                            + ": " + e.getMessage(),
                    e);
        }
        Execution execution = new Execution(spec, process, mode, beforeStart, startNanos, stdoutFile);
        log.debug(
                "Started pid {}: {} with {} argument(s){}",
                execution.pid,
                executable,
                spec.argv().size() - 1,
                directory == null ? "" : " in " + directory);
        execution.startThreads();
        return execution;
    }

    private void startThreads() {
        LiveProcessTrees.add(tree);
        IO_THREADS.execute(stdout);
        IO_THREADS.execute(stderr);
        IO_THREADS.execute(this::awaitExitThenWake);
    }

    private void awaitExitThenWake() {
        Thread thread = Thread.currentThread();
        String previousName = thread.getName();
        thread.setName("prodigy-proc-wait-" + pid);
        try {
            boolean interruptedHere = false;
            while (true) {
                try {
                    process.waitFor();
                    break;
                } catch (InterruptedException e) {
                    interruptedHere = true; // only the pool's shutdown would do this; finish waiting anyway
                }
            }
            if (interruptedHere) {
                thread.interrupt();
            }
        } finally {
            wake.countDown();
            thread.setName(previousName);
        }
    }

    /**
     * Waits for the process to exit, time out, be cancelled or the caller to be interrupted;
     * terminates the tree unless it exited; drains the output.
     *
     * @throws InterruptedException if the calling thread was interrupted (the tree is terminated first)
     */
    ProcessResult await(CancellationToken token) throws InterruptedException {
        try {
            CancellationToken.Registration registration = token.onCancel(wake::countDown);
            Outcome outcome;
            try {
                outcome = awaitOutcome(token);
            } finally {
                registration.remove();
            }
            if (outcome != Outcome.EXITED) {
                log.debug("pid {} {}; terminating its process tree", pid, describe(outcome));
                terminateTree();
            }
            int exitCode = awaitExitCode();
            drain(outcome);
            Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
            log.debug("pid {} finished with exit code {} after {} ms", pid, exitCode, duration.toMillis());
            if (interrupted || Thread.interrupted()) {
                throw new InterruptedException(
                        "Interrupted while running pid " + pid + "; its process tree was terminated");
            }
            IOException fileError = stdout.fileError();
            if (fileError != null) {
                throw new ProdigyException(
                        "Could not write the output of '" + spec.argv().get(0) + "' to "
                                + spec.stdoutFile().orElseThrow() + ": " + fileError.getMessage(),
                        fileError);
            }
            return new ProcessResult(
                    exitCode,
                    stdout.text(),
                    stderr.text(),
                    duration,
                    outcome == Outcome.TIMED_OUT,
                    outcome == Outcome.CANCELLED,
                    stdout.bytes(),
                    stderr.bytes());
        } finally {
            LiveProcessTrees.remove(tree);
        }
    }

    private Outcome awaitOutcome(CancellationToken token) {
        long timeoutNanos = spec.timeout().map(ProcessTree::saturatedNanos).orElse(Long.MAX_VALUE);
        try {
            while (true) {
                if (!process.isAlive()) {
                    return Outcome.EXITED;
                }
                if (token.isCancelled()) {
                    return Outcome.CANCELLED;
                }
                long remaining = timeoutNanos - (System.nanoTime() - startNanos);
                if (remaining <= 0) {
                    return Outcome.TIMED_OUT;
                }
                wake.await(remaining, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            return Outcome.INTERRUPTED;
        }
    }

    private void terminateTree() {
        tree.terminate(spec.killGracePeriod());
        interrupted |= Thread.interrupted();
    }

    private int awaitExitCode() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXIT_STATUS_WAIT_SECONDS);
        while (true) {
            try {
                if (process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    return process.exitValue();
                }
                log.warn(
                        "pid {} has not exited {} s after it was killed; reporting exit code -1",
                        pid,
                        EXIT_STATUS_WAIT_SECONDS);
                return -1;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /**
     * Reads the rest of the output, then makes sure nothing of the tree outlives the run. After a
     * normal exit, background processes that still hold the pipes get {@link #EXIT_DRAIN} to finish
     * writing; then whatever is left of the tree (in {@link TreeMode#PROCESS_GROUP}: everything still in
     * the child's process group, holding the pipes or not) is terminated. If the pipes are still open
     * after that (held by a process outside the tree), reading stops and the result holds what was
     * read; the stuck reader thread ends when that process closes the pipe.
     */
    private void drain(Outcome outcome) {
        boolean drained = awaitPumps(outcome == Outcome.EXITED && !interrupted ? EXIT_DRAIN : KILL_DRAIN);
        if (outcome == Outcome.EXITED || !drained) {
            terminateTree(); // with a process group: one /proc scan, about 1 ms when nothing is left
        }
        if (drained || awaitPumps(KILL_DRAIN)) {
            return;
        }
        log.warn(
                "Stopped reading the output of pid {}: a process outside its process tree still holds the pipe open",
                pid);
        stdout.abandon();
        stderr.abandon();
    }

    private boolean awaitPumps(Duration limit) {
        try {
            return pumpsDone.await(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            return false;
        }
    }

    private static String describe(Outcome outcome) {
        switch (outcome) {
            case TIMED_OUT:
                return "timed out";
            case CANCELLED:
                return "was cancelled";
            case INTERRUPTED:
                return "was interrupted";
            default:
                return "exited";
        }
    }

    private static OutputStream openStdoutFile(Optional<Path> file, String command) {
        if (file.isEmpty()) {
            return null;
        }
        Path path = file.get();
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024);
        } catch (IOException e) {
            throw new ProcessStartException(
                    "Cannot run '" + command + "': cannot create its stdout file " + path + ": " + e, e);
        }
    }

    private static void closeQuietly(OutputStream stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                log.debug("Closing the stdout file failed", e);
            }
        }
    }
}
