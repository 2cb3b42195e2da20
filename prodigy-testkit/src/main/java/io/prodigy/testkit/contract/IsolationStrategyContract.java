package io.prodigy.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationException;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.ItemKey;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.testkit.GitRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link IsolationStrategy} contract, as its Javadoc states it, checked on a scratch {@link GitRepository} as the
 * project: {@code openRun} gives the run a workspace; {@code acquire} gives an item a workspace starting from the
 * run workspace's current state, for any item id, also from several threads at once, and items of different stages
 * do not share one; {@code integrate} is idempotent; {@code isIntegrated} never claims an item that was not
 * integrated; after {@code discardStale} an item whose workspace was kept starts again from a clean one; {@code release} with {@code keep} leaves the workspace on disk and never removes the run's; the
 * run ends with {@code closeRun}; and failures (a project directory that does not exist) are reported with
 * {@link IsolationException}.
 *
 * <p>Extend it and implement {@link #createStrategy(GitRepository, Path)}. A workspace with
 * {@link Workspace#versionControl() version control} gets its changes committed before it is integrated or acquired
 * from; one without gets plain files.
 *
 * <pre>{@code
 * class MyIsolationTest extends IsolationStrategyContract {
 *     @Override
 *     protected IsolationStrategy createStrategy(GitRepository project, Path home) {
 *         return new MyIsolation(home);
 *     }
 * }
 * }</pre>
 */
public abstract class IsolationStrategyContract {
    @TempDir
    private Path directory;

    private GitRepository project;
    private Path home;
    private IsolationStrategy strategy;
    private final List<Workspace> runs = new ArrayList<>();

    /** For subclasses. */
    protected IsolationStrategyContract() {}

    /**
     * @param project the scratch repository the runs work on (its {@link GitRepository#environment()} keeps the
     *                user's git configuration out)
     * @param home an empty directory for the strategy's own files, also given to runs as {@link RunContext#home()}
     * @return the strategy under test
     * @throws Exception if it cannot be created
     */
    protected abstract IsolationStrategy createStrategy(GitRepository project, Path home) throws Exception;

    /**
     * Whether an item's workspace starts from the run workspace's current state, as {@code acquire}'s Javadoc asks.
     * A strategy documented to give items empty scratch directories overrides this to return false.
     *
     * @return true by default
     */
    protected boolean itemsStartFromTheRunWorkspace() {
        return true;
    }

    /** @return the project repository of the current test */
    protected final GitRepository project() {
        return project;
    }

    @BeforeEach
    final void setUpProject() throws Exception {
        project = GitRepository.create(directory);
        home = Files.createDirectories(directory.resolve("home"));
        strategy = createStrategy(project, home);
        assertThat(strategy).as("createStrategy").isNotNull();
    }

    @AfterEach
    final void tearDown() {
        try {
            for (Workspace run : runs) {
                try {
                    strategy.closeRun(run, RunStatus.CANCELLED, MergeSteps.NONE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            project.close();
        }
    }

    /**
     * @param runId the run's id
     * @return a context of a run on the project
     */
    protected final RunContext context(String runId) {
        return new RunContext(
                runId,
                "contract-workflow",
                project.directory(),
                home.resolve("runs").resolve(runId),
                MergeSteps.NONE,
                null,
                home);
    }

    private Workspace openRun(String runId) {
        Workspace run = strategy.openRun(context(runId));
        runs.add(run);
        return run;
    }

    /** Writes a file in a workspace, committing it when the workspace has version control. */
    private static void change(Workspace ws, String file, String content) throws IOException {
        Path p = ws.directory().resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        Optional<VersionControl> vc = ws.versionControl();
        if (vc.isPresent()) {
            vc.get().commitAll("contract: write " + file);
        }
    }

    @Test
    void openRunGivesTheRunAnExistingWorkspace() {
        Workspace run = openRun("run-open");
        assertThat(run.directory()).isDirectory();
        assertThat(run.name()).isNotBlank();
    }

    @Test
    void openRunOnAMissingProjectDirectoryFailsWithIsolationException() {
        RunContext missing = new RunContext(
                "run-missing",
                "contract-workflow",
                directory.resolve("no-such-project"),
                home.resolve("runs").resolve("run-missing"),
                MergeSteps.NONE,
                null,
                home);
        assertThatThrownBy(() -> strategy.openRun(missing)).isInstanceOf(IsolationException.class);
    }

    @Test
    void acquireGivesAnExistingWorkspaceForAnyItemId() {
        Workspace run = openRun("run-ids");
        List<String> ids = List.of(
                "plain",
                "with space",
                "a/b\\c",
                "../escape",
                "*?:<>|\"",
                "ünïcødé-✓",
                "x".repeat(300),
                ".hidden",
                "-dash");
        for (String id : ids) {
            Workspace item = strategy.acquire(run, new ItemKey(0, id));
            assertThat(item.directory()).as("workspace of item '%s'", id).isDirectory();
            assertThat(item.directory().normalize().startsWith(directory.normalize())
                            || item.directory()
                                    .normalize()
                                    .startsWith(project.directory().normalize()))
                    .as("workspace of item '%s' stays inside the test's directories: %s", id, item.directory())
                    .isTrue();
            strategy.release(item, false);
        }
    }

    @Test
    void itemsStartFromTheRunWorkspacesCurrentState() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                itemsStartFromTheRunWorkspace(), "the strategy gives items empty workspaces");
        Workspace run = openRun("run-state");
        change(run, "from-run.txt", "written by the run\n");
        Workspace item = strategy.acquire(run, new ItemKey(0, "a"));
        assertThat(item.directory().resolve("from-run.txt")).hasContent("written by the run");
        strategy.release(item, false);
    }

    @Test
    void acquireAndReleaseWorkFromSeveralThreadsAtOnce() throws Exception {
        Workspace run = openRun("run-concurrent");
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Path>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String id = "item-" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    Workspace item = strategy.acquire(run, new ItemKey(0, id));
                    Path dir = item.directory();
                    assertThat(dir).isDirectory();
                    change(item, "work-" + id + ".txt", id + "\n");
                    strategy.release(item, true);
                    return dir;
                }));
            }
            start.countDown();
            List<Path> dirs = new ArrayList<>();
            for (Future<Path> f : done) {
                dirs.add(f.get(120, TimeUnit.SECONDS));
            }
            for (int t = 0; t < threads; t++) {
                assertThat(dirs.get(t).resolve("work-item-" + t + ".txt"))
                        .as("kept workspace of item-%d", t)
                        .hasContent("item-" + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void itemsOfDifferentStagesWithTheSameIdDoNotShareAWorkspace() {
        Workspace run = openRun("run-stages");
        Workspace first = strategy.acquire(run, new ItemKey(0, "same"));
        Workspace second = strategy.acquire(run, new ItemKey(1, "same"));
        boolean ownWorkspaces = !first.directory().equals(run.directory())
                || !second.directory().equals(run.directory());
        if (ownWorkspaces) {
            assertThat(first.directory()).isNotEqualTo(second.directory());
        }
        strategy.release(first, true);
        strategy.release(second, true);
        assertThat(first.directory()).isDirectory();
        assertThat(second.directory()).isDirectory();
    }

    @Test
    void integrateIsIdempotent() throws Exception {
        Workspace run = openRun("run-integrate");
        Workspace item = strategy.acquire(run, new ItemKey(0, "a"));
        change(item, "item-a.txt", "work of a\n");
        IntegrationResult first = strategy.integrate(run, item);
        assertThat(first).isNotInstanceOf(IntegrationResult.Conflict.class);
        if (first instanceof IntegrationResult.Integrated) {
            assertThat(run.directory().resolve("item-a.txt")).hasContent("work of a");
        }
        assertThat(strategy.integrate(run, item))
                .as("integrating the same work again")
                .isInstanceOf(IntegrationResult.NothingToIntegrate.class);
        strategy.release(item, false);
    }

    @Test
    void isIntegratedNeverClaimsAnItemThatWasNotIntegrated() throws Exception {
        Workspace run = openRun("run-not-integrated");
        Workspace item = strategy.acquire(run, new ItemKey(0, "pending"));
        change(item, "pending.txt", "not integrated\n");
        assertThat(strategy.isIntegrated(run, new ItemKey(0, "pending"))).isFalse();
        assertThat(strategy.isIntegrated(run, new ItemKey(0, "never-acquired"))).isFalse();
        strategy.release(item, true);
    }

    @Test
    void afterDiscardStaleAKeptItemStartsAgainFromACleanWorkspace() throws Exception {
        Workspace run = openRun("run-stale");
        ItemKey key = new ItemKey(0, "interrupted");
        Workspace first = strategy.acquire(run, key);
        org.junit.jupiter.api.Assumptions.assumeFalse(
                first.directory().equals(run.directory()), "items work in the run's workspace itself");
        change(first, "half-done.txt", "left by an earlier attempt\n");
        strategy.release(first, true);
        strategy.discardStale(run, key);
        Workspace again = strategy.acquire(run, key);
        assertThat(again.directory()).isDirectory();
        assertThat(again.directory().resolve("half-done.txt")).doesNotExist();
        strategy.release(again, false);
    }

    @Test
    void releaseWithKeepLeavesTheWorkspaceOnDisk() throws Exception {
        Workspace run = openRun("run-keep");
        Workspace item = strategy.acquire(run, new ItemKey(0, "failed"));
        change(item, "debug.txt", "look here\n");
        strategy.release(item, true);
        assertThat(item.directory().resolve("debug.txt")).hasContent("look here");
    }

    @Test
    void releaseNeverRemovesTheRunsWorkspace() throws Exception {
        Workspace run = openRun("run-release");
        change(run, "run-file.txt", "the run's\n");
        Workspace item = strategy.acquire(run, new ItemKey(0, "done"));
        strategy.release(item, false);
        assertThat(run.directory().resolve("run-file.txt")).hasContent("the run's");
    }

    @Test
    void aRunWithIntegratedWorkCloses() throws Exception {
        Workspace run = strategy.openRun(context("run-close"));
        Workspace item = strategy.acquire(run, new ItemKey(0, "a"));
        change(item, "closed-a.txt", "work of a\n");
        assertThat(strategy.integrate(run, item)).isNotInstanceOf(IntegrationResult.Conflict.class);
        strategy.release(item, false);
        strategy.closeRun(run, RunStatus.SUCCEEDED, MergeSteps.NONE);
        assertThat(project.directory()).isDirectory();
    }
}
