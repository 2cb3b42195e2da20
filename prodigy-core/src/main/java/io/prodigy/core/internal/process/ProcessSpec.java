package io.prodigy.core.internal.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What to run and how: the command line, working directory, environment, time limits and what to do
 * with the output. Immutable; create one with {@link #builder(List)} or {@link #shell(String)}.
 *
 * <p>The child's standard input is always empty ({@code /dev/null}): agent CLIs wait forever on an
 * open stdin.
 *
 * <p>The executable ({@code argv[0]}) is looked up the way {@code execvp} does, but on the
 * <em>child's</em> {@code PATH} (after the environment changes below), relative to the working
 * directory when it contains a slash. The child sees the resolved path as its {@code argv[0]}.
 *
 * <p>The child's environment is the JVM's environment ({@link #inheritEnvironment()}, the default) or
 * an empty one, then the {@link #environment()} entries, then minus the
 * {@link #removedEnvironment()} names. A name both set and removed is removed.
 */
public final class ProcessSpec {
    /** The default time between SIGTERM and SIGKILL when a process tree is terminated. */
    public static final Duration DEFAULT_KILL_GRACE_PERIOD = Duration.ofSeconds(5);
    /** The default number of bytes kept per output stream: 16 MiB. */
    public static final long DEFAULT_MAX_CAPTURED_BYTES = 16L << 20;
    /** The largest allowed {@link Builder#maxCapturedBytes(long)}: 1 GiB. */
    public static final long MAX_CAPTURED_BYTES_LIMIT = 1L << 30;

    private final List<String> argv;
    private final Path workingDirectory;
    private final boolean inheritEnvironment;
    private final Map<String, String> environment;
    private final Set<String> removedEnvironment;
    private final Duration timeout;
    private final Duration killGracePeriod;
    private final long maxCapturedBytes;
    private final Path stdoutFile;
    private final LineListener lineListener;

    private ProcessSpec(Builder builder) {
        this.argv = builder.argv;
        this.workingDirectory = builder.workingDirectory;
        this.inheritEnvironment = builder.inheritEnvironment;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
        this.removedEnvironment = Collections.unmodifiableSet(new LinkedHashSet<>(builder.removedEnvironment));
        this.timeout = builder.timeout;
        this.killGracePeriod = builder.killGracePeriod;
        this.maxCapturedBytes = builder.maxCapturedBytes;
        this.stdoutFile = builder.stdoutFile;
        this.lineListener = builder.lineListener;
    }

    /**
     * Starts a spec that runs {@code argv} directly, without a shell.
     *
     * @param argv the executable and its arguments; not empty, no null or NUL-containing element
     * @return a builder with the defaults
     * @throws IllegalArgumentException if {@code argv} is empty or holds an empty executable or a NUL
     */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /**
     * Starts a spec that runs {@code sh -c command}.
     *
     * @param command the shell command line
     * @return a builder with the defaults
     */
    public static Builder shell(String command) {
        return new Builder(List.of("sh", "-c", Objects.requireNonNull(command, "command")));
    }

    /** @return the executable and its arguments, as given */
    public List<String> argv() {
        return argv;
    }

    /** @return the child's working directory; empty means the JVM's current directory */
    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** @return whether the child's environment starts from the JVM's environment */
    public boolean inheritEnvironment() {
        return inheritEnvironment;
    }

    /** @return the variables set in the child's environment (overriding inherited ones) */
    public Map<String, String> environment() {
        return environment;
    }

    /** @return the variables removed from the child's environment */
    public Set<String> removedEnvironment() {
        return removedEnvironment;
    }

    /** @return the time limit, counted from the start; empty means none */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** @return how long processes get between SIGTERM and SIGKILL */
    public Duration killGracePeriod() {
        return killGracePeriod;
    }

    /** @return the most bytes kept in memory per output stream */
    public long maxCapturedBytes() {
        return maxCapturedBytes;
    }

    /** @return the file that receives the complete stdout, if any */
    public Optional<Path> stdoutFile() {
        return Optional.ofNullable(stdoutFile);
    }

    /** @return the live line listener, if any */
    public Optional<LineListener> lineListener() {
        return Optional.ofNullable(lineListener);
    }

    /** Describes the spec without argument or environment values, which may hold secrets. */
    @Override
    public String toString() {
        return "ProcessSpec[" + argv.get(0) + " with " + (argv.size() - 1) + " argument(s)"
                + (workingDirectory == null ? "" : ", in " + workingDirectory)
                + (timeout == null ? "" : ", timeout " + timeout) + "]";
    }

    /** Builds a {@link ProcessSpec}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private final List<String> argv;
        private Path workingDirectory;
        private boolean inheritEnvironment = true;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Set<String> removedEnvironment = new LinkedHashSet<>();
        private Duration timeout;
        private Duration killGracePeriod = DEFAULT_KILL_GRACE_PERIOD;
        private long maxCapturedBytes = DEFAULT_MAX_CAPTURED_BYTES;
        private Path stdoutFile;
        private LineListener lineListener;

        private Builder(List<String> argv) {
            this.argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
            if (this.argv.isEmpty() || this.argv.get(0).isEmpty()) {
                throw new IllegalArgumentException("argv must start with the executable to run, got " + argv);
            }
            for (String argument : this.argv) {
                if (argument.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("Command-line arguments cannot contain a NUL character");
                }
            }
        }

        /**
         * @param directory the child's working directory; null means the JVM's current directory
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /**
         * @param inherit whether the child's environment starts from the JVM's (default true) or empty
         * @return this builder
         */
        public Builder inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        /**
         * Sets the variables to put into the child's environment, replacing any set earlier.
         *
         * @param variables names to values; names non-empty without {@code '='}, no NUL anywhere
         * @return this builder
         * @throws IllegalArgumentException if a name or value cannot be passed to a process
         */
        public Builder environment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            Map<String, String> copy = new LinkedHashMap<>();
            variables.forEach((name, value) -> {
                checkName(name);
                Objects.requireNonNull(value, () -> "environment variable " + name + " has a null value");
                if (value.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("Environment variable " + name + " contains a NUL character");
                }
                copy.put(name, value);
            });
            environment.clear();
            environment.putAll(copy);
            return this;
        }

        /**
         * Removes variables from the child's environment (adds to those removed earlier).
         *
         * @param names the variable names
         * @return this builder
         */
        public Builder removeEnvironment(String... names) {
            for (String name : names) {
                checkName(name);
                removedEnvironment.add(name);
            }
            return this;
        }

        /**
         * @param limit how long the process may run before its tree is terminated; null for no limit
         * @return this builder
         * @throws IllegalArgumentException if the limit is zero or negative
         */
        public Builder timeout(Duration limit) {
            if (limit != null && (limit.isZero() || limit.isNegative())) {
                throw new IllegalArgumentException("timeout must be positive, got " + limit);
            }
            this.timeout = limit;
            return this;
        }

        /**
         * @param grace how long processes get to exit after SIGTERM before SIGKILL (default 5 s)
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder killGracePeriod(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("killGracePeriod cannot be negative, got " + grace);
            }
            this.killGracePeriod = grace;
            return this;
        }

        /**
         * Limits the output kept in memory per stream (default 16 MiB). Past the limit the first half
         * and the last half are kept, joined by a line {@code [... N bytes truncated ...]}.
         *
         * @param bytes the limit, from 0 to {@value ProcessSpec#MAX_CAPTURED_BYTES_LIMIT}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxCapturedBytes(long bytes) {
            if (bytes < 0 || bytes > MAX_CAPTURED_BYTES_LIMIT) {
                throw new IllegalArgumentException(
                        "maxCapturedBytes must be between 0 and " + MAX_CAPTURED_BYTES_LIMIT + ", got " + bytes);
            }
            this.maxCapturedBytes = bytes;
            return this;
        }

        /**
         * @param file a file to receive the complete stdout, unbounded (created or truncated, parent
         *     directories created); null for none
         * @return this builder
         */
        public Builder stdoutFile(Path file) {
            this.stdoutFile = file;
            return this;
        }

        /**
         * @param listener receives output lines live; null for none
         * @return this builder
         */
        public Builder lineListener(LineListener listener) {
            this.lineListener = listener;
            return this;
        }

        /** @return the immutable spec */
        public ProcessSpec build() {
            return new ProcessSpec(this);
        }

        private static void checkName(String name) {
            Objects.requireNonNull(name, "environment variable name");
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid environment variable name '" + name + "'");
            }
        }
    }
}
