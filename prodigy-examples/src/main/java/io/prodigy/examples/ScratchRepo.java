package io.prodigy.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates small git repositories for the examples to work on: the files given, committed on branch {@code main},
 * with a committer identity of the repository's own (so the examples run on a machine where git has never been
 * configured) and commit signing off.
 */
public final class ScratchRepo {
    private ScratchRepo() {}

    /**
     * Creates a repository in {@code dir} (which must not exist or be empty) with the files committed.
     *
     * @param dir the repository directory
     * @param files relative path to content; a path ending in {@code .sh} is made executable
     * @return {@code dir}
     * @throws IOException if a file cannot be written or git fails
     */
    public static Path create(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
            if (f.getKey().endsWith(".sh")) {
                p.toFile().setExecutable(true);
            }
        }
        git(dir, "init", "-q");
        git(dir, "symbolic-ref", "HEAD", "refs/heads/main");
        git(dir, "config", "user.name", "Prodigy Example");
        git(dir, "config", "user.email", "example@prodigy.invalid");
        git(dir, "config", "commit.gpgsign", "false");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "initial commit");
        return dir;
    }

    /**
     * Runs git in a directory and returns its standard output.
     *
     * @param dir the working directory
     * @param args git's arguments
     * @return standard output without the trailing newline
     * @throws IOException if git cannot be started or exits with a non-zero status
     */
    public static String git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
            }
            return out.stripTrailing();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running git", e);
        }
    }

    /**
     * Like {@link #git} for code that cannot throw checked exceptions.
     *
     * @param dir the working directory
     * @param args git's arguments
     * @return standard output without the trailing newline
     */
    public static String gitUnchecked(Path dir, String... args) {
        try {
            return git(dir, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
