package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pooled worktree reused by the next item: nothing of the previous item is left (tracked edits, staged changes,
 * untracked files, ignored files, hooks' output; a stash entry stays in the repository's shared stash but is not
 * applied), the warm build directories survive whole, and a slot whose reset fails is replaced rather than handed
 * out dirty.
 */
class WarmPoolTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo(
                "project",
                Map.of(
                        "a.txt",
                        "one\n",
                        "src/b.txt",
                        "b\n",
                        "c.txt",
                        "c\n",
                        ".gitignore",
                        "target/\nnode_modules/\n*.log\n.env\ndist/\n"));
    }

    private static void write(Path dir, String file, String content) {
        GitFixture.write(dir, file, content);
    }

    @Test
    void theNextItemGetsACleanTreeButTheWarmDirectoriesSurvive() throws IOException {
        WorktreeIsolation iso = fx.isolation().mode(WorktreeMode.pooled(1)).build();
        Workspace run = iso.openRun(fx.context("r1", repo));

        Workspace first = iso.acquire(run, "first");
        Path slot = first.directory();
        fx.commit(slot, "committed.txt", "kept by the merge\n", "first item");
        write(slot, "a.txt", "edited but not committed\n");
        write(slot, "src/b.txt", "staged\n");
        fx.git(slot, "add", "src/b.txt");
        write(slot, "staged-new.txt", "added to the index, never committed\n");
        fx.git(slot, "add", "staged-new.txt");
        write(slot, "c.txt", "stashed edit\n");
        fx.git(slot, "stash", "push", "-q", "-m", "first item's stash", "--", "c.txt");
        write(slot, "untracked.txt", "left behind\n");
        write(slot, "hook-output/report.txt", "a hook wrote this\n");
        write(slot, "run.log", "ignored log\n");
        write(slot, ".env", "SECRET=1\n");
        write(slot, "target/classes/A.class", "compiled\n");
        write(slot, "sub/target/B.class", "compiled in a sub-project\n");
        write(slot, "node_modules/lib/index.js", "installed\n");
        // ignored by the project's own rules inside a warm directory: a warm directory is kept whole
        write(slot, "node_modules/pkg/dist/index.js", "a package's build\n");
        write(slot, "target/surefire/run.log", "a log of the build\n");
        write(slot, "dist/app.js", "ignored, not warm\n");
        assertThat(iso.integrate(run, first)).isInstanceOf(IntegrationResult.Integrated.class);
        iso.release(first, false);

        Workspace second = iso.acquire(run, "second");
        Path dir = second.directory();
        assertThat(dir).as("the same slot is reused").isEqualTo(slot);
        assertThat(fx.git(dir, "symbolic-ref", "--short", "HEAD")).endsWith("/second");
        assertThat(fx.git(dir, "status", "--porcelain", "--untracked-files=all"))
                .isEmpty();
        assertThat(fx.git(dir, "diff", "--cached", "--name-only")).isEmpty();
        assertThat(GitFixture.read(dir, "a.txt")).isEqualTo("one\n");
        assertThat(GitFixture.read(dir, "src/b.txt")).isEqualTo("b\n");
        assertThat(GitFixture.read(dir, "c.txt"))
                .as("the stashed change is not applied")
                .isEqualTo("c\n");
        assertThat(dir.resolve("staged-new.txt")).as("a staged new file").doesNotExist();
        assertThat(dir.resolve("dist")).doesNotExist();
        assertThat(GitFixture.read(dir, "committed.txt"))
                .as("the run's head, with the first item merged")
                .isEqualTo("kept by the merge\n");
        assertThat(dir.resolve("untracked.txt")).doesNotExist();
        assertThat(dir.resolve("hook-output")).doesNotExist();
        assertThat(dir.resolve("run.log")).doesNotExist();
        assertThat(dir.resolve(".env"))
                .as("an ignored file that is no warm directory")
                .doesNotExist();
        assertThat(Files.readString(dir.resolve("target/classes/A.class"))).isEqualTo("compiled\n");
        assertThat(Files.readString(dir.resolve("sub/target/B.class"))).isEqualTo("compiled in a sub-project\n");
        assertThat(Files.readString(dir.resolve("node_modules/lib/index.js"))).isEqualTo("installed\n");
        assertThat(dir.resolve("node_modules/pkg/dist/index.js")).exists();
        assertThat(dir.resolve("target/surefire/run.log")).exists();
        // git keeps one stash per repository, shared by all its worktrees (the user's too): the entry is neither
        // applied nor dropped, and stays visible to every later item and to the user
        assertThat(fx.git(dir, "stash", "list")).contains("first item's stash");
        assertThat(fx.git(repo, "stash", "list")).contains("first item's stash");
        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);
    }

    @Test
    void coldDirectoriesOptANameOrOnePathOutOfTheWarmList() {
        WorktreeIsolation iso = fx.isolation()
                .mode(WorktreeMode.pooled(1))
                .coldDirectories(List.of("node_modules/", "gen/target"))
                .build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "first");
        Path slot = first.directory();
        write(slot, "node_modules/x.js", "installed\n");
        write(slot, "target/A.class", "compiled\n");
        write(slot, "lib/target/B.class", "compiled\n");
        write(slot, "gen/target/C.class", "generated, opted out\n");
        iso.release(first, false);

        Workspace second = iso.acquire(run, "second");
        Path dir = second.directory();
        assertThat(dir).isEqualTo(slot);
        assertThat(dir.resolve("node_modules")).as("a cold name, at any depth").doesNotExist();
        assertThat(dir.resolve("gen/target")).as("a cold path").doesNotExist();
        assertThat(dir.resolve("target/A.class"))
                .as("the name stays warm elsewhere")
                .exists();
        assertThat(dir.resolve("lib/target/B.class")).exists();
        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThatThrownBy(() -> WorktreeIsolation.builder().coldDirectories(List.of("/abs")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cold directory");
    }

    @Test
    void byDefaultARunReusesWarmWorktreesAndItemsSeeOnlyTheWarmDirectoriesOfEarlierOnes() throws IOException {
        // a git hook (shared by every worktree of the repository) that leaves its output in the worktree
        Path hook = repo.resolve(".git/hooks/post-commit");
        Files.createDirectories(hook.getParent());
        Path hookRuns = tmp.resolve("hook-runs");
        Files.writeString(hook, "#!/bin/sh\ngit rev-parse HEAD > hook-out.txt\necho ran >> '" + hookRuns + "'\n");
        assertThat(hook.toFile().setExecutable(true)).isTrue();
        // one item at a time, so every item after the first gets the first one's worktree
        String probe = "{ [ -e target/cache ] && echo warm || echo cold; [ -e .env ] && echo env-leaked || echo no-env;"
                + " [ -e scratch.txt ] && echo scratch-leaked || echo no-scratch;"
                + " [ -e hook-out.txt ] && echo hook-leaked || echo no-hook; } > seen-${item.n}.txt"
                + " && mkdir -p target && touch target/cache .env scratch.txt"
                + " && git add seen-${item.n}.txt && git commit -q -m item-${item.n}";
        RunResult r = fx.engine(repo)
                .isolation(fx.isolation().build())
                .build()
                .run(fx.mapOver(
                        "warm",
                        MapPhase.builder()
                                .input(WorkInput.values(List.of(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2))))
                                .maxParallel(1)
                                .agentTemplate(Step.shell(probe))));

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "seen-0.txt")).isEqualTo("cold\nno-env\nno-scratch\nno-hook\n");
        assertThat(GitFixture.read(repo, "seen-1.txt")).isEqualTo("warm\nno-env\nno-scratch\nno-hook\n");
        assertThat(GitFixture.read(repo, "seen-2.txt")).isEqualTo("warm\nno-env\nno-scratch\nno-hook\n");
        assertThat(Files.readAllLines(hookRuns))
                .as("the hook ran for every item's commit")
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(fx.worktrees(repo))
                .as("the reused worktree is removed at the end")
                .containsExactly(repo.toString());
    }

    @Test
    void anUntrackedDirectoryNamedLikeAWarmOneButNotIgnoredIsRemoved() {
        Path plain = fx.repo("plain", Map.of("a.txt", "one\n"));
        WorktreeIsolation iso = fx.isolation().mode(WorktreeMode.pooled(1)).build();
        Workspace run = iso.openRun(fx.context("r1", plain));
        Workspace first = iso.acquire(run, "first");
        write(first.directory(), "target/out.txt", "not ignored here\n");
        iso.release(first, false);

        Workspace second = iso.acquire(run, "second");
        assertThat(second.directory().resolve("target"))
                .as("the next item's git add -A would commit it")
                .doesNotExist();
        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);
    }

    @Test
    void warmDirectoriesAreConfigurableAndCanBeTurnedOff() {
        WorktreeIsolation iso = fx.isolation()
                .mode(WorktreeMode.pooled(1))
                .warmDirectories(List.of("node_modules"))
                .build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "first");
        write(first.directory(), "target/A.class", "compiled\n");
        write(first.directory(), "node_modules/x.js", "installed\n");
        iso.release(first, false);
        Workspace second = iso.acquire(run, "second");
        assertThat(second.directory().resolve("target")).as("opted out").doesNotExist();
        assertThat(second.directory().resolve("node_modules/x.js")).exists();
        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);

        WorktreeIsolation cold = fx.isolation()
                .mode(WorktreeMode.pooled(1))
                .warmDirectories(List.of())
                .build();
        Workspace run2 = cold.openRun(fx.context("r2", repo));
        Workspace a = cold.acquire(run2, "a");
        write(a.directory(), "node_modules/x.js", "installed\n");
        cold.release(a, false);
        Workspace b = cold.acquire(run2, "b");
        assertThat(b.directory().resolve("node_modules")).doesNotExist();
        cold.release(b, false);
        cold.closeRun(run2, RunStatus.SUCCEEDED);
    }

    @Test
    void badWarmDirectoryNamesAreRejected() {
        for (String bad : List.of("", " ", "a/b", "*.o", ".git", "..", "x\ny")) {
            assertThatThrownBy(() -> WorktreeIsolation.builder().warmDirectories(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain directory");
        }
    }

    @Test
    void aSlotThatCannotBeCleanedIsReplacedNotReusedDirty() throws IOException {
        // a git that fails "git clean" while the marker exists, as a full disk or a stuck file would
        Path marker = tmp.resolve("fail-clean");
        Path wrapper = tmp.resolve("git-wrapper.sh");
        Files.writeString(
                wrapper,
                "#!/bin/sh\nfor a in \"$@\"; do\n  if [ \"$a\" = clean ] && [ -e '" + marker
                        + "' ]; then echo 'forced clean failure' >&2; exit 1; fi\ndone\nexec git \"$@\"\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        WorktreeIsolation iso = fx.isolation()
                .mode(WorktreeMode.pooled(1))
                .gitExecutable(wrapper.toString())
                .build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "first");
        Path slot = first.directory();
        write(slot, "leftover.txt", "from the first item\n");
        write(slot, "target/A.class", "compiled\n");
        iso.release(first, false);

        Files.writeString(marker, "");
        Workspace second = iso.acquire(run, "second");
        assertThat(second.directory().resolve("leftover.txt")).doesNotExist();
        assertThat(second.directory().resolve("target"))
                .as("a replaced slot starts cold")
                .doesNotExist();
        assertThat(fx.git(second.directory(), "status", "--porcelain", "--untracked-files=all"))
                .isEmpty();
        assertThat(fx.git(second.directory(), "symbolic-ref", "--short", "HEAD"))
                .endsWith("/second");
        Files.delete(marker);
        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.worktrees(repo)).hasSize(1);
    }
}
