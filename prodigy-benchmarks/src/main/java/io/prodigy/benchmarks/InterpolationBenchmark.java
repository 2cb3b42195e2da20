package io.prodigy.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.core.expr.Interpolation;
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

/** Interpolation of a step command with item fields, with and without shell quoting. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class InterpolationBenchmark {
    static final String TEMPLATE = "cargo test --package ${item.crate} -- '${item.test}' \"${map.total} items\"";

    Interpolation vars;

    @Setup
    public void setup() throws Exception {
        vars = Interpolation.builder()
                .put("item", new ObjectMapper().readTree("{\"crate\": \"core\", \"test\": \"it's a test\"}"))
                .putString("map.total", "42")
                .build();
    }

    /** @return the command quoted for sh */
    @Benchmark
    public String shellQuoted() {
        return vars.renderForShell(TEMPLATE);
    }

    /** @return the command without quoting */
    @Benchmark
    public String plain() {
        return vars.render(TEMPLATE);
    }
}
