package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 of the run's process can leave git lock files in the run's worktree and in its items' worktrees (pooled
 * slots, per-item worktrees); resume removes those and only those (found by the crash harness: an item whose
 * pooled slot kept {@code index.lock} failed on resume).
 */
class StaleLocksTest {
    @TempDir
    Path tmp;

    private final GitCli git = new GitCli("git", Map.of(), Duration.ofMinutes(1));

    @Test
    void resumeRemovesTheLocksOfTheRunsWorktreesAndBranchesOnly() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        git.output(repo, "init", "-q", "-b", "main");
        git.output(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "initial");
        Path base = Files.createDirectories(tmp.resolve("trees"));
        Path runTree = base.resolve("run-x");
        Path slot = base.resolve("run-x.pool").resolve("slot-0");
        Path item = base.resolve("run-x.items").resolve("item_2");
        Path other = base.resolve("run-y.pool").resolve("slot-0");
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy-run-x", runTree.toString());
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy/run-x/item_1", slot.toString());
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy/run-x/item_2", item.toString());
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy/run-y/item_1", other.toString());
        List<Path> ours = List.of(
                lock(runTree, "index.lock"),
                lock(runTree, "HEAD.lock"),
                lock(slot, "index.lock"),
                lock(slot, "HEAD.lock"),
                lock(item, "ORIG_HEAD.lock"),
                Files.writeString(repo.resolve(".git/refs/heads/prodigy-run-x.lock"), ""),
                Files.writeString(repo.resolve(".git/refs/heads/prodigy/run-x/item_1.lock"), ""));
        List<Path> theirs = List.of(
                lock(other, "index.lock"),
                Files.writeString(repo.resolve(".git/refs/heads/prodigy/run-y/item_1.lock"), ""),
                Files.writeString(repo.resolve(".git/index.lock"), ""));

        RunWorktree.clearStaleLocks(git, runTree, "run-x", "prodigy-run-x", "run-x");

        assertThat(ours).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(theirs).allSatisfy(p -> assertThat(p).exists());
    }

    @Test
    void inTheDedicatedModeTheItemWorktreesAreFoundByTheRunKeyNotTheWorktreesName() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        git.output(repo, "init", "-q", "-b", "main");
        git.output(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "initial");
        Path base = Files.createDirectories(tmp.resolve("trees"));
        Path runTree = base.resolve("nightly.dedicated");
        Path item = base.resolve("run-x.items").resolve("item_2");
        Path slot = base.resolve("run-x.pool").resolve("slot-0");
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy-nightly", runTree.toString());
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy/run-x/item_2", item.toString());
        git.output(repo, "worktree", "add", "-q", "-b", "prodigy/run-x/item_3", slot.toString());
        List<Path> ours = List.of(
                lock(runTree, "index.lock"),
                lock(item, "index.lock"),
                lock(slot, "HEAD.lock"),
                Files.writeString(repo.resolve(".git/refs/heads/prodigy-nightly.lock"), ""),
                Files.writeString(repo.resolve(".git/refs/heads/prodigy/run-x/item_2.lock"), ""));

        RunWorktree.clearStaleLocks(git, runTree, "run-x", "prodigy-nightly", "run-x");

        assertThat(ours).allSatisfy(p -> assertThat(p).doesNotExist());
    }

    @Test
    void aPackedRefsLockThatStaysIsRemovedOneThatGoesAwayOrChangesIsLeft() throws Exception {
        Path common = Files.createDirectories(tmp.resolve("common"));
        Path lock = Files.writeString(common.resolve("packed-refs.lock"), "");

        RunWorktree.clearStalePackedRefsLock(common, "run-x", Duration.ofMillis(300));

        assertThat(lock).as("a lock nobody holds any more").doesNotExist();

        Files.writeString(lock, "");
        java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(lock);
        Thread retaker = new Thread(() -> {
            try {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
                Files.delete(lock);
                Files.writeString(lock, "a live git's");
                Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 5000));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        retaker.start();
        RunWorktree.clearStalePackedRefsLock(common, "run-x", Duration.ofMillis(600));
        retaker.join();

        assertThat(lock).as("a lock a live git took again meanwhile").exists();
    }

    private Path lock(Path worktree, String name) throws Exception {
        Path gitDir = Path.of(git.output(worktree, "rev-parse", "--absolute-git-dir"));
        return Files.writeString(gitDir.resolve(name), "");
    }
}
