package io.prodigy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRepositoryTest {
    @TempDir
    Path tmp;

    @Test
    void startsOnMainWithOneCleanInitialCommit() {
        try (GitRepository repo = GitRepository.create(tmp)) {
            assertThat(repo.currentBranch()).isEqualTo(GitRepository.MAIN);
            assertThat(repo.branches()).containsExactly("main");
            assertThat(repo.countCommits("main")).isEqualTo(1);
            assertThat(repo.log("main")).singleElement().satisfies(c -> {
                assertThat(c.subject()).isEqualTo(GitRepository.INITIAL_COMMIT);
                assertThat(c.parents()).isEmpty();
            });
            assertThat(repo.isDirty()).isFalse();
            assertThat(repo.git("config", "user.email")).isEqualTo(GitRepository.USER_EMAIL);
            assertThat(repo.worktrees()).containsExactly(repo.directory().toRealPath());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void commitsFilesAndCountsCommitsBySubjectAndTrailer() {
        try (GitRepository repo = GitRepository.create(tmp)) {
            String first = repo.commit("src/a.txt", "a\n", "fix a\n\nProdigy-Item: a\nReviewed-by: someone");
            repo.commit("src/b.txt", "b\n", "fix b\n\nProdigy-Item: b");
            repo.commit("src/a.txt", "a2\n", "fix a");
            assertThat(repo.read("src/a.txt")).isEqualTo("a2\n");
            assertThat(repo.resolve("HEAD~2")).isEqualTo(first);
            assertThat(repo.countCommits("main")).isEqualTo(4);
            assertThat(repo.countCommitsWithSubject("main", "fix a")).isEqualTo(2);
            assertThat(repo.countCommitsWithTrailer("main", "Prodigy-Item", "a"))
                    .isEqualTo(1);
            assertThat(repo.countCommitsWithTrailer("main", "prodigy-item", "b"))
                    .isEqualTo(1);
            assertThat(repo.countCommitsWithTrailer("main", "Prodigy-Item", "c"))
                    .isZero();
            GitRepository.Commit oldest = repo.log("main").get(2);
            assertThat(oldest.id()).isEqualTo(first);
            assertThat(oldest.trailers()).containsExactly("Prodigy-Item: a", "Reviewed-by: someone");
            assertThat(oldest.message()).startsWith("fix a\n\n").endsWith("Reviewed-by: someone");
        }
    }

    @Test
    void logShowsMergesOfOtherBranches() {
        try (GitRepository repo = GitRepository.create(tmp)) {
            repo.git("checkout", "-q", "-b", "feature");
            repo.commit("f.txt", "f\n", "feature work");
            repo.git("checkout", "-q", "main");
            repo.commit("m.txt", "m\n", "main work");
            repo.git("merge", "-q", "--no-edit", "feature");
            assertThat(repo.log("main").get(0).isMerge()).isTrue();
            assertThat(repo.log("feature"))
                    .extracting(GitRepository.Commit::subject)
                    .containsExactly("feature work", "initial");
            assertThat(repo.branches()).containsExactly("feature", "main");
        }
    }

    @Test
    void aFailingGitCommandSaysWhatFailed() {
        try (GitRepository repo = GitRepository.create(tmp)) {
            assertThatThrownBy(() -> repo.log("no-such-branch"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("git log")
                    .hasMessageContaining("no-such-branch");
            assertThatThrownBy(() -> repo.commitAll("nothing changed"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("git commit");
            assertThat(repo.tryGit("rev-parse", "--verify", "-q", "nope").exitCode())
                    .isNotZero();
        }
    }

    @Test
    void ignoresTheUsersGlobalConfiguration() {
        try (GitRepository repo = GitRepository.create(tmp)) {
            assertThat(repo.tryGit("config", "--global", "--list").out()).isEmpty();
            assertThat(repo.environment())
                    .containsEntry("GIT_CONFIG_NOSYSTEM", "1")
                    .containsKey("GIT_CONFIG_GLOBAL");
        }
    }

    @Test
    void closeDeletesTheRepositoryAndItsScratchDirectoriesOnce() {
        GitRepository repo = GitRepository.create();
        Path dir = repo.directory();
        Path scratch = repo.scratchDirectory("home");
        repo.write("untracked.txt", "x");
        assertThat(dir.resolve(".git")).isDirectory();
        assertThat(scratch).isDirectory();
        repo.close();
        assertThat(dir).doesNotExist();
        assertThat(scratch).doesNotExist();
        repo.close();
        assertThat(Files.exists(dir.getParent())).isFalse();
    }
}
