package io.prodigy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One git command run by the command line itself (checks before a run, {@code merge}), with its exit code and its
 * output (standard error included).
 *
 * @param exit the exit code; -1 when git could not run or did not finish
 * @param out what it printed
 */
record GitProcess(int exit, String out) {
    /** @return whether git exited with 0 */
    boolean ok() {
        return exit == 0;
    }

    /**
     * @param dir where to run
     * @param args git's arguments
     * @return the outcome; never throws
     */
    static GitProcess run(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new GitProcess(-1, "git " + String.join(" ", args) + " did not finish in 10 minutes");
            }
            return new GitProcess(p.exitValue(), out);
        } catch (IOException e) {
            return new GitProcess(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GitProcess(-1, "interrupted");
        }
    }
}
