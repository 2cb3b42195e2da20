package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record, written just before a run moves the user's branch, of that move: {@code <run-key>.ff} next to the
 * run's file. The move is the only git command of a run that works in the user's own checkout, and a process killed
 * in it ({@code kill -9} of the run with its process group) leaves git's lock files there ({@code ORIG_HEAD.lock},
 * {@code index.lock}, the branch's ref lock) and possibly a working tree that git had half updated: every later
 * {@code git merge}, the resume's included, then fails on them.
 *
 * <p>A resume that finds the record left by the dead process {@linkplain #recover(GitCli, String) recovers}: a lock
 * is removed only when it was made after the move started, stays unchanged for a while (git holds these for
 * milliseconds, except {@code index.lock} under an open commit editor) and, where {@code /proc} can tell, no
 * {@code git} process works in that checkout; files that the move had written already, and that hold exactly the
 * content the move writes, are staged, so that the repeated fast-forward accepts them. Anything else is left for
 * the user, and the merge then fails with its usual message and the commands that finish it by hand.
 *
 * @param checkout the user's working tree that has the branch checked out, or null when the branch is moved by
 *                 {@code update-ref} without a checkout
 * @param gitDir the private git directory of that working tree, or null without one
 * @param commonDir the repository's common git directory
 * @param ref the branch's full ref ({@code refs/heads/main})
 * @param from the branch's commit before the move
 * @param to the commit the branch moves to
 * @param started when the move started
 */
record FastForwardIntent(
        Path checkout, Path gitDir, Path commonDir, String ref, String from, String to, Instant started) {
    private static final Logger LOG = LoggerFactory.getLogger(FastForwardIntent.class);

    /** The suffix of the record, next to the run's {@code .run} file. */
    static final String SUFFIX = ".ff";

    /** How long a lock must stay unchanged before it is taken for the killed command's. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(2);

    /** A lock made up to this long before the move's record is still counted as the move's (coarse clocks). */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    FastForwardIntent {
        Objects.requireNonNull(commonDir, "commonDir");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(started, "started");
    }

    /** @return the record's file for the run {@code runKey} */
    static Path file(Path repoDir, String runKey) {
        return repoDir.resolve(runKey + SUFFIX);
    }

    /**
     * Writes the record atomically (before the move's git command starts).
     *
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     * @param runKey the run's safe name
     * @throws IsolationException if it cannot be written
     */
    void write(Path repoDir, String runKey) {
        Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("checkout", checkout == null ? "" : checkout.toString());
        p.setProperty("git_dir", gitDir == null ? "" : gitDir.toString());
        p.setProperty("common_dir", commonDir.toString());
        p.setProperty("ref", ref);
        p.setProperty("from", from);
        p.setProperty("to", to);
        p.setProperty("started", started.toString());
        Path target = file(repoDir, runKey);
        try {
            Files.createDirectories(repoDir);
            Path tmp = Files.createTempFile(repoDir, runKey, ".fftmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "prodigy: the move of " + ref + " in progress");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IsolationException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     * @param runKey the run's safe name
     * @return the record a killed process left, or empty if there is none (or it is unreadable: a torn write)
     */
    static Optional<FastForwardIntent> read(Path repoDir, String runKey) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file(repoDir, runKey), StandardCharsets.UTF_8)) {
            p.load(r);
            String checkout = p.getProperty("checkout", "");
            String gitDir = p.getProperty("git_dir", "");
            return Optional.of(new FastForwardIntent(
                    checkout.isEmpty() ? null : Path.of(checkout),
                    gitDir.isEmpty() ? null : Path.of(gitDir),
                    Path.of(p.getProperty("common_dir")),
                    p.getProperty("ref"),
                    p.getProperty("from"),
                    p.getProperty("to"),
                    Instant.parse(p.getProperty("started"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the unreadable record {}: {}", file(repoDir, runKey), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Deletes the record if it exists.
     *
     * @param repoDir {@code PRODIGY_HOME/worktrees/<repo>}
     * @param runKey the run's safe name
     */
    static void delete(Path repoDir, String runKey) {
        try {
            Files.deleteIfExists(file(repoDir, runKey));
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", file(repoDir, runKey), e.getMessage());
        }
    }

    /**
     * Removes the lock files that the killed move left (see the type's description). Locks that may belong to a
     * live git are left, with a warning.
     *
     * @param runId the run, for messages
     * @param wait how long a lock must stay unchanged
     * @return the locks removed
     */
    List<Path> clearLocks(String runId, Duration wait) {
        List<Path> candidates = new ArrayList<>();
        if (gitDir != null) {
            for (String name : List.of("index.lock", "HEAD.lock", "ORIG_HEAD.lock")) {
                candidates.add(gitDir.resolve(name));
            }
        }
        candidates.add(commonDir.resolve(ref + ".lock"));
        Map<Path, BasicFileAttributes> found = new HashMap<>();
        for (Path lock : candidates) {
            attributes(lock).ifPresent(a -> found.put(lock, a));
        }
        if (found.isEmpty()) {
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        Instant madeAfter = started.minus(CLOCK_SLACK);
        found.entrySet().removeIf(e -> {
            boolean before = e.getValue().lastModifiedTime().toInstant().isBefore(madeAfter);
            if (before) {
                LOG.warn(
                        "Run {}: {} was there before the run moved {}; it is left alone (remove it if no git command "
                                + "is running there)",
                        runId,
                        e.getKey(),
                        ref);
            }
            return before;
        });
        if (found.isEmpty()) {
            return removed;
        }
        Optional<Boolean> liveGit = checkout == null ? Optional.of(false) : gitWorkingIn(checkout);
        if (liveGit.orElse(false)) {
            LOG.warn(
                    "Run {}: a git command is running in {}; its lock files ({}) are left alone",
                    runId,
                    checkout,
                    found.keySet());
            return removed;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !found.isEmpty()) {
            LockSupport.parkNanos(20_000_000L);
            found.entrySet().removeIf(e -> !unchanged(e.getKey(), e.getValue()));
        }
        for (Map.Entry<Path, BasicFileAttributes> e : found.entrySet()) {
            Path lock = e.getKey();
            try {
                if (unchanged(lock, e.getValue()) && Files.deleteIfExists(lock)) {
                    removed.add(lock);
                    LOG.warn(
                            "Run {}: removed {}, left by the run's git command that was moving {} when it was killed",
                            runId,
                            lock,
                            ref);
                }
            } catch (IOException ex) {
                throw new IsolationException(
                        "could not remove the stale " + lock + " of run '" + runId + "': " + ex.getMessage(), ex);
            }
        }
        return removed;
    }

    /**
     * Stages the files that the killed move had already written into the checkout: paths the move changes, whose
     * index entry is still the old one and whose file holds exactly the content (and kind) the move writes (or is
     * gone where the move deletes it). Done only while the branch is still at {@link #from()}. Other local changes
     * are left as they are.
     *
     * @param git the git runner
     * @param runId the run, for messages
     * @return the paths staged
     */
    List<String> stageWrittenFiles(GitCli git, String runId) {
        if (checkout == null || !Files.isDirectory(checkout)) {
            return List.of();
        }
        String tip = WorktreeOps.resolve(git, checkout, ref);
        if (!from.equals(tip)) {
            return List.of();
        }
        Set<String> changed = new HashSet<>(
                nulSeparated(git.output(checkout, "diff", "--name-only", "-z", "--no-renames", from, to)));
        List<String> candidates = new ArrayList<>();
        for (String entry : nulSeparated(
                git.output(checkout, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"))) {
            if (entry.length() < 4) {
                continue;
            }
            char index = entry.charAt(0);
            String path = entry.substring(3);
            if ((index == ' ' || index == '?') && changed.contains(path)) {
                candidates.add(path);
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<String, String[]> wanted = new HashMap<>(); // path -> {mode, blob}
        List<String> lsTree = new ArrayList<>(List.of("ls-tree", "-z", "--full-tree", to, "--"));
        lsTree.addAll(candidates);
        for (String line : nulSeparated(git.output(checkout, lsTree.toArray(String[]::new)))) {
            int tab = line.indexOf('\t');
            String[] meta = line.substring(0, tab).split(" ");
            wanted.put(line.substring(tab + 1), new String[] {meta[0], meta[2]});
        }
        List<String> hashed = new ArrayList<>();
        List<String> stage = new ArrayList<>();
        for (String path : candidates) {
            Path file = checkout.resolve(path);
            String[] want = wanted.get(path);
            if (want == null) {
                if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    stage.add(path); // the move deletes it, and it is gone
                }
            } else if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && want[0].equals(Files.isExecutable(file) ? "100755" : "100644")) {
                hashed.add(path);
            }
        }
        if (!hashed.isEmpty()) {
            byte[] paths = String.join("\n", hashed).concat("\n").getBytes(StandardCharsets.UTF_8);
            GitCli.Result r = git.run(checkout, List.of("hash-object", "--no-filters", "--stdin-paths"), paths);
            if (r.ok()) {
                List<String> hashes = r.line().lines().toList();
                for (int i = 0; i < hashed.size() && i < hashes.size(); i++) {
                    if (hashes.get(i).equals(wanted.get(hashed.get(i))[1])) {
                        stage.add(hashed.get(i));
                    }
                }
            }
        }
        if (stage.isEmpty()) {
            return List.of();
        }
        byte[] input = (String.join("\0", stage) + "\0").getBytes(StandardCharsets.UTF_8);
        GitCli.Result r = git.run(checkout, List.of("update-index", "--add", "--remove", "-z", "--stdin"), input);
        if (!r.ok()) {
            LOG.warn("Run {}: could not stage the files the interrupted move wrote: {}", runId, r.message());
            return List.of();
        }
        LOG.warn(
                "Run {}: the move of {} was killed while writing files in {}; {} file(s) it had written already "
                        + "(e.g. {}) are staged so that the move can finish",
                runId,
                ref,
                checkout,
                stage.size(),
                stage.get(0));
        return stage;
    }

    private static List<String> nulSeparated(String out) {
        List<String> parts = new ArrayList<>();
        for (String s : out.split("\0")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }

    private static Optional<BasicFileAttributes> attributes(Path file) {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean unchanged(Path lock, BasicFileAttributes before) {
        Optional<BasicFileAttributes> now = attributes(lock);
        if (now.isEmpty()) {
            return false;
        }
        FileTime modified = now.get().lastModifiedTime();
        return Objects.equals(before.fileKey(), now.get().fileKey())
                && modified.equals(before.lastModifiedTime())
                && now.get().size() == before.size();
    }

    /** @return whether the process of {@code /proc/<pid>} has ended and waits to be reaped (or is gone) */
    private static boolean zombie(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * @param dir a working tree
     * @return whether a {@code git} process of this user works in it, or empty where {@code /proc} cannot tell
     */
    static Optional<Boolean> gitWorkingIn(Path dir) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc.resolve("self"))) {
            return Optional.empty();
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            real = dir.toAbsolutePath().normalize();
        }
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path p : (Iterable<Path>) pids::iterator) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                String comm;
                try {
                    comm = Files.readString(p.resolve("comm")).strip();
                } catch (IOException e) {
                    continue; // gone
                }
                if (!comm.equals("git") || zombie(p)) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(real)) {
                        return Optional.of(true);
                    }
                } catch (java.nio.file.AccessDeniedException e) {
                    return Optional.of(true); // another user's git: taken as working there
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(false);
    }
}
