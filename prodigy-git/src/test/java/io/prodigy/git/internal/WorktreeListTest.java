package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code git worktree list} running beside a {@code git worktree add} (another item's workspace being made) can read
 * the half-written {@code .git/worktrees/<name>/} entry and fail; the list is tried again, other failures are not.
 */
class WorktreeListTest {
    @TempDir
    Path tmp;

    @Test
    void aListThatMetAHalfMadeWorktreeEntryIsTriedAgain() throws Exception {
        Path repo = repository();
        // a git that fails its first 'worktree list' as git 2.39 does when it meets a half-made entry
        Path git = wrapper("failed to read .git/worktrees/item_0/commondir: Success", 1);

        List<Repository.WorktreeEntry> entries = Repository.listWorktrees(cli(git), repo);

        assertThat(entries).extracting(e -> e.path().toRealPath()).containsExactly(repo.toRealPath());
        assertThat(Files.readString(tmp.resolve("lists")).strip())
                .as("list attempts")
                .isEqualTo("2");
    }

    @Test
    void otherFailuresAndOnesThatStayAreReported() throws Exception {
        Path repo = repository();
        assertThatThrownBy(() -> Repository.listWorktrees(cli(wrapper("not a git repository", 1)), repo))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("not a git repository");
        assertThat(Files.readString(tmp.resolve("lists")).strip()).isEqualTo("1");
        Files.delete(tmp.resolve("lists"));
        assertThatThrownBy(() -> Repository.listWorktrees(
                        cli(wrapper("failed to read .git/worktrees/x/commondir: Success", 99)), repo))
                .isInstanceOf(IsolationException.class)
                .hasMessageContaining("commondir");
        assertThat(Files.readString(tmp.resolve("lists")).strip())
                .as("tried a bounded number of times")
                .isEqualTo("5");
    }

    @Test
    void theErrorOfARealHalfMadeEntryIsRecognisedAndNoOther() throws Exception {
        Path repo = repository();
        GitCli real = new GitCli("git", Map.of(), Duration.ofMinutes(1));
        real.output(repo, "commit", "-q", "--allow-empty", "-m", "initial");
        real.output(repo, "branch", "doomed");
        // what git worktree add has written of an entry when it has created commondir but not yet filled it
        Path entry = Files.createDirectories(repo.resolve(".git/worktrees/slot-2"));
        Files.writeString(entry.resolve("gitdir"), tmp.resolve("slot-2/.git") + "\n");
        Files.writeString(entry.resolve("commondir"), "");

        GitCli.Result r = real.run(repo, List.of("branch", "-D", "doomed"));

        assertThat(r.ok()).isFalse();
        assertThat(GitCli.metHalfMadeWorktreeEntry(r.stderr())).as(r.stderr()).isTrue();
        assertThat(GitCli.metHalfMadeWorktreeEntry(
                        "fatal: failed to read '/r/.git/worktrees/x/locked': " + "No such file or directory"))
                .isTrue();
        assertThat(GitCli.metHalfMadeWorktreeEntry(
                        "fatal: not a git repository (or any of the parent " + "directories): .git"))
                .isFalse();
        assertThat(GitCli.metHalfMadeWorktreeEntry("error: could not read /home/u/.prodigy/worktrees/repo/notes"))
                .as("a file under PRODIGY_HOME/worktrees is no git entry")
                .isFalse();
        assertThat(GitCli.metHalfMadeWorktreeEntry("fatal: a branch named 'x' already exists"))
                .isFalse();
    }

    @Test
    void aWorktreeAddOnANewBranchIsRunAgainWithTheBranchItMadeAlready() {
        assertThat(GitCli.retryArgs(List.of("worktree", "add", "--quiet", "-b", "prodigy/r/-b", "/p", "abc")))
                .containsExactly("worktree", "add", "--quiet", "-B", "prodigy/r/-b", "/p", "abc");
        assertThat(GitCli.retryArgs(List.of("branch", "-D", "-b"))).containsExactly("branch", "-D", "-b");
    }

    private Path repository() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        new GitCli("git", Map.of(), Duration.ofMinutes(1)).output(repo, "init", "-q", "-b", "main");
        return repo;
    }

    private GitCli cli(Path git) {
        return new GitCli(git.toString(), Map.of(), Duration.ofMinutes(1));
    }

    /** A git that fails its first {@code failures} 'worktree list' calls with {@code message}, counting them. */
    private Path wrapper(String message, int failures) throws Exception {
        Path counter = tmp.resolve("lists");
        Path script = tmp.resolve("git-" + failures + "-" + Math.abs(message.hashCode()));
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "case \" $* \" in *\" worktree list \"*)\n"
                        + "  n=$(cat '" + counter + "' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '" + counter
                        + "'\n"
                        + "  if [ $n -le " + failures + " ]; then echo 'fatal: " + message + "' >&2; exit 128; fi;;\n"
                        + "esac\n"
                        + "exec git \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
