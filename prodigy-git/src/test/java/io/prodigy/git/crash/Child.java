package io.prodigy.git.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link CrashChild} JVM: its output lines, its death, and the processes it leaves. */
final class Child implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile String end;
    private final java.util.concurrent.CountDownLatch eof = new java.util.concurrent.CountDownLatch(1);

    private Child(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            seen.add(line);
                            if (line.startsWith("END ")) {
                                end = line.substring(4);
                            }
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the child died: the end of its output
                    }
                    lines.add(EOF);
                    eof.countDown();
                },
                "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(Path base, String... args) throws IOException {
        return start(base, java.util.Map.of(), args);
    }

    /**
     * Starts a child JVM in its own session and process group (so that {@link #killGroup()} can kill it with the git
     * commands it runs, as a terminal's Ctrl-C or a container stop would), with the crash-point hook installed.
     *
     * @param base the trial's directory
     * @param properties system properties for the child (the hook's configuration)
     * @param args {@link CrashChild}'s arguments after the directory
     */
    static Child start(Path base, java.util.Map<String, String> properties, String... args) throws IOException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(
                "setsid",
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dprodigy.crash-points=" + ChildCrashPoints.class.getName(),
                "-Dprodigy.crash.runId=" + CrashScenario.RUN_ID,
                // a journal snapshot every few records, so that kills land around snapshot writes and every
                // resume reads a snapshot plus the journal after it
                "-Dprodigy.journal.snapshotInterval=4"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), base.toString()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(base, "child-", ".err");
        return new Child(new ProcessBuilder(cmd).redirectError(err.toFile()).start(), err);
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits for the {@code n}-th output line that matches.
     *
     * @return true if it came, false if the child ended first
     */
    boolean awaitLine(Predicate<String> match, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int count = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        "no line " + n + " matching within " + timeout + "; output: " + seen + "\n" + stderrTail());
            }
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                continue;
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                return false;
            }
            if (match.test(line) && ++count == n) {
                return true;
            }
        }
    }

    /** Waits up to {@code millis} for the child to exit by itself. @return whether it exited */
    boolean waitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** SIGKILL (what {@code destroyForcibly} sends on Linux), then waits until the process is reaped. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child " + pid() + " survived SIGKILL");
        }
    }

    /**
     * SIGKILL to the child's whole process group: the JVM and the git commands it runs (agents run in their own
     * sessions and survive, as they would a terminal's Ctrl-C), then waits until the JVM is reaped.
     */
    void killGroup() throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-KILL", "--", "-" + pid())
                .inheritIO()
                .start();
        k.waitFor();
        kill();
    }

    /** Sends a signal by name ({@code INT}, {@code TERM}) with {@code kill}. */
    void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, String.valueOf(pid()))
                .inheritIO()
                .start();
        if (k.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed");
        }
    }

    /** @return the status the child printed at its end, or null if it did not get there */
    String end() throws InterruptedException {
        if (process.isAlive()) {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        // the reader thread may still be draining the last lines
        eof.await(5, TimeUnit.SECONDS);
        return end;
    }

    int exitValue() {
        return process.exitValue();
    }

    List<String> output() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    String stderrTail() {
        try {
            String all = Files.readString(stderr);
            return all.length() > 6000 ? all.substring(all.length() - 6000) : all;
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
