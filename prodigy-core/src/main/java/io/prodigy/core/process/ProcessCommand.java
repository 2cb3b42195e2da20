package io.prodigy.core.process;

import io.prodigy.core.internal.process.LineListener;
import io.prodigy.core.internal.process.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to run and how: the command line, working directory, environment, time limit and what to do with the
 * output. Immutable; build one with {@link #builder(List)} or {@link #shell(String)}.
 *
 * <p>The child's standard input is always empty ({@code /dev/null}): agent CLIs wait forever on an open stdin.
 * The executable ({@code argv[0]}) is looked up the way {@code execvp} does, on the <em>child's</em> {@code PATH}
 * (after the environment changes), relative to the working directory when it contains a slash. The child's
 * environment is the JVM's environment, then the {@link Builder#environment(Map) set} variables, then minus the
 * {@link Builder#removeEnvironment(Collection) removed} names (a name both set and removed is removed).
 */
public final class ProcessCommand {
    /** The default time between SIGTERM and SIGKILL when a process tree is terminated: 5 s. */
    public static final Duration DEFAULT_KILL_GRACE_PERIOD = ProcessSpec.DEFAULT_KILL_GRACE_PERIOD;
    /** The default number of bytes kept in memory per output stream: 16 MiB. */
    public static final long DEFAULT_MAX_CAPTURED_BYTES = ProcessSpec.DEFAULT_MAX_CAPTURED_BYTES;

    private final ProcessSpec spec;

    private ProcessCommand(ProcessSpec spec) {
        this.spec = spec;
    }

    /**
     * Starts a command that runs {@code argv} directly, without a shell.
     *
     * @param argv the executable and its arguments
     * @return a builder with the defaults
     * @throws NullPointerException if {@code argv} is null
     * @throws IllegalArgumentException if {@code argv} is empty, starts with an empty executable or holds a NUL
     */
    public static Builder builder(List<String> argv) {
        return new Builder(ProcessSpec.builder(Objects.requireNonNull(argv, "argv")));
    }

    /**
     * Starts a command that runs {@code sh -c command}.
     *
     * @param command the shell command line
     * @return a builder with the defaults
     * @throws NullPointerException if {@code command} is null
     */
    public static Builder shell(String command) {
        return new Builder(ProcessSpec.shell(Objects.requireNonNull(command, "command")));
    }

    /** @return the executable and its arguments, as given */
    public List<String> argv() {
        return spec.argv();
    }

    /** @return the child's working directory; empty means the JVM's current directory */
    public Optional<Path> workingDirectory() {
        return spec.workingDirectory();
    }

    /** @return the time limit, counted from the start; empty means none */
    public Optional<Duration> timeout() {
        return spec.timeout();
    }

    ProcessSpec spec() {
        return spec;
    }

    /** Describes the command without argument or environment values, which may hold secrets. */
    @Override
    public String toString() {
        return "ProcessCommand" + spec.toString().substring("ProcessSpec".length());
    }

    /** Builds a {@link ProcessCommand}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private final ProcessSpec.Builder spec;

        private Builder(ProcessSpec.Builder spec) {
            this.spec = spec;
        }

        /** @param directory the child's working directory; null means the JVM's current directory @return this */
        public Builder workingDirectory(Path directory) {
            spec.workingDirectory(directory);
            return this;
        }

        /**
         * Sets the variables to put into the child's environment, replacing any set earlier.
         *
         * @param variables names to values
         * @return this
         * @throws IllegalArgumentException if a name is empty or holds {@code '='}, or a name or value holds a NUL
         * @throws NullPointerException if a name or value is null
         */
        public Builder environment(Map<String, String> variables) {
            spec.environment(variables);
            return this;
        }

        /**
         * Removes variables from the child's environment (adds to those removed earlier).
         *
         * @param names the variable names
         * @return this
         * @throws IllegalArgumentException if a name is empty or holds {@code '='} or a NUL
         */
        public Builder removeEnvironment(Collection<String> names) {
            spec.removeEnvironment(Objects.requireNonNull(names, "names").toArray(String[]::new));
            return this;
        }

        /**
         * @param limit how long the process may run before its tree is terminated; null for no limit
         * @return this
         * @throws IllegalArgumentException if the limit is zero or negative
         */
        public Builder timeout(Duration limit) {
            spec.timeout(limit);
            return this;
        }

        /**
         * @param grace how long processes get to exit after SIGTERM before SIGKILL (default 5 s)
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder killGracePeriod(Duration grace) {
            spec.killGracePeriod(Objects.requireNonNull(grace, "grace"));
            return this;
        }

        /**
         * Limits the output kept in memory per stream (default 16 MiB). Past the limit the first and the last half
         * are kept, joined by a line {@code [... N bytes truncated ...]}.
         *
         * @param bytes the limit, from 0 to 1 GiB
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxCapturedBytes(long bytes) {
            spec.maxCapturedBytes(bytes);
            return this;
        }

        /**
         * @param file a file to receive the complete stdout, unbounded (created or truncated, parent directories
         *             created); null for none
         * @return this
         */
        public Builder stdoutFile(Path file) {
            spec.stdoutFile(file);
            return this;
        }

        /** @param listener receives output lines live; null for none @return this */
        public Builder outputListener(OutputListener listener) {
            spec.lineListener(
                    listener == null
                            ? null
                            : (stream, line) -> listener.onLine(stream == LineListener.Stream.STDERR, line));
            return this;
        }

        /** @return the immutable command */
        public ProcessCommand build() {
            return new ProcessCommand(spec.build());
        }
    }
}
