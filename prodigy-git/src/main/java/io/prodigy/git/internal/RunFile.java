package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What the worktree isolation records about one run, next to its worktrees:
 * {@code PRODIGY_HOME/worktrees/<repo>/<run-key>.run}, a small properties file. It lets a resumed run find its
 * worktree and the branch to merge back into, and lets {@code Worktrees} tell live runs from orphans.
 *
 * @param runId the run's id
 * @param runKey the run's safe name: item worktrees live in {@code <run-key>.items/}, pooled ones in
 *               {@code <run-key>.pool/}, item branches are {@code prodigy/<run-key>/<item>}
 * @param repository the top of the user's working tree
 * @param worktree the run's worktree (its top directory)
 * @param runBranch the run's branch
 * @param targetBranch the user's branch the run merges back into
 * @param startCommit the target branch's commit when the run started
 * @param dedicated whether the run worktree is a dedicated (long-lived) one
 * @param open whether the run has not closed yet
 * @param ownerPid the process that runs it, or -1
 * @param ownerHost the host of that process
 * @param ownerStarted when that process started ({@link java.time.Instant} text), to tell a reused pid from the
 *                     owner; empty if unknown
 */
public record RunFile(
        String runId,
        String runKey,
        Path repository,
        Path worktree,
        String runBranch,
        String targetBranch,
        String startCommit,
        boolean dedicated,
        boolean open,
        long ownerPid,
        String ownerHost,
        String ownerStarted) {

    /**
     * A record owned by this process when open.
     *
     * @param runId the run's id
     * @param runKey the run's safe name
     * @param repository the top of the user's working tree
     * @param worktree the run's worktree
     * @param runBranch the run's branch
     * @param targetBranch the user's branch
     * @param startCommit the target branch's commit when the run started
     * @param dedicated whether the run worktree is a dedicated one
     * @param open whether the run has not closed yet
     * @return the record
     */
    static RunFile ofThisProcess(
            String runId,
            String runKey,
            Path repository,
            Path worktree,
            String runBranch,
            String targetBranch,
            String startCommit,
            boolean dedicated,
            boolean open) {
        return new RunFile(
                runId,
                runKey,
                repository,
                worktree,
                runBranch,
                targetBranch,
                startCommit,
                dedicated,
                open,
                open ? currentPid() : -1,
                open ? currentHost() : "",
                open ? currentStart() : "");
    }

    /** @return when this process started, or an empty string if unknown */
    static String currentStart() {
        return ProcessHandle.current()
                .info()
                .startInstant()
                .map(Object::toString)
                .orElse("");
    }

    /** The suffix of run files. */
    public static final String SUFFIX = ".run";

    /** @return this process's id */
    public static long currentPid() {
        return ProcessHandle.current().pid();
    }

    /** @return this host's name (looked up once), or "localhost" if it cannot be found */
    public static String currentHost() {
        return Host.NAME;
    }

    /** Looks the host name up once, when first needed (a lookup can be slow). */
    private static final class Host {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                String name = ManagementFactory.getRuntimeMXBean().getName();
                int at = name.indexOf('@');
                return at >= 0 ? name.substring(at + 1) : "localhost";
            }
        }
    }

    /**
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     * @return the file of this run
     */
    public Path file(Path repoDir) {
        return repoDir.resolve(runKey + SUFFIX);
    }

    /**
     * Whether a process may still be working on this run: it is open and its owner is alive (a process on another
     * host is assumed alive).
     *
     * @return whether the run may be live
     */
    public boolean live() {
        if (!open) {
            return false;
        }
        if (!currentHost().equals(ownerHost)) {
            return true;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(ownerPid);
        if (ownerPid <= 0 || owner.isEmpty() || !owner.get().isAlive()) {
            return false;
        }
        // a pid the system gave to another process since (machines with many short processes reuse pids fast)
        Optional<java.time.Instant> started = owner.get().info().startInstant();
        return ownerStarted == null
                || ownerStarted.isEmpty()
                || started.isEmpty()
                || started.get().toString().equals(ownerStarted);
    }

    /** @param isOpen whether the run is open @return a copy owned by this process when open */
    public RunFile withOpen(boolean isOpen) {
        return ofThisProcess(
                runId, runKey, repository, worktree, runBranch, targetBranch, startCommit, dedicated, isOpen);
    }

    /**
     * Writes the file atomically.
     *
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     */
    public void write(Path repoDir) {
        Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("run_id", runId);
        p.setProperty("run_key", runKey);
        p.setProperty("repository", repository.toString());
        p.setProperty("worktree", worktree.toString());
        p.setProperty("run_branch", runBranch);
        p.setProperty("target_branch", targetBranch);
        p.setProperty("start_commit", startCommit);
        p.setProperty("dedicated", String.valueOf(dedicated));
        p.setProperty("open", String.valueOf(open));
        p.setProperty("owner_pid", String.valueOf(ownerPid));
        p.setProperty("owner_host", ownerHost);
        p.setProperty("owner_started", ownerStarted == null ? "" : ownerStarted);
        Path target = file(repoDir);
        try {
            Files.createDirectories(repoDir);
            Path tmp = Files.createTempFile(repoDir, runKey, ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "prodigy git worktree isolation: run " + runId);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IsolationException("could not write the worktree record " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param file a run file
     * @return its content, or empty if it does not exist or cannot be read
     */
    public static Optional<RunFile> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RunFile(
                    p.getProperty("run_id"),
                    p.getProperty("run_key"),
                    Path.of(p.getProperty("repository")),
                    Path.of(p.getProperty("worktree")),
                    p.getProperty("run_branch"),
                    p.getProperty("target_branch"),
                    p.getProperty("start_commit"),
                    Boolean.parseBoolean(p.getProperty("dedicated")),
                    Boolean.parseBoolean(p.getProperty("open")),
                    Long.parseLong(p.getProperty("owner_pid", "-1")),
                    p.getProperty("owner_host", ""),
                    p.getProperty("owner_started", "")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     * @return every readable run file there
     */
    public static List<RunFile> all(Path repoDir) {
        List<RunFile> out = new ArrayList<>();
        if (!Files.isDirectory(repoDir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(repoDir, "*" + SUFFIX)) {
            for (Path f : files) {
                read(f).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new IsolationException("could not list " + repoDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Deletes the file if it exists.
     *
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     */
    public void delete(Path repoDir) {
        try {
            Files.deleteIfExists(file(repoDir));
        } catch (IOException e) {
            throw new IsolationException("could not delete " + file(repoDir) + ": " + e.getMessage(), e);
        }
    }
}
