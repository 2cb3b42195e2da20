package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationException;
import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release and reset of a reused worktree slot meeting another worktree's half-made {@code .git/worktrees/<name>/}
 * entry (a {@code git worktree add} running beside them): git 2.39 then fails with {@code failed to read
 * .git/worktrees/<name>/commondir: Success}. A git wrapper fails the chosen commands that way: once, and the release
 * and the reset go through; for good, and the slot is discarded rather than handed out again.
 */
class HalfMadeWorktreeEntryTest {
    private static final String HALF_MADE = "failed to read .git/worktrees/slot-9/commondir: Success";

    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;
    Path git;

    @BeforeEach
    void setUp() throws IOException {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\n", ".gitignore", "target/\n"));
        git = wrapper();
    }

    @Test
    void aReleaseAndAResetThatMeetAHalfMadeEntryOnceGoThrough() throws IOException {
        WorktreeIsolation iso = fx.isolation().gitExecutable(git.toString()).build(); // WorktreeMode.reuse()
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "first");
        Path slot = first.directory();
        String firstBranch = first.branchName().orElseThrow();
        fx.commit(slot, "first.txt", "first\n", "first item");
        GitFixture.write(slot, "untracked.txt", "left behind\n");
        assertThat(iso.integrate(run, first)).isInstanceOf(IntegrationResult.Integrated.class);

        failNext("status", 1);
        failNext("update-ref", 1);
        iso.release(first, false);
        assertThat(calls("status"))
                .as("git status (what the item left), once failed and once run again")
                .isEqualTo(2);
        assertThat(calls("update-ref"))
                .as("git update-ref --stdin (detach and delete the branch), once failed and once run again")
                .isEqualTo(2);
        assertThat(calls("branch")).as("no git branch -D").isZero();
        assertThat(fx.git(repo, "for-each-ref", "refs/heads/" + firstBranch))
                .as("the item's branch is gone")
                .isEmpty();

        failNext("checkout", 1);
        failNext("clean", 1);
        Workspace second = iso.acquire(run, "second");
        assertThat(second.directory()).as("the slot is reused").isEqualTo(slot);
        assertThat(calls("checkout")).isEqualTo(2);
        assertThat(calls("clean"))
                .as("the release removed what the item left: no git clean")
                .isZero();
        assertThat(fx.git(slot, "symbolic-ref", "--short", "HEAD")).endsWith("/second");
        assertThat(fx.git(slot, "status", "--porcelain", "--untracked-files=all"))
                .isEmpty();
        assertThat(slot.resolve("untracked.txt")).doesNotExist();

        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
    }

    @Test
    void aSlotWhoseReleaseKeepsFailingIsDiscardedNotReused() throws IOException {
        WorktreeIsolation iso = fx.isolation().gitExecutable(git.toString()).build();
        Workspace run = iso.openRun(fx.context("r1", repo));
        Workspace first = iso.acquire(run, "first");
        Path slot = first.directory();
        fx.commit(slot, "first.txt", "first\n", "first item");
        GitFixture.write(slot, "untracked.txt", "left behind\n");
        assertThat(iso.integrate(run, first)).isInstanceOf(IntegrationResult.Integrated.class);

        failNext("update-ref", 99);
        failNext("branch", 99);
        assertThatThrownBy(() -> iso.release(first, false))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("commondir");
        assertThat(calls("branch")).as("tried a bounded number of times").isEqualTo(5);
        assertThat(slot).as("the slot is removed").doesNotExist();
        assertThat(fx.worktrees(repo)).as("and forgotten by git").doesNotContain(slot.toString());
        failNext("branch", 0);
        failNext("update-ref", 0);

        Workspace second = iso.acquire(run, "second");
        assertThat(second.directory())
                .as("a fresh slot, not the one whose release failed")
                .isNotEqualTo(slot);
        assertThat(second.directory().resolve("untracked.txt")).doesNotExist();
        assertThat(fx.git(second.directory(), "status", "--porcelain", "--untracked-files=all"))
                .isEmpty();
        assertThat(GitFixture.read(second.directory(), "first.txt")).isEqualTo("first\n");
        iso.release(second, false);
        iso.closeRun(run, RunStatus.SUCCEEDED);
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
        assertThat(fx.git(repo, "for-each-ref", "refs/heads/prodigy/"))
                .as("the sweep deletes the branch left")
                .isEmpty();
    }

    /** Makes the next {@code count} calls of a git subcommand fail as git 2.39 does on a half-made entry. */
    private void failNext(String subcommand, int count) throws IOException {
        Files.deleteIfExists(tmp.resolve("calls-" + subcommand));
        Files.writeString(tmp.resolve("failures-" + subcommand), count + "\n");
    }

    private int calls(String subcommand) throws IOException {
        Path counter = tmp.resolve("calls-" + subcommand);
        return Files.exists(counter)
                ? Integer.parseInt(Files.readString(counter).strip())
                : 0;
    }

    /** A git that fails a subcommand while its failures file allows, counting its calls; the rest is real git. */
    private Path wrapper() throws IOException {
        Path script = tmp.resolve("git-half-made");
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "sub=\n"
                        + "for a in \"$@\"; do case \"$a\" in branch|checkout|clean|status|update-ref) sub=$a; break;; esac; done\n"
                        + "if [ -n \"$sub\" ]; then\n"
                        + "  c='" + tmp
                        + "/calls-'$sub; n=$(cat \"$c\" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \"$c\"\n"
                        + "  f=$(cat '" + tmp + "/failures-'$sub 2>/dev/null || echo 0)\n"
                        + "  if [ $n -le $f ]; then echo 'fatal: " + HALF_MADE + "' >&2; exit 128; fi\n"
                        + "fi\n"
                        + "exec git \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
