package io.prodigy.temporal;

import io.prodigy.api.IsolationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the git CLI for the transport of item work through the shared remote. */
final class Git {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private Git() {}

    /** The outcome of one git command. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * @param dir where to run
     * @param input standard input, or null
     * @param args the arguments after {@code git}
     * @return the result (exit code and combined output)
     * @throws IsolationException if git cannot be started or does not finish in time
     */
    static Result run(Path dir, String input, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        try {
            Process p = pb.start();
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IsolationException("git " + String.join(" ", args) + " did not finish in " + TIMEOUT);
            }
            return new Result(
                    p.exitValue(), out.toString(StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IsolationException("could not run git " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while running git " + String.join(" ", args), e);
        }
    }

    /** @return the output of a command that must succeed @throws IsolationException if it fails */
    static String check(Path dir, String... args) {
        Result r = run(dir, null, args);
        if (!r.ok()) {
            throw new IsolationException(
                    "git " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): " + r.output());
        }
        return r.output();
    }

    /** @return the object id a ref has on the remote, if it exists there */
    static Optional<String> remoteRef(Path dir, String remote, String ref) {
        String out = check(dir, "ls-remote", remote, ref);
        for (String line : out.split("\n")) {
            String[] parts = line.split("\\s+");
            if (parts.length == 2 && parts[1].equals(ref)) {
                return Optional.of(parts[0]);
            }
        }
        return Optional.empty();
    }

    /**
     * @return the arguments of a quiet fetch that starts no automatic maintenance afterwards (a process per fetch
     *     that a cache of transient refs does not need)
     */
    static String[] fetch(String remote, String refspec) {
        return new String[] {"-c", "maintenance.auto=false", "-c", "gc.auto=0", "fetch", "-q", remote, refspec};
    }

    /**
     * @return the object id of each of {@code refs} that exists on the remote, in one {@code ls-remote}, or one
     *     {@code for-each-ref} in a remote that is a repository on this machine (no upload-pack process)
     */
    static java.util.Map<String, String> remoteRefs(Path dir, String remote, String... refs) {
        Path local = SettledRefs.localRepository(remote);
        List<String> args = new ArrayList<>(
                local != null
                        ? List.of("for-each-ref", "--format=%(objectname)\t%(refname)")
                        : List.of("ls-remote", remote));
        args.addAll(List.of(refs));
        String out = check(local != null ? local : dir, args.toArray(String[]::new));
        java.util.Map<String, String> found = new java.util.HashMap<>();
        List<String> wanted = List.of(refs);
        for (String line : out.split("\n")) {
            String[] parts = line.split("\\s+");
            if (parts.length == 2 && wanted.contains(parts[1])) {
                found.put(parts[1], parts[0]);
            }
        }
        return found;
    }

    /** @return a name safe as one ref component for any item id */
    static String refSafe(String id) {
        StringBuilder b = new StringBuilder();
        for (char c : id.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' ? c : '_');
        }
        String s = b.toString();
        if (!s.equals(id) || s.isEmpty()) {
            s = s + "-" + Integer.toHexString(id.hashCode());
        }
        return s;
    }
}
