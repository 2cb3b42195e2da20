package io.prodigy.yaml;

import io.prodigy.api.Workflow;
import io.prodigy.yaml.internal.Loading;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads workflow files (YAML or JSON) into {@link Workflow}s: every form the Rust tool Prodigy reads, the 0.1.8
 * whitepaper's {@code tasks:} form, and composition ({@code extends}, {@code imports}, {@code template},
 * {@code parameters}). Immutable and thread-safe; build one and reuse it.
 *
 * <pre>{@code
 * WorkflowLoader loader = WorkflowLoader.builder()
 *     .parameters(Map.of("target", "src/main"))
 *     .build();
 * LoadResult result = loader.load(Path.of("workflows/debtmap-reduce.yml"));
 * result.problems().forEach(System.err::println);   // file:line:column: error|warning: ...
 * Workflow workflow = result.orThrow();
 * }</pre>
 *
 * <p>Loading never throws for problems in the text: they are all in the {@link LoadResult}, each with its file, line
 * and column. An unknown key is an error naming the closest valid key. A key the engine does not act on is accepted
 * with a warning that says so (and whether the Rust tool ignores it too); in {@link Builder#strict strict} mode every
 * warning is an error.
 *
 * <p>Numbers the Rust tool lets refer to variables ({@code max_parallel: "${MAX_PARALLEL}"},
 * {@code agent_timeout_secs}, setup {@code timeout}) are resolved while loading, from the workflow's own
 * {@code env} and then from the {@link Builder#environment environment} (the process environment by default).
 */
public final class WorkflowLoader {
    private final boolean strict;
    private final Map<String, Object> parameters;
    private final Path parameterFile;
    private final List<Path> searchPath;
    private final Map<String, String> environment;
    private final Path baseDirectory;

    private WorkflowLoader(Builder b) {
        this.strict = b.strict;
        this.parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
        this.parameterFile = b.parameterFile;
        this.baseDirectory = b.baseDirectory != null ? b.baseDirectory : Path.of("");
        this.searchPath = b.searchPath != null ? List.copyOf(b.searchPath) : defaultSearchPath(baseDirectory);
        this.environment = b.environment != null ? Map.copyOf(b.environment) : System.getenv();
    }

    /** @return a builder with the defaults: lenient, no parameters, the default search path, the process env */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a loader with the defaults */
    public static WorkflowLoader create() {
        return builder().build();
    }

    /**
     * The default template search path, project first: {@code .prodigy/templates} and {@code templates} under the
     * base directory, then {@code prodigy/templates} in the user's data directory ({@code $XDG_DATA_HOME}, or
     * {@code ~/.local/share}).
     */
    private static List<Path> defaultSearchPath(Path base) {
        List<Path> out = new ArrayList<>();
        out.add(base.resolve(".prodigy").resolve("templates"));
        out.add(base.resolve("templates"));
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        out.add(data.resolve("prodigy").resolve("templates"));
        return out;
    }

    /** @return the directories searched for templates and bases given by name, in order */
    public List<Path> searchPath() {
        return searchPath;
    }

    /**
     * Loads a workflow file. Relative {@code imports}, {@code extends} and template files resolve against its
     * directory.
     *
     * @param file a {@code .yml}, {@code .yaml} or {@code .json} file
     * @return the result; a file that cannot be read is an error in it
     */
    public LoadResult load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return unreadable(file.toString(), "file not found: " + file);
        } catch (IOException e) {
            return unreadable(file.toString(), "could not read the file: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return load(text, file.toString(), dir == null ? baseDirectory : dir);
    }

    /**
     * Loads a workflow from text. Relative paths in it resolve against the base directory.
     *
     * @param text YAML or JSON (JSON when {@code sourceName} ends in {@code .json}, or the text is a JSON object)
     * @param sourceName the name used in messages and, without its extension, as the default workflow name
     * @return the result
     */
    public LoadResult load(String text, String sourceName) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sourceName, "sourceName");
        return load(text, sourceName, baseDirectory);
    }

    /**
     * Loads a workflow from a stream, read to its end as UTF-8 (the stream is not closed).
     *
     * @param in the stream
     * @param sourceName the name used in messages
     * @return the result
     * @throws UncheckedIOException when the stream cannot be read
     */
    public LoadResult load(InputStream in, String sourceName) {
        Objects.requireNonNull(in, "in");
        try {
            return load(new String(in.readAllBytes(), StandardCharsets.UTF_8), sourceName);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + sourceName, e);
        }
    }

    /**
     * @param file the workflow file
     * @return the workflow
     * @throws WorkflowLoadException listing every problem, when the file has errors
     */
    public Workflow loadOrThrow(Path file) {
        return load(file).orThrow();
    }

    /**
     * @param text the workflow text
     * @param sourceName the name used in messages
     * @return the workflow
     * @throws WorkflowLoadException listing every problem, when the text has errors
     */
    public Workflow loadOrThrow(String text, String sourceName) {
        return load(text, sourceName).orThrow();
    }

    private LoadResult load(String text, String sourceName, Path directory) {
        Loading.Outcome o = Loading.load(
                text,
                sourceName,
                directory,
                new Loading.Settings(strict, parameters, parameterFile, searchPath, environment, baseDirectory));
        return new LoadResult(sourceName, o.kind(), o.workflow(), o.problems());
    }

    private static LoadResult unreadable(String source, String message) {
        return new LoadResult(
                source, null, null, List.of(new Problem(Problem.Severity.ERROR, source, 0, 0, "", message)));
    }

    /** Builds a {@link WorkflowLoader}. */
    public static final class Builder {
        private boolean strict;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private Path parameterFile;
        private List<Path> searchPath;
        private Map<String, String> environment;
        private Path baseDirectory;

        private Builder() {}

        /**
         * @param strict whether every warning is an error (default false); unknown keys are errors in any case
         * @return this
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Values for the workflow's {@code parameters}, as the CLI's {@code --param NAME=VALUE} gives them. They win
         * over a {@link #parameterFile parameter file}, which wins over a parameter's {@code default}, which wins
         * over the file's {@code defaults}. Values are strings, numbers, booleans, lists or maps; a string given for
         * a number, boolean, array or object parameter is converted when it reads as one.
         *
         * @param values parameter values by name (added to any set before)
         * @return this
         */
        public Builder parameters(Map<String, ?> values) {
            values.forEach((k, v) -> parameters.put(Objects.requireNonNull(k, "parameter name"), v));
            return this;
        }

        /** @param name a parameter @param value its value @return this */
        public Builder parameter(String name, Object value) {
            parameters.put(Objects.requireNonNull(name, "parameter name"), value);
            return this;
        }

        /** @param file a YAML or JSON mapping of parameter values (the CLI's {@code --param-file}) @return this */
        public Builder parameterFile(Path file) {
            this.parameterFile = file;
            return this;
        }

        /** @param directories where templates and bases given by name are looked for, in order @return this */
        public Builder searchPath(List<Path> directories) {
            this.searchPath = new ArrayList<>(directories);
            return this;
        }

        /** @param directories where templates and bases given by name are looked for, in order @return this */
        public Builder searchPath(Path... directories) {
            return searchPath(List.of(directories));
        }

        /**
         * @param environment the variables {@code ${VAR}} numbers and {@code provider: env} secrets are read from
         *                    (default: the process environment)
         * @return this
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = new LinkedHashMap<>(environment);
            return this;
        }

        /**
         * @param directory the directory relative paths in texts loaded with {@link #load(String, String)} resolve
         *                  against, and under which the default search path looks (default: the working directory)
         * @return this
         */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = directory;
            return this;
        }

        /** @return the loader */
        public WorkflowLoader build() {
            return new WorkflowLoader(this);
        }
    }
}
