package io.prodigy.benchmarks.e2e;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.git.WorktreeMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Prodigy side of the git scenarios of the harness ({@code repo-120}, {@code merge-queue},
 * {@code large-repo}), through the public API and the isolation SPI.
 */
public final class GitScenarios {
    /** What each agent of {@code repo-120} runs on its file; the baseline loop runs the same. */
    static final String EDIT =
            "sed -i 's/TODO/DONE/g' %1$s && echo '// reviewed' >> %1$s" + " && git commit -q -a -m 'review %1$s'";

    private GitScenarios() {}

    /**
     * {@code repo-120}: a map over source files of a repository, one shell agent per file ({@code sed}, append a
     * line, {@code git commit}), with the worktree isolation's defaults unless a mode is given.
     *
     * @param home the state directory
     * @param repo the repository
     * @param files the files, relative to the repository, one per item
     * @param parallel max_parallel
     * @param mode {@code default}, {@code fresh} or {@code pooled}
     * @return seconds spent in {@link Prodigy#run}
     */
    public static double repoMap(Path home, Path repo, List<String> files, int parallel, String mode) {
        List<Object> items = new ArrayList<>();
        for (String f : files) {
            items.add(Map.of("path", f));
        }
        return run(
                home,
                repo,
                "repo-120",
                items,
                parallel,
                mode,
                Step.shell(String.format(EDIT, "${item.path}")),
                files.size());
    }

    /**
     * {@code merge-queue}: every item writes and commits one small file; what is left to the engine is the merge
     * of each item into the run and of the run into the repository's branch.
     *
     * @param home the state directory
     * @param repo the repository
     * @param items how many items
     * @param parallel max_parallel
     * @param mode {@code default}, {@code fresh} or {@code pooled}
     * @return seconds spent in {@link Prodigy#run}
     */
    public static double mergeQueue(Path home, Path repo, int items, int parallel, String mode) {
        return run(
                home,
                repo,
                "merge-queue",
                Scenarios.numbered(items),
                parallel,
                mode,
                Step.shell(
                        "echo ${item.n} > q-${item.n}.txt && git add q-${item.n}.txt && git commit -q -m q-${item.n}"),
                items);
    }

    private static double run(
            Path home,
            Path repo,
            String name,
            List<Object> items,
            int parallel,
            String mode,
            Step.Builder agent,
            int expected) {
        WorktreeIsolation.Builder b = WorktreeIsolation.builder().prodigyHome(home);
        if (mode.equals("pooled")) {
            b.mode(WorktreeMode.pooled(parallel));
        } else if (mode.equals("fresh")) {
            b.mode(WorktreeMode.onDemand());
        }
        try (Prodigy prodigy = Prodigy.builder()
                .home(home)
                .workingDirectory(repo)
                .isolation(b.build())
                .build()) {
            Workflow wf = Workflow.mapReduce(name)
                    .map(MapPhase.builder()
                            .input(WorkInput.values(items))
                            .maxParallel(parallel)
                            .agentTemplate(agent))
                    .build();
            long start = System.nanoTime();
            RunResult result = prodigy.run(wf);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (result.status() != RunStatus.SUCCEEDED || result.summary().succeeded() != expected) {
                throw new IllegalStateException("run " + result.runId() + " ended " + result.status() + " with "
                        + result.summary().succeeded() + " of " + expected + " items succeeded: " + result.failure());
            }
            return seconds;
        }
    }

    /**
     * The per-item cost of the isolation alone ({@code acquire} + {@code release}, no agent) on a repository, item
     * after item. Each item changes a tracked file, adds an untracked one and fills an ignored {@code target/}
     * directory, as a build would.
     *
     * @param home the state directory
     * @param repo the repository (its {@code .gitignore} ignores {@code target/})
     * @param mode {@code fresh} or {@code pooled} (one slot)
     * @param items how many items
     * @return the seconds of each item, in order (for {@code pooled} the first one creates the slot)
     */
    public static List<Double> isolationCost(Path home, Path repo, String mode, int items) {
        WorktreeIsolation iso = WorktreeIsolation.builder()
                .prodigyHome(home)
                .mode(mode.equals("pooled") ? WorktreeMode.pooled(1) : WorktreeMode.onDemand())
                .build();
        Path state = home.resolve("state");
        Workspace run = iso.openRun(
                new RunContext("bench-" + mode + "-" + System.nanoTime(), "large-repo", repo, state, null, null, home));
        List<Double> times = new ArrayList<>();
        String tracked;
        try (var s = Files.walk(run.directory().resolve("src"))) {
            tracked = run.directory()
                    .relativize(s.filter(Files::isRegularFile).findFirst().orElseThrow())
                    .toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < items; i++) {
            long start = System.nanoTime();
            Workspace item = iso.acquire(run, "item-" + i);
            double acquired = (System.nanoTime() - start) / 1e9;
            try {
                Path dir = item.directory();
                Files.writeString(dir.resolve(tracked), "changed by item " + i + "\n");
                Files.writeString(dir.resolve("untracked-" + i + ".txt"), "x\n");
                Files.createDirectories(dir.resolve("target"));
                Files.writeString(dir.resolve("target/build-" + i + ".o"), "object\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long released = System.nanoTime();
            iso.release(item, false);
            times.add(acquired + (System.nanoTime() - released) / 1e9);
        }
        iso.closeRun(run, RunStatus.SUCCEEDED);
        return times;
    }
}
