package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code git} executable: an argument list (never a shell), stdin empty, stdout and stderr captured,
 * a time limit, and an environment cleaned of variables that would point git at another repository.
 *
 * <p>Every command runs with {@code gc.auto=0} and {@code maintenance.auto=false} (no background gc racing
 * with worktree and branch updates), {@code core.quotePath=false}, {@code GIT_TERMINAL_PROMPT=0} and
 * {@code LC_ALL=C}. Thread-safe; cheap to call (one process, no shell).
 *
 * <p>A command that failed because it met another worktree's half-made {@code .git/worktrees/<name>/} entry (a
 * {@code git worktree add} running beside it, see {@link #metHalfMadeWorktreeEntry(String)}) is run again, a bounded
 * number of times with a short backoff; any other failure is returned at once.
 */
public final class GitCli {
    private static final Logger LOG = LoggerFactory.getLogger(GitCli.class);
    private static final ProcessBuilder.Redirect EMPTY_STDIN = ProcessBuilder.Redirect.from(new File("/dev/null"));
    /** Variables that would make git work on some other repository than the one we name with -C. */
    private static final List<String> REPOSITORY_VARIABLES = List.of(
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_COMMON_DIR",
            "GIT_NAMESPACE",
            "GIT_PREFIX",
            "GIT_CEILING_DIRECTORIES");

    private static final List<String> FIXED_OPTIONS =
            List.of("-c", "gc.auto=0", "-c", "maintenance.auto=false", "-c", "core.quotePath=false");
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");
    /**
     * What git 2.x prints (then exits 128, before changing anything) when it collects the worktrees of the repository
     * and reads one that {@code git worktree add} is still writing file by file without a lock: for example
     * {@code fatal: failed to read .git/worktrees/slot-2/commondir: Success} (the file exists but is still empty) or
     * {@code fatal: failed to read '/r/.git/worktrees/x/locked': No such file or directory}.
     */
    private static final Pattern HALF_MADE_ENTRY =
            Pattern.compile("(?:failed|unable|could not|cannot) (?:to )?(?:read|open)\\b[^\\n]*/worktrees/[^/\\n]+/"
                    + "(?:commondir|gitdir|locked|HEAD)\\b");
    /** How many times a command that met a half-made worktree entry is run in all. */
    static final int HALF_MADE_ENTRY_ATTEMPTS = 5;
    /** The first backoff before running such a command again; it doubles with every attempt. */
    private static final long HALF_MADE_ENTRY_BACKOFF_MILLIS = 25;
    /** How long output is still read after git exited, for hooks that left a child holding the pipes. */
    private static final long DRAIN_MILLIS = 2_000;

    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "prodigy-git-io");
        t.setDaemon(true);
        return t;
    });

    private final String executable;
    private final Map<String, String> environment;
    private final Duration timeout;
    private volatile int[] version;

    /**
     * @param executable the git executable (a name looked up on PATH, or a path)
     * @param environment extra environment variables for every git process (applied last)
     * @param timeout the time limit of one command
     */
    public GitCli(String executable, Map<String, String> environment, Duration timeout) {
        this.executable = executable;
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /**
     * The environment variable that marks every process started for a run, git included: a resume finds the
     * processes a killed owner left behind by it (see the engine's leftover-process handling).
     */
    public static final String RUN_ID_VARIABLE = "PRODIGY_RUN_ID";
    /** With the run id, the variable that tells a run's processes from those of a run with the same id elsewhere. */
    public static final String RUN_STATE_VARIABLE = "PRODIGY_RUN_STATE_DIR";

    /**
     * @param runId a run's id
     * @param stateDirectory the run's state directory, or null
     * @return a runner like this one whose git processes (and their hooks) carry {@code PRODIGY_RUN_ID=runId} and
     *     {@code PRODIGY_RUN_STATE_DIR}, so that a resume of the run can tell a git command the killed owner left
     *     running and let it finish
     */
    public GitCli forRun(String runId, Path stateDirectory) {
        Map<String, String> env = new java.util.LinkedHashMap<>(environment);
        env.put(RUN_ID_VARIABLE, runId);
        if (stateDirectory != null) {
            env.put(
                    RUN_STATE_VARIABLE,
                    stateDirectory.toAbsolutePath().normalize().toString());
        }
        GitCli g = new GitCli(executable, env, timeout);
        g.version = version;
        return g;
    }

    /**
     * @param major a major version
     * @param minor a minor version
     * @return whether the git executable is at least that version (asked once)
     */
    public boolean atLeast(int major, int minor) {
        int[] v = version;
        if (v == null) {
            v = parseVersion(output(Path.of("").toAbsolutePath(), "--version"));
            version = v;
        }
        return v[0] > major || (v[0] == major && v[1] >= minor);
    }

    /** @return major and minor of {@code git version 2.39.5} (0.0 if unreadable) */
    static int[] parseVersion(String text) {
        Matcher m = VERSION.matcher(text);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
    }

    /**
     * The outcome of one git command.
     *
     * @param exitCode the exit status
     * @param stdout standard output (UTF-8)
     * @param stderr standard error (UTF-8)
     */
    public record Result(int exitCode, String stdout, String stderr) {
        /** @return whether git exited with 0 */
        public boolean ok() {
            return exitCode == 0;
        }

        /** @return stdout without its final newline */
        public String line() {
            return stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
        }

        /** @return stderr, or stdout when stderr is empty, trimmed, for messages */
        public String message() {
            String s = stderr.isBlank() ? stdout : stderr;
            return s.strip();
        }
    }

    /**
     * Runs a command; a non-zero exit is a result. A command that failed because it met another worktree's half-made
     * entry ({@link #metHalfMadeWorktreeEntry(String)}) is run again up to 5 times in
     * all, after 25, 50, 100, 200 ms (not when the thread is interrupted); the last result is returned. git reports
     * that error while it collects the worktrees, before the command changes anything, with one exception that is
     * handled here: {@code worktree add -b <branch>} has created the branch by then, so it is run again with
     * {@code -B} (the branch is the one the failed attempt created, at the same commit).
     *
     * @param dir the directory git runs in ({@code git -C dir})
     * @param args the arguments after {@code git}
     * @return the result
     * @throws IsolationException if git cannot be started, times out, or the thread is interrupted (the
     *     interrupt flag is set again)
     */
    public Result run(Path dir, List<String> args) {
        return run(dir, args, null);
    }

    /**
     * Runs a command that reads its standard input (such as {@code update-ref --stdin}), as {@link #run(Path, List)}.
     *
     * @param dir the directory git runs in ({@code git -C dir})
     * @param args the arguments after {@code git}
     * @param input what git reads on stdin (small: written whole before git's output is read), or null for none
     * @return the result
     * @throws IsolationException as {@link #run(Path, List)}
     */
    public Result run(Path dir, List<String> args, byte[] input) {
        List<String> attemptArgs = args;
        for (int attempt = 1; ; attempt++) {
            Result r = runOnce(dir, attemptArgs, input);
            if (r.ok()
                    || attempt >= HALF_MADE_ENTRY_ATTEMPTS
                    || !metHalfMadeWorktreeEntry(r.stderr())
                    || Thread.currentThread().isInterrupted()) {
                return r;
            }
            LOG.debug(
                    "git {} in {} met a half-made worktree entry ({}); trying again",
                    String.join(" ", args),
                    dir,
                    r.message());
            attemptArgs = retryArgs(attemptArgs);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(HALF_MADE_ENTRY_BACKOFF_MILLIS << (attempt - 1)));
        }
    }

    /**
     * @param stderr what a failed git command wrote to stderr
     * @return whether it failed because it read another worktree's {@code .git/worktrees/<name>/} entry while
     *     {@code git worktree add} was still writing it (a transient failure)
     */
    public static boolean metHalfMadeWorktreeEntry(String stderr) {
        return HALF_MADE_ENTRY.matcher(stderr).find();
    }

    /** @return the arguments to run again: {@code worktree add -b} becomes {@code -B} (git made the branch already) */
    static List<String> retryArgs(List<String> args) {
        if (args.size() < 2 || !"worktree".equals(args.get(0)) || !"add".equals(args.get(1))) {
            return args;
        }
        List<String> again = new ArrayList<>(args);
        for (int i = 2; i < again.size(); i++) {
            if ("-b".equals(again.get(i))) {
                again.set(i, "-B");
            } else if ("--".equals(again.get(i)) || !again.get(i).startsWith("-")) {
                break;
            }
        }
        return List.copyOf(again);
    }

    private Result runOnce(Path dir, List<String> args, byte[] input) {
        List<String> command = new ArrayList<>(args.size() + FIXED_OPTIONS.size() + 3);
        command.add(executable);
        command.add("-C");
        command.add(dir.toString());
        command.addAll(FIXED_OPTIONS);
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(input == null ? EMPTY_STDIN : ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = builder.environment();
        REPOSITORY_VARIABLES.forEach(env::remove);
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("LC_ALL", "C");
        env.putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IsolationException(
                    "could not run git ('" + executable + "'): " + e.getMessage()
                            + "; install git (2.17 or later), or set the git executable of the worktree isolation",
                    e);
        }
        Future<byte[]> out = PUMPS.submit(() -> readAll(process.getInputStream()));
        Future<byte[]> err = PUMPS.submit(() -> readAll(process.getErrorStream()));
        if (input != null) {
            try (java.io.OutputStream stdin = process.getOutputStream()) {
                stdin.write(input);
            } catch (IOException e) {
                // git exited early without reading it all: its exit status and stderr say why
                LOG.debug("could not write git's input: {}", e.getMessage());
            }
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IsolationException("git " + String.join(" ", args) + " in " + dir + " did not finish within "
                        + timeout.toSeconds() + " s and was stopped");
            }
            int exit = process.exitValue();
            Result r = new Result(exit, text(out), text(err));
            if (LOG.isDebugEnabled()) {
                LOG.debug("git {} in {} -> {}", args.isEmpty() ? "" : args.get(0), dir, exit);
            }
            return r;
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IsolationException(
                    "interrupted while running git " + (args.isEmpty() ? "" : args.get(0)) + " in " + dir, e);
        }
    }

    /**
     * Runs a command that must succeed.
     *
     * @param dir the directory git runs in
     * @param args the arguments after {@code git}
     * @return stdout without its final newline
     * @throws IsolationException if it fails, with git's message
     */
    public String output(Path dir, String... args) {
        Result r = run(dir, List.of(args));
        if (!r.ok()) {
            throw failure(dir, List.of(args), r);
        }
        return r.line();
    }

    /**
     * Runs a yes/no command such as {@code merge-base --is-ancestor}: exit 0 is yes, 1 is no.
     *
     * @param dir the directory git runs in
     * @param args the arguments after {@code git}
     * @return whether it exited with 0
     * @throws IsolationException on any other exit status
     */
    public boolean test(Path dir, String... args) {
        Result r = run(dir, List.of(args));
        if (r.exitCode() == 0) {
            return true;
        }
        if (r.exitCode() == 1) {
            return false;
        }
        throw failure(dir, List.of(args), r);
    }

    /**
     * @param dir where it ran
     * @param args what ran
     * @param r how it failed
     * @return an exception naming the command and git's message
     */
    public static IsolationException failure(Path dir, List<String> args, Result r) {
        return new IsolationException(
                "git " + String.join(" ", args) + " failed in " + dir + " (exit " + r.exitCode() + "): " + r.message());
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static String text(Future<byte[]> f) throws InterruptedException {
        try {
            return new String(f.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
        } catch (ExecutionException e) {
            return "";
        } catch (TimeoutException e) {
            // a hook left a child process holding the pipe; what git itself wrote is lost with it
            f.cancel(true);
            return "";
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
