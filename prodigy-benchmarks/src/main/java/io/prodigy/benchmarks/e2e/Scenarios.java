package io.prodigy.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import io.prodigy.core.expr.ItemSelection;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.git.WorktreeMode;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Prodigy side of each end-to-end scenario, through the public API. Each method runs one measurement and
 * returns what it measured; {@link Driver} exposes them as a command line for child JVMs.
 */
public final class Scenarios {
    /** The no-op agent of {@code engine-overhead} and {@code resume}. */
    static final AgentRunner NO_OP = request -> AgentResult.success("");

    private Scenarios() {}

    /** A list of {@code {"n": i}} items, produced lazily (the engine copies them into its own nodes). */
    static List<Object> numbered(int count) {
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                return Map.of("n", index);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /** The numbers 0 to count - 1 as items, produced lazily: the smallest items a host can pass. */
    static List<Object> numbers(int count) {
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                return index;
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /**
     * {@code process-agents}: every item runs {@code sh -c true} (a shell step {@code true}), no isolation.
     *
     * @param home the state directory
     * @param work the working directory
     * @param items how many items
     * @param parallel how many at once
     * @return seconds spent in {@link Prodigy#run}
     */
    public static double processAgents(Path home, Path work, int items, int parallel) {
        try (Prodigy prodigy = Prodigy.builder()
                .home(home)
                .workingDirectory(work)
                .isolation(DirectoryIsolation.shared())
                .build()) {
            Workflow wf = Workflow.mapReduce("process-agents")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(numbered(items)))
                            .maxParallel(parallel)
                            .agentTemplate(Step.shell("true")))
                    .build();
            long start = System.nanoTime();
            RunResult result = prodigy.run(wf);
            double seconds = (System.nanoTime() - start) / 1e9;
            check(result, items);
            return seconds;
        }
    }

