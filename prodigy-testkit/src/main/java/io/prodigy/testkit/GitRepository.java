package io.prodigy.testkit;

import io.prodigy.core.files.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scratch git repository in a temporary directory of its own, for tests: created on branch {@code main} with a
 * committer identity in its local configuration and one initial commit, so that the engine's worktrees and commits
 * work in it without touching the user's git configuration. The git commands it runs itself ignore the user's
 * global and system configuration ({@link #environment()}).
 *
 * <p>Close it to delete the directory (and every {@link #scratchDirectory(String) scratch directory} made next to
 * it). With JUnit 5, declare a parameter of this type and register {@link GitRepositoryExtension}. Not thread-safe
 * for concurrent writes from several threads; reads may run concurrently.
 */
public final class GitRepository implements AutoCloseable {
    /** The branch the repository is created on. */
    public static final String MAIN = "main";
    /** The author and committer name of the repository's commits. */
    public static final String USER_NAME = "Prodigy Test";
    /** The author and committer e-mail of the repository's commits. */
    public static final String USER_EMAIL = "test@prodigy.invalid";
    /** The subject of the initial commit. */
    public static final String INITIAL_COMMIT = "initial";

    private final Path base;
    private final Path directory;
    private final Map<String, String> environment;
    private boolean closed;

    private GitRepository(Path base) {
        this.base = base;
        this.directory = base.resolve("repo");
        Path globalConfig = base.resolve("gitconfig");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GIT_CONFIG_GLOBAL", globalConfig.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        this.environment = Map.copyOf(env);
        try {
            Files.createDirectories(directory);
            Files.writeString(globalConfig, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test repository under " + base, e);
        }
    }

    /**
     * Creates a repository in a new temporary directory.
     *
     * @return the repository, on branch {@link #MAIN} with one commit
     * @throws UncheckedIOException if the directory cannot be created
     * @throws IllegalStateException if git is missing or fails
     */
    public static GitRepository create() {
        try {
            return initialise(Files.createTempDirectory("prodigy-test-repo-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /**
     * Creates a repository in a new directory under {@code parent} (a JUnit {@code @TempDir}, say).
     *
     * @param parent an existing directory
     * @return the repository, on branch {@link #MAIN} with one commit
     * @throws UncheckedIOException if the directory cannot be created
     * @throws IllegalStateException if git is missing or fails
     */
    public static GitRepository create(Path parent) {
        Objects.requireNonNull(parent, "parent");
        try {
            return initialise(Files.createTempDirectory(parent, "repo-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + parent, e);
        }
    }

    private static GitRepository initialise(Path base) {
        GitRepository repo = new GitRepository(base);
        try {
            repo.git("init", "-q");
            repo.git("symbolic-ref", "HEAD", "refs/heads/" + MAIN);
            repo.git("config", "user.name", USER_NAME);
            repo.git("config", "user.email", USER_EMAIL);
            repo.git("config", "commit.gpgsign", "false");
            repo.git("config", "core.autocrlf", "false");
            repo.write("README.md", "# test repository\n");
            repo.commitAll(INITIAL_COMMIT);
            return repo;
        } catch (RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    /** @return the repository's work tree */
    public Path directory() {
        return directory;
    }

    /**
     * @return the environment the fixture runs git with (its own empty global configuration, no system
     *         configuration); hand it to the engine's git ({@code WorktreeIsolation.builder().gitEnvironment}) and to
     *         a workflow's {@code env} to keep the user's configuration out of a test
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * A directory next to the repository, deleted with it: a Prodigy home, a second project, a state directory.
     *
     * @param name the directory's name
     * @return the directory, created if missing
     * @throws UncheckedIOException if it cannot be created
     */
    public Path scratchDirectory(String name) {
        Objects.requireNonNull(name, "name");
        Path dir = base.resolve("scratch").resolve(name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Writes a file of the work tree (creating its parent directories) without committing it.
     *
     * @param path the file, relative to the work tree
     * @param content its new content
     * @return the file
     * @throws UncheckedIOException if it cannot be written
     */
    public Path write(String path, String content) {
        Objects.requireNonNull(content, "content");
        Path file = directory.resolve(Objects.requireNonNull(path, "path"));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * @param path a file, relative to the work tree
     * @return its content
     * @throws UncheckedIOException if it cannot be read
     */
    public String read(String path) {
        Path file = directory.resolve(Objects.requireNonNull(path, "path"));
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Writes a file and commits it (with whatever else is changed) on the current branch.
     *
     * @param path the file, relative to the work tree
     * @param content its new content
     * @param message the commit message (trailers may follow a blank line)
     * @return the new commit's id
     * @throws IllegalStateException if git fails (for example, the content did not change)
     */
    public String commit(String path, String content, String message) {
        write(path, content);
        return commitAll(message);
    }

    /**
     * Stages every change of the work tree and commits it.
     *
     * @param message the commit message (trailers may follow a blank line)
     * @return the new commit's id
     * @throws IllegalStateException if git fails, for example because nothing changed
     */
    public String commitAll(String message) {
        Objects.requireNonNull(message, "message");
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    /** @return the id of the commit checked out */
    public String head() {
        return git("rev-parse", "HEAD");
    }

    /**
     * @param ref a branch, tag or commit
     * @return the commit id it names
     * @throws IllegalStateException if it names none
     */
    public String resolve(String ref) {
        return git("rev-parse", "--verify", "-q", Objects.requireNonNull(ref, "ref") + "^{commit}");
    }

    /** @return the branch checked out, or {@code HEAD} when detached */
    public String currentBranch() {
        return git("rev-parse", "--abbrev-ref", "HEAD");
    }

    /** @return the local branches, sorted by name */
    public List<String> branches() {
        return lines(git("for-each-ref", "--format=%(refname:short)", "refs/heads/"));
    }

    /** @return the work trees of the repository (the main one first), as git lists them */
    public List<Path> worktrees() {
        List<Path> out = new ArrayList<>();
        for (String line : lines(git("worktree", "list", "--porcelain"))) {
            if (line.startsWith("worktree ")) {
                out.add(Path.of(line.substring("worktree ".length())));
            }
        }
        return out;
    }

    /** @return whether the work tree has uncommitted changes (untracked files included) */
    public boolean isDirty() {
        return !git("status", "--porcelain").isEmpty();
    }

    /**
     * The history of a branch, newest first, as {@code git log} shows it.
     *
     * @param branch a branch or any commit-ish
     * @return its commits, newest first
     * @throws IllegalStateException if git fails, for example because the branch does not exist
     */
    public List<Commit> log(String branch) {
        Objects.requireNonNull(branch, "branch");
        String out = git("log", "--format=%H%x1f%P%x1f%s%x1f%B%x1f%(trailers:only,unfold)%x1e", branch, "--");
        List<Commit> commits = new ArrayList<>();
        for (String record : out.split("\u001e")) {
            // not strip(): Java counts the separators as white space
            String r = record.replaceFirst("^\n+", "");
            if (r.isBlank()) {
                continue;
            }
            String[] f = r.split("\u001f", -1);
            commits.add(new Commit(
                    f[0],
                    f[1].isBlank() ? List.of() : List.of(f[1].strip().split(" ")),
                    f[2],
                    f[3].strip(),
                    lines(f[4])));
        }
        return commits;
    }

    /**
     * @param branch a branch or any commit-ish
     * @return how many commits its history has
     */
    public int countCommits(String branch) {
        return Integer.parseInt(git("rev-list", "--count", Objects.requireNonNull(branch, "branch"), "--"));
    }

    /**
     * @param branch a branch or any commit-ish
     * @param subject a commit subject (the first line of the message)
     * @return how many commits of the branch's history have exactly this subject
     */
    public long countCommitsWithSubject(String branch, String subject) {
        Objects.requireNonNull(subject, "subject");
        return log(branch).stream().filter(c -> c.subject().equals(subject)).count();
    }

    /**
     * @param branch a branch or any commit-ish
     * @param key a trailer key, e.g. {@code Prodigy-Item}
     * @param value its value
     * @return how many commits of the branch's history carry the trailer {@code key: value}
     */
    public long countCommitsWithTrailer(String branch, String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return log(branch).stream()
                .filter(c -> c.trailerValues(key).contains(value))
                .count();
    }

    /**
     * Runs git in the work tree with the fixture's {@link #environment()}.
     *
     * @param args git's arguments, e.g. {@code "checkout", "-b", "feature"}
     * @return its standard output without the final line break
     * @throws IllegalStateException if git cannot be started or exits with a non-zero status (the message has
     *     its standard error)
     */
    public String git(String... args) {
        Result r = tryGit(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " in " + directory + " exited with "
                    + r.exitCode() + ": " + r.err().strip());
        }
        return r.out().endsWith("\n") ? r.out().substring(0, r.out().length() - 1) : r.out();
    }

    /**
     * Runs git in the work tree and reports how it went instead of failing.
     *
     * @param args git's arguments
     * @return its exit status and output
     * @throws IllegalStateException if git cannot be started
     */
    public Result tryGit(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(directory.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().putAll(environment);
        try {
            Path err = Files.createTempFile(base, "git", ".err");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int exit = p.waitFor();
                return new Result(exit, out, Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run git " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running git " + String.join(" ", args), e);
        }
    }

    /**
     * Deletes the repository and its scratch directories. Idempotent.
     *
     * @throws UncheckedIOException if a file cannot be deleted
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        deleteTree(base);
    }

    @Override
    public String toString() {
        return "GitRepository[" + directory + "]";
    }

    static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /**
     * How a git command went.
     *
     * @param exitCode its exit status
     * @param out its standard output
     * @param err its standard error
     */
    public record Result(int exitCode, String out, String err) {}

    /**
     * One commit of a {@link #log(String) log}.
     *
     * @param id the commit id
     * @param parents the parents' ids (two or more for a merge)
     * @param subject the first line of the message
     * @param message the whole message, trailers included, without trailing blank lines
     * @param trailers the trailers, one {@code Key: value} line each, unfolded
     */
    public record Commit(String id, List<String> parents, String subject, String message, List<String> trailers) {
        /** Copies. */
        public Commit {
            parents = List.copyOf(parents);
            trailers = List.copyOf(trailers);
        }

        /** @return whether it is a merge commit */
        public boolean isMerge() {
            return parents.size() > 1;
        }

        /**
         * @param key a trailer key (compared without regard to case, as git does)
         * @return the values of the trailers with this key, in order
         */
        public List<String> trailerValues(String key) {
            List<String> out = new ArrayList<>();
            for (String t : trailers) {
                int colon = t.indexOf(':');
                if (colon > 0 && t.substring(0, colon).strip().equalsIgnoreCase(key)) {
                    out.add(t.substring(colon + 1).strip());
                }
            }
            return out;
        }
    }
}
