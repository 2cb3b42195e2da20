package io.prodigy.git;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Fresh versus pooled item worktrees on a generated repository of 5,000 files (50 directories of 100 files of about
 * 1 KiB). Not a unit test: run it with
 *
 * <pre>
 * mvn -q -o -pl prodigy-git test-compile exec:java -Dexec.skip=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.prodigy.git.WorktreeBenchmark [-Dexec.args="items rounds"]
 * </pre>
 *
 * Each item is one full lifecycle through the isolation SPI, one at a time: acquire a worktree at the run's HEAD,
 * commit one changed file, merge it into the run ({@code --no-ff}), release the worktree. It prints, per mode, the
 * median time of an item (the steady state: a pool creates its worktree once, for its first item) and the mean (that
 * creation included), the time of each phase, and the ratios. Git runs with a private HOME and global config.
 */
public final class WorktreeBenchmark {
    private static final int DIRS = 50;
    private static final int FILES_PER_DIR = 100;

    private WorktreeBenchmark() {}

    /**
     * @param args optional: items per round (default 20) and rounds (default 3)
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path base = Files.createTempDirectory("prodigy-worktree-bench");
        try {
            GitFixture fx = new GitFixture(base);
            Path repo = generate(fx, base.resolve("repo"));
            System.out.printf(
                    Locale.ROOT,
                    "repository: %d tracked files, git %s, %d items x %d rounds per mode%n",
                    fx.gitLines(repo, "ls-files").size(),
                    fx.git(repo, "--version").replace("git version ", ""),
                    items,
                    rounds);
            measure(fx, repo, WorktreeMode.onDemand(), 2, "warmup-f");
            measure(fx, repo, WorktreeMode.pooled(1), 2, "warmup-p");
            List<Double> fresh = new ArrayList<>();
            List<Double> pooled = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                fresh.addAll(measure(fx, repo, WorktreeMode.onDemand(), items, "f" + r));
                pooled.addAll(measure(fx, repo, WorktreeMode.pooled(1), items, "p" + r));
            }
            double fm = median(fresh);
            double pm = median(pooled);
            double fa = mean(fresh);
            double pa = mean(pooled);
            System.out.printf(Locale.ROOT, "fresh worktree per item:  median %.1f ms/item, mean %.1f%n", fm, fa);
            System.out.printf(
                    Locale.ROOT,
                    "pooled worktree (1 slot): median %.1f ms/item, mean %.1f (the mean includes "
                            + "creating the slot once per round)%n",
                    pm,
                    pa);
            System.out.printf(
                    Locale.ROOT,
                    "ratio fresh/pooled: %.1fx per item in steady state (medians), %.1fx over " + "%d items (means)%n",
                    fm / pm,
                    fa / pa,
                    items);
        } finally {
            deleteTree(base);
        }
    }

    /** @return the milliseconds of each item of one run of {@code items} items */
    private static List<Double> measure(GitFixture fx, Path repo, WorktreeMode mode, int items, String runId) {
        WorktreeIsolation iso = fx.isolation().mode(mode).build();
        Workspace run = iso.openRun(fx.context(runId, repo));
        List<Double> times = new ArrayList<>(items);
        long[] phases = new long[4];
        for (int i = 0; i < items; i++) {
            long t0 = System.nanoTime();
            Workspace item = iso.acquire(run, "item_" + i);
            long t1 = System.nanoTime();
            String file = "d" + (i % DIRS) + "/f" + i + ".txt";
            GitFixture.write(item.directory(), file, "changed by item " + i + "\n");
            item.versionControl().orElseThrow().commitAll("item " + i);
            long t2 = System.nanoTime();
            IntegrationResult r = iso.integrate(run, item);
            if (!(r instanceof IntegrationResult.Integrated)) {
                throw new IllegalStateException("item " + i + " was not integrated: " + r);
            }
            long t3 = System.nanoTime();
            iso.release(item, false);
            long t4 = System.nanoTime();
            phases[0] += t1 - t0;
            phases[1] += t2 - t1;
            phases[2] += t3 - t2;
            phases[3] += t4 - t3;
            times.add((t4 - t0) / 1e6);
        }
        System.out.printf(
                Locale.ROOT,
                "  %-9s %-15s median %7.1f ms/item; mean = acquire %.1f + commit %.1f + merge "
                        + "%.1f + release %.1f%n",
                runId,
                mode,
                median(times),
                phases[0] / 1e6 / items,
                phases[1] / 1e6 / items,
                phases[2] / 1e6 / items,
                phases[3] / 1e6 / items);
        iso.closeRun(run, RunStatus.CANCELLED);
        fx.git(repo, "worktree", "remove", "--force", run.directory().toString());
        fx.git(repo, "branch", "-D", "prodigy-" + runId);
        return times;
    }

    private static Path generate(GitFixture fx, Path repo) throws IOException {
        String line = "x".repeat(63) + "\n";
        String content = line.repeat(16);
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectories(repo.resolve("d" + d));
            for (int f = 0; f < FILES_PER_DIR; f++) {
                Files.writeString(dir.resolve("f" + f + ".txt"), d + "/" + f + "\n" + content);
            }
        }
        Files.writeString(repo.resolve(".gitignore"), "build/\n");
        fx.git(repo.getParent(), "init", "-q", repo.toString());
        fx.git(repo, "add", "-A");
        fx.git(repo, "commit", "-q", "-m", "5000 files");
        return repo;
    }

    private static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
