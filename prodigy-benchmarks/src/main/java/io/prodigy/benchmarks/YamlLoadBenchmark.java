package io.prodigy.benchmarks;

import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.WorkflowLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the largest workflow file of the conformance corpus ({@code documentation-maintain.yml}, 12 KB, from the
 * Rust tool's 0.1.8 release) through {@link WorkflowLoader}: YAML parse, validation, the workflow model.
 *
 * <p>The corpus is not copied into the project: the file is read from {@code ../shared/conformance/} next to the
 * repository (run the benchmarks from the repository root), or from the path given with {@code -p file=PATH}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class YamlLoadBenchmark {
    static final String FILE = "documentation-maintain.yml";
    static final String CORPUS_FILE = "../shared/conformance/prodigy-0.1.8/workflows/" + FILE;

    /** The workflow file, relative to the working directory (or to its parent, when run from a module). */
    @Param(CORPUS_FILE)
    public String file;

    String text;
    WorkflowLoader loader;

    /**
     * Reads the file.
     *
     * @throws IOException if it is missing
     */
    @Setup
    public void setup() throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)
                && !path.isAbsolute()
                && Files.isRegularFile(Path.of("..").resolve(path))) {
            path = Path.of("..").resolve(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException("no workflow file at " + path.toAbsolutePath().normalize() + ": run from the "
                    + "repository root (the corpus lies in ../shared/conformance) or pass -p file=PATH");
        }
        text = Files.readString(path, StandardCharsets.UTF_8);
        loader = WorkflowLoader.create();
        LoadResult first = loader.load(text, FILE);
        if (first.hasErrors()) {
            throw new IllegalStateException(FILE + " does not load: " + first.report());
        }
    }

    /** @return the loaded workflow and its problems */
    @Benchmark
    public LoadResult load() {
        return loader.load(text, FILE);
    }
}
