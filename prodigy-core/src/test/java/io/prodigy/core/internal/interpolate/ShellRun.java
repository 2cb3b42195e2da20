package io.prodigy.core.internal.interpolate;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command with {@code <shell> -c} as a real process and captures its output. */
record ShellRun(int exitCode, String stdout, String stderr) {

    static boolean available(String shell) {
        return List.of("/bin", "/usr/bin").stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, shell)));
    }

    static ShellRun run(String shell, String command, Path workingDirectory) {
        try {
            Process process = new ProcessBuilder(shell, "-c", command)
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            String stdout = read(process.getInputStream());
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + shell + " -c " + command);
            }
            return new ShellRun(process.exitValue(), stdout, stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
