package io.prodigy.core.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds processes by a variable of their environment with {@code ps}, where {@code /proc/<pid>/environ} is not
 * read (macOS, or the descendants mode forced on Linux): {@code ps -A -E -ww -o pid= -o command=} on macOS and BSD,
 * {@code ps -A -ww -o pid= -o args= e} on Linux print each process's command line followed by its environment.
 * Only the processes of the same user show their environment; a command line that itself contains
 * {@code NAME=value} as a separate word matches too (a false positive the caller accepts: the processes it looks
 * for are its own run's).
 */
final class EnvironmentSearch {
    private static final Logger log = LoggerFactory.getLogger(EnvironmentSearch.class);
    private static final long TIMEOUT_SECONDS = 20;

    private EnvironmentSearch() {}

    /**
     * @param variable the variable's name
     * @param value its value
     * @param excluded pids never returned (this JVM and its ancestors)
     * @return the pids whose environment has {@code variable=value}, empty when {@code ps} cannot be run
     */
    static List<Long> find(String variable, String value, Set<Long> excluded) {
        return find(List.of(variable + "=" + value), excluded);
    }

    /**
     * @param entries {@code NAME=value} words that must all be in a process's environment
     * @param excluded pids never returned (this JVM and its ancestors)
     * @return the pids whose environment has every entry, empty when {@code ps} cannot be run
     */
    static List<Long> find(List<String> entries, Set<Long> excluded) {
        List<String> command = command();
        Process ps;
        try {
            ps = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            log.warn("cannot list processes with {}: {}", String.join(" ", command), e.getMessage());
            return List.of();
        }
        try {
            ps.getOutputStream().close();
            String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ps.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                ps.destroyForcibly();
                log.warn("{} did not finish in {} s", String.join(" ", command), TIMEOUT_SECONDS);
                return List.of();
            }
            return parse(out, entries, excluded, ps.pid());
        } catch (IOException e) {
            log.warn("cannot read the output of {}: {}", String.join(" ", command), e.getMessage());
            return List.of();
        } catch (InterruptedException e) {
            ps.destroyForcibly();
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** @return the ps command line for this system */
    static List<String> command() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return List.of("ps", "-A", "-ww", "-o", "pid=", "-o", "args=", "e");
        }
        return List.of("ps", "-A", "-E", "-ww", "-o", "pid=", "-o", "command=");
    }

    /**
     * @param psOutput lines of {@code PID COMMAND ARGS... ENV...}
     * @param entry the {@code NAME=value} word to look for
     * @param excluded pids never returned
     * @param psPid the pid of {@code ps} itself
     * @return the matching pids
     */
    static List<Long> parse(String psOutput, String entry, Set<Long> excluded, long psPid) {
        return parse(psOutput, List.of(entry), excluded, psPid);
    }

    /**
     * @param psOutput lines of {@code PID COMMAND ARGS... ENV...}
     * @param entries the {@code NAME=value} words that must all be there
     * @param excluded pids never returned
     * @param psPid the pid of {@code ps} itself
     * @return the matching pids
     */
    static List<Long> parse(String psOutput, List<String> entries, Set<Long> excluded, long psPid) {
        List<Long> found = new ArrayList<>();
        for (String line : psOutput.split("\n")) {
            String s = line.strip();
            int space = s.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(s.substring(0, space));
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid == psPid || excluded.contains(pid)) {
                continue;
            }
            String rest = " " + s.substring(space + 1) + " ";
            if (entries.stream().allMatch(entry -> rest.contains(" " + entry + " "))) {
                found.add(pid);
            }
        }
        return found;
    }
}
