package io.prodigy.git.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the processes a trial left behind, through {@code /proc}: those whose command line carries the trial's
 * marker (agents and their shells) or whose working directory is inside the trial's directory (git, grandchildren).
 */
final class Leftovers {
    private Leftovers() {}

    /** A process and its command line. */
    record Found(long pid, String commandLine) {}

    static List<Found> find(String marker, Path base) {
        List<Found> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ')
                            .strip();
                    boolean ours = !cmd.isEmpty() && cmd.contains(marker);
                    if (!ours && !cmd.isEmpty()) {
                        Path cwd = Files.readSymbolicLink(p.resolve("cwd"));
                        ours = cwd.startsWith(base);
                    }
                    if (ours) {
                        out.add(new Found(pid, cmd));
                    }
                } catch (IOException | SecurityException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Kills (SIGKILL) every leftover of the trial, until none is left. @return what was killed */
    static List<Found> killAll(String marker, Path base) throws InterruptedException {
        List<Found> killed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<Found> found = find(marker, base);
            if (found.isEmpty()) {
                return killed;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("processes survive SIGKILL: " + found);
            }
            for (Found f : found) {
                ProcessHandle.of(f.pid()).ifPresent(h -> {
                    h.destroyForcibly();
                    killed.add(f);
                });
            }
            for (Found f : found) {
                ProcessHandle.of(f.pid()).ifPresent(h -> {
                    try {
                        h.onExit().get(1, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        // checked again by the next round
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }
}