    /**
     * {@code worktree-agents}: every item writes and commits one file in its own worktree; the run merges
     * each item with {@code --no-ff} and the run's branch into the repository's branch at the end.
     *
     * @param home the state directory
     * @param repo the repository
     * @param items how many items
     * @param parallel how many at once
     * @param pooled pooled worktrees ({@code pooled(parallel)}) instead of a fresh one per item
     * @return seconds spent in {@link Prodigy#run}
     */
    public static double worktreeAgents(Path home, Path repo, int items, int parallel, boolean pooled) {
        WorktreeIsolation git = WorktreeIsolation.builder()
                .prodigyHome(home)
                .mode(pooled ? WorktreeMode.pooled(parallel) : WorktreeMode.onDemand())
                .build();
        try (Prodigy prodigy = Prodigy.builder()
                .home(home)
                .workingDirectory(repo)
                .isolation(git)
                .build()) {
            Workflow wf = Workflow.mapReduce("worktree-agents")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(numbered(items)))
                            .maxParallel(parallel)
                            .agentTemplate(
                                    Step.shell("echo ${item.n} > item-${item.n}.txt && git add item-${item.n}.txt"
                                            + " && git commit -q -m item-${item.n}")))
                    .build();
            long start = System.nanoTime();
            RunResult result = prodigy.run(wf);
            double seconds = (System.nanoTime() - start) / 1e9;
            check(result, items);
            return seconds;
        }
    }

    /**
     * {@code engine-overhead}: an in-process no-op agent, the default durable stores (journal, DLQ, event log).
     *
     * @param home the state directory
     * @param items how many items
     * @param parallel how many at once
     * @return seconds spent in {@link Prodigy#run}
     */
    public static double engineOverhead(Path home, int items, int parallel) {
        try (Prodigy prodigy = Prodigy.builder()
                .home(home)
                .workingDirectory(home)
                .agentRunner(NO_OP)
                .isolation(DirectoryIsolation.shared())
                .build()) {
            long start = System.nanoTime();
            RunResult result = prodigy.run(noOpWorkflow(items, parallel));
            double seconds = (System.nanoTime() - start) / 1e9;
            check(result, items);
            return seconds;
        }
    }

    static Workflow noOpWorkflow(int items, int parallel) {
        return Workflow.mapReduce("engine-overhead")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(items)))
                        .maxParallel(parallel)
                        .agentTemplate(Step.agent("noop ${item}")))
                .build();
    }

    /**
     * Starts a no-op run of {@code items} items and cancels it once half of them finished; the run is then
     * resumable.
     *
     * @param home the state directory
     * @param items how many items
     * @return the run id
     * @throws InterruptedException if interrupted
     */
    public static String prepareHalfDone(Path home, int items) throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch half = new CountDownLatch(1);
        try (Prodigy prodigy = Prodigy.builder()
                .home(home)
                .workingDirectory(home)
                .agentRunner(NO_OP)
                .isolation(DirectoryIsolation.shared())
                .listener(event -> {
                    if (event instanceof RunEvent.ItemFinished
                            && done.incrementAndGet() >= items / 2
                            && cancelled.compareAndSet(false, true)) {
                        half.countDown();
                    }
                })
                .build()) {
            RunHandle handle = prodigy.start(noOpWorkflow(items, 4), io.prodigy.api.RunOptions.DEFAULT);
            half.await();
            handle.cancel();
            RunResult result = handle.await();
            if (result.status() != RunStatus.CANCELLED) {
                throw new IllegalStateException("expected a cancelled run, got " + result.status());
            }
            return handle.runId();
        }
    }

    /**
     * The result of {@link #resume}.
     *
     * @param seconds from the start of {@link Prodigy#resume} (store opening included) to the first dispatch
     * @param heapBytes heap used after a full GC at the first dispatch
     * @param remaining how many items the resumed run dispatched in all
     */
    public record ResumeFigures(double seconds, long heapBytes, int remaining) {}

    /**
     * Resumes a half-done run, noting when the first item is dispatched, and lets it finish.
     *
     * @param home the state directory
     * @param runId the run
     * @param items how many items the run has
     * @return the figures
     */
    public static ResumeFigures resume(Path home, String runId, int items) {
        long start = System.nanoTime();
        AtomicLong first = new AtomicLong();
        AtomicLong heap = new AtomicLong();
        AtomicInteger started = new AtomicInteger();
        try (Prodigy prodigy = Prodigy.builder()
                .home(home)
                .workingDirectory(home)
                .agentRunner(NO_OP)
                .isolation(DirectoryIsolation.shared())
                .listener(event -> {
                    if (event instanceof RunEvent.ItemStarted && started.getAndIncrement() == 0) {
                        first.set(System.nanoTime());
                        System.gc();
                        heap.set(ManagementFactory.getMemoryMXBean()
                                .getHeapMemoryUsage()
                                .getUsed());
                    }
                })
                .build()) {
            RunResult result = prodigy.resume(runId, noOpWorkflow(items, 4), ResumeOptions.DEFAULT);
            check(result, items);
        }
        return new ResumeFigures((first.get() - start) / 1e9, heap.get(), started.get());
    }

    /**
     * {@code filter-sort}: the map phase's filter and sort on generated items.
     *
     * @param items how many items
     * @param repetitions how many timed repetitions (after two untimed ones)
     * @return the seconds of each timed repetition
     */
    public static List<Double> filterSort(int items, int repetitions) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Random r = new Random(42);
        List<JsonNode> data = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            var o = f.objectNode();
            o.putObject("File").put("score", r.nextInt(20)).put("path", "src/f" + i + ".rs");
            o.putObject("Function").putObject("unified_score").put("final_score", r.nextDouble() * 20);
            data.add(o);
        }
        ItemSelection pipeline = ItemSelection.builder()
                .filter("File.score >= 10 OR Function.unified_score.final_score >= 10")
                .sortBy("File.score DESC NULLS LAST, Function.unified_score.final_score DESC NULLS LAST")
                .build();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < repetitions + 2; i++) {
            long start = System.nanoTime();
            List<JsonNode> out = pipeline.apply(data, name -> MissingNode.getInstance());
            double seconds = (System.nanoTime() - start) / 1e9;
            if (out.isEmpty()) {
                throw new IllegalStateException("nothing selected");
            }
            if (i >= 2) {
                times.add(seconds);
            }
        }
        return times;
    }

    private static void check(RunResult result, int items) {
        if (result.status() != RunStatus.SUCCEEDED || result.summary().succeeded() != items) {
            throw new IllegalStateException("run " + result.runId() + " ended " + result.status() + " with "
                    + result.summary().succeeded() + " of " + items + " items succeeded: " + result.failure());
        }
    }
}
