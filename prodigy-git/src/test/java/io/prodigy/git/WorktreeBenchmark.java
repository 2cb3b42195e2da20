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
 * commit one changed file, merge it into the run ({@code --no-ff}), release the worktree. It prints the median time
 * per item of each mode over the rounds, and their ratio. Git runs with a private HOME and global config.
 */
public final class WorktreeBenchmark {
    private static final int DIRS = 50;
    private static final int FILES_PER_DIR = 100;

    private WorktreeBenchmark() {
    }

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
            System.out.printf(Locale.ROOT, "repository: %d tracked files, git %s%n",
                    fx.gitLines(repo, "ls-files").size(), fx.git(repo, "--version").replace("git version ", ""));
            List<Double> fresh = new ArrayList<>();
            List<Double> pooled = new ArrayList<>();
            measure(fx, repo, WorktreeMode.onDemand(), 3, "warmup-f");
            measure(fx, repo, WorktreeMode.pooled(1), 3, "warmup-p");
            for (int r = 0; r < rounds; r++) {
                fresh.add(measure(fx, repo, WorktreeMode.onDemand(), items, "f" + r));
                pooled.add(measure(fx, repo, WorktreeMode.pooled(1), items, "p" + r));
            }
            double f = median(fresh);
            double p = median(pooled);
            System.out.printf(Locale.ROOT, "fresh worktree per item: %.1f ms/item (rounds: %s)%n", f, fresh);
            System.out.printf(Locale.ROOT, "pooled worktree (1 slot): %.1f ms/item (rounds: %s)%n", p, pooled);
            System.out.printf(Locale.ROOT, "ratio fresh/pooled: %.2fx%n", f / p);
        } finally {
            deleteTree(base);
        }
    }

    /** @return the mean milliseconds per item of one run of {@code items} items */
    private static double measure(GitFixture fx, Path repo, WorktreeMode mode, int items, String runId) {
        WorktreeIsolation iso = fx.isolation().mode(mode).build();
        Workspace run = iso.openRun(fx.context(runId, repo));
        long start = System.nanoTime();
        for (int i = 0; i < items; i++) {
            Workspace item = iso.acquire(run, "item_" + i);
            String file = "d" + (i % DIRS) + "/f" + i + ".txt";
            GitFixture.write(item.directory(), file, "changed by item " + i + "\n");
            item.versionControl().orElseThrow().commitAll("item " + i);
            IntegrationResult r = iso.integrate(run, item);
            if (!(r instanceof IntegrationResult.Integrated)) {
                throw new IllegalStateException("item " + i + " was not integrated: " + r);
            }
            iso.release(item, false);
        }
        double ms = (System.nanoTime() - start) / 1e6 / items;
        iso.closeRun(run, RunStatus.CANCELLED);
        fx.git(repo, "worktree", "remove", "--force", run.directory().toString());
        fx.git(repo, "branch", "-D", "prodigy-" + runId);
        return Math.round(ms * 10) / 10.0;
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
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
