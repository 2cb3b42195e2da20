package io.prodigy.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.prodigy.core.expr.ItemFilter;
import io.prodigy.core.expr.ItemSelection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

/** Filter/sort expressions: parse cost, per-item evaluation, and the whole item pipeline. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ExpressionBenchmark {
    static final String FILTER = "File.score >= 10 OR Function.unified_score.final_score >= 10";
    static final String SORT = "File.score DESC NULLS LAST, Function.unified_score.final_score DESC NULLS LAST";
    static final Function<String, JsonNode> NO_VARS = name -> MissingNode.getInstance();

    @Param({"100000"})
    int items;

    List<JsonNode> data;
    JsonNode one;
    ItemFilter filter;
    ItemSelection pipeline;

    @Setup
    public void setup() {
        ObjectMapper m = new ObjectMapper();
        Random r = new Random(42);
        data = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            var o = m.createObjectNode();
            o.putObject("File").put("score", r.nextInt(20)).put("path", "src/f" + i + ".rs");
            o.putObject("Function").putObject("unified_score").put("final_score", r.nextDouble() * 20);
            data.add(o);
        }
        one = data.get(0);
        filter = ItemFilter.parse(FILTER);
        pipeline = ItemSelection.builder().filter(FILTER).sortBy(SORT).build();
    }

    /** @return the parsed filter */
    @Benchmark
    public ItemFilter parseFilter() {
        return ItemFilter.parse(FILTER);
    }

    /** @return a selection with the parsed sort */
    @Benchmark
    public ItemSelection parseSort() {
        return ItemSelection.builder().sortBy(SORT).build();
    }

    /** @return whether one item matches */
    @Benchmark
    public boolean evaluateFilterOnOneItem() {
        return filter.matches(one, NO_VARS);
    }

    /** @return the selected items (time is for the whole list) */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<JsonNode> filterAndSortAll() {
        return pipeline.apply(data, NO_VARS);
    }
}
