package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.spi.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker cache's bound on runs: real git, a remote repository on this machine. */
class WorkerCacheTest {
    @TempDir
    Path tmp;

    private Path remote;
    private Map<String, String> gitEnv;

    @BeforeEach
    void setUp() throws Exception {
        Path config = tmp.resolve("gitconfig");
        Files.writeString(
                config,
                "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
        gitEnv = Map.of("GIT_CONFIG_GLOBAL", config.toString(), "GIT_CONFIG_NOSYSTEM", "1");
        remote = Files.createDirectories(tmp.resolve("remote"));
        git(remote, "init", "-q");
        Files.writeString(remote.resolve("README.md"), "project\n");
        git(remote, "add", "-A");
        git(remote, "commit", "-q", "-m", "initial");
        for (String run : List.of("run-a", "run-b", "run-c")) {
            git(remote, "update-ref", "refs/prodigy-base/" + run, "HEAD");
        }
    }

    private ItemTask task(String run, String item) {
        return new ItemTask(
                run,
                "wf",
                null,
                null,
                0,
                item,
                0,
                "\"" + item + "\"",
                1,
                Map.of(),
                Map.of(),
                0,
                remote.toString(),
                "refs/prodigy-base/" + run,
                "refs/prodigy/" + run + "/" + item + "@1",
                5_000,
                3,
                1_000,
                null);
    }

    private Path checkoutOf(Path cacheDir, String run) {
        return cacheDir.resolve("bases").resolve(WorkerCache.hash(remote + "\nrefs/prodigy-base/" + run));
    }

    @Test
    void openingARunBeyondTheBoundEvictsTheLeastRecentlyUsedIdleRunWithItsWorktrees() throws Exception {
        Path dir = tmp.resolve("cache");
        try (WorkerCache cache = new WorkerCache(dir, 2)) {
            Workspace a = cache.acquire(task("run-a", "x"), null);
            Path aItem = a.directory();
            cache.release(a);
            cache.release(cache.acquire(task("run-b", "x"), null));
            assertThat(checkoutOf(dir, "run-a")).isDirectory();
            assertThat(aItem).isDirectory();

            cache.release(cache.acquire(task("run-c", "x"), null));

            assertThat(cache.runKeys()).hasSize(2).noneMatch(k -> k.endsWith("run-a"));
            assertThat(checkoutOf(dir, "run-a")).doesNotExist();
            assertThat(checkoutOf(dir, "run-b")).isDirectory();
            assertThat(aItem).as("run-a's idle item worktree").doesNotExist();
            Path repo = cache.repository(remote.toString());
            String worktrees = git(repo, "worktree", "list", "--porcelain");
            assertThat(worktrees).doesNotContain("run-a").contains("run-b").contains("run-c");
            assertThat(git(repo, "for-each-ref", "--format=%(refname)")).doesNotContain("run-a");

            // a later item of the evicted run opens it again
            Workspace again = cache.acquire(task("run-a", "y"), null);
            assertThat(again.directory().resolve("README.md")).isRegularFile();
            cache.release(again);
            assertThat(cache.runKeys()).hasSize(2).anyMatch(k -> k.endsWith("run-a"));
        }
    }

    @Test
    void aRunWithAnItemRunningIsNeverEvicted() throws Exception {
        Path dir = tmp.resolve("cache");
        try (WorkerCache cache = new WorkerCache(dir, 1)) {
            Workspace running = cache.acquire(task("run-a", "x"), null);
            cache.release(cache.acquire(task("run-b", "x"), null));

            assertThat(cache.runKeys())
                    .as("run-a has an item running: over the bound meanwhile")
                    .hasSize(2);
            assertThat(running.directory().resolve("README.md")).isRegularFile();

            cache.releaseSoon(running);
            cache.release(cache.acquire(task("run-c", "x"), null));

            assertThat(cache.runKeys())
                    .singleElement()
                    .satisfies(k -> assertThat(k).endsWith("run-c"));
            assertThat(checkoutOf(dir, "run-a")).doesNotExist();
            assertThat(checkoutOf(dir, "run-b")).doesNotExist();
        }
    }

    @Test
    void anEvictionAlsoRemovesTheCheckoutsAPreviousWorkerProcessLeft() throws Exception {
        Path dir = tmp.resolve("cache");
        try (WorkerCache before = new WorkerCache(dir, 8)) {
            before.release(before.acquire(task("run-a", "x"), null));
        }
        assertThat(checkoutOf(dir, "run-a")).isDirectory();
        // a new worker process on the same cache, with a bound of one run
        try (WorkerCache cache = new WorkerCache(dir, 1)) {
            cache.release(cache.acquire(task("run-b", "x"), null));
            cache.release(cache.acquire(task("run-c", "x"), null));

            assertThat(checkoutOf(dir, "run-a")).doesNotExist();
            assertThat(checkoutOf(dir, "run-b")).doesNotExist();
            assertThat(checkoutOf(dir, "run-c")).isDirectory();
            Path repo = cache.repository(remote.toString());
            assertThat(git(repo, "branch", "--list"))
                    .doesNotContain("base-" + checkoutOf(dir, "run-a").getFileName());
        }
    }

    @Test
    void theBoundMustBePositive() {
        assertThatThrownBy(() -> new WorkerCache(tmp.resolve("cache"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRuns");
    }

    private String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(gitEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }
}
