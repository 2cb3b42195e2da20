package io.prodigy.benchmarks;

import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.WorkflowLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the largest workflow file of the conformance corpus ({@code documentation-maintain.yml}, 12 KB, from the
 * Rust tool's 0.1.8 release) through {@link WorkflowLoader}: YAML parse, validation, the workflow model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class YamlLoadBenchmark {
    static final String FILE = "documentation-maintain.yml";

    String text;
    WorkflowLoader loader;

    /**
     * Reads the file from the classpath.
     *
     * @throws IOException if it is missing
     */
    @Setup
    public void setup() throws IOException {
        try (InputStream in = YamlLoadBenchmark.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IOException(FILE + " is not on the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
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
