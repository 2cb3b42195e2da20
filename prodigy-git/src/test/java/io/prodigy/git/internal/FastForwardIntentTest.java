package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a resume does with what a killed fast-forward of the user's branch left in the user's checkout: only the
 * locks the move made and no live git can own are removed, and only the files that hold exactly what the move
 * writes are staged.
 */
class FastForwardIntentTest {
    @TempDir
    Path tmp;

    private final GitCli git = new GitCli("git", Map.of(), Duration.ofMinutes(1));
    private Path repo;
    private String from;
    private String to;

    @BeforeEach
    void repository() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        git.output(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("a.txt"), "a\n");
        Files.writeString(repo.resolve("b.txt"), "b\n");
        Files.writeString(repo.resolve("gone.txt"), "gone\n");
        commit("initial");
        from = git.output(repo, "rev-parse", "HEAD");
        git.output(repo, "checkout", "-q", "-b", "run");
        Files.writeString(repo.resolve("a.txt"), "a from the run\n");
        Files.writeString(repo.resolve("b.txt"), "b from the run\n");
        Files.writeString(repo.resolve("new.txt"), "new\n");
        Files.delete(repo.resolve("gone.txt"));
        commit("the run's work");
        to = git.output(repo, "rev-parse", "HEAD");
        git.output(repo, "checkout", "-q", "main");
    }

    private void commit(String message) {
        git.output(repo, "add", "-A");
        git.output(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message);
    }

    private FastForwardIntent intent(Instant started) {
        Path gitDir = repo.resolve(".git");
        return new FastForwardIntent(repo, gitDir, gitDir, "refs/heads/main", from, to, started);
    }

    @Test
    void theRecordSurvivesAWriteAndARead() {
        Path home = tmp.resolve("home");
        FastForwardIntent written = intent(Instant.parse("2026-12-06T20:00:00Z"));
        written.write(home, "run-x");

        assertThat(FastForwardIntent.read(home, "run-x")).contains(written);
        FastForwardIntent.delete(home, "run-x");
        assertThat(FastForwardIntent.read(home, "run-x")).isEmpty();
    }

    @Test
    void theMovesLocksAreRemovedAndTheFilesItWroteStagedSoThatTheMoveFinishes() throws Exception {
        FastForwardIntent left = intent(Instant.now().minusSeconds(1));
        Path origHead = Files.writeString(repo.resolve(".git/ORIG_HEAD.lock"), "");
        Path index = Files.writeString(repo.resolve(".git/index.lock"), "");
        Path ref = Files.writeString(repo.resolve(".git/refs/heads/main.lock"), "");
        // the killed move wrote a.txt and new.txt and removed gone.txt; the user had edited b.txt
        Files.writeString(repo.resolve("a.txt"), "a from the run\n");
        Files.writeString(repo.resolve("new.txt"), "new\n");
        Files.delete(repo.resolve("gone.txt"));
        Files.writeString(repo.resolve("b.txt"), "the user's own edit\n");

        assertThat(left.clearLocks("run-x", Duration.ofMillis(100))).containsExactlyInAnyOrder(origHead, index, ref);
        assertThat(left.stageWrittenFiles(git, "run-x")).containsExactlyInAnyOrder("a.txt", "new.txt", "gone.txt");

        // b.txt is the user's: the move still refuses, and says why
        GitCli.Result refused = git.run(repo, List.of("merge", "--ff-only", "--quiet", to));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.message()).contains("b.txt");
        Files.writeString(repo.resolve("b.txt"), "b\n");
        assertThat(git.run(repo, List.of("merge", "--ff-only", "--quiet", to)).ok())
                .isTrue();
        assertThat(git.output(repo, "rev-parse", "HEAD")).isEqualTo(to);
        assertThat(git.output(repo, "status", "--porcelain")).isEmpty();
    }

    @Test
    void aLockFromBeforeTheMoveIsNotTheMovesAndStays() throws Exception {
        Path index = Files.writeString(repo.resolve(".git/index.lock"), "");
        Files.setLastModifiedTime(index, FileTime.from(Instant.now().minusSeconds(60)));

        assertThat(intent(Instant.now()).clearLocks("run-x", Duration.ofMillis(100)))
                .isEmpty();
        assertThat(index).exists();
    }

    @Test
    void filesThatDifferFromTheMovesAreNotStaged() throws Exception {
        Files.writeString(repo.resolve("a.txt"), "something else\n");
        Files.writeString(repo.resolve("new.txt"), "not the run's\n");

        assertThat(intent(Instant.now()).stageWrittenFiles(git, "run-x")).isEmpty();
        assertThat(git.output(repo, "diff", "--cached", "--name-only")).isEmpty();
    }

    @Test
    void nothingIsStagedOnceTheBranchMovedOn() throws Exception {
        Files.writeString(repo.resolve("a.txt"), "a from the run\n");
        Files.writeString(repo.resolve("c.txt"), "c\n");
        commit("the user went on");

        Files.writeString(repo.resolve("new.txt"), "new\n");
        assertThat(intent(Instant.now()).stageWrittenFiles(git, "run-x")).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aLockOfALiveGitInTheCheckoutStays() throws Exception {
        Files.writeString(repo.resolve("a.txt"), "edited\n");
        // a commit -a whose editor is open holds index.lock for as long as the editor runs (this one reads its stdin)
        ProcessBuilder pb = new ProcessBuilder("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-a", "-q")
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GIT_EDITOR", "read line <&0; true");
        Process commit = pb.start();
        try {
            assertThat(FastForwardIntent.gitWorkingIn(repo)).isPresent();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(repo.resolve(".git/index.lock")) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000L);
            }
            assertThat(repo.resolve(".git/index.lock")).exists();

            assertThat(intent(Instant.now().minusSeconds(5)).clearLocks("run-x", Duration.ofMillis(100)))
                    .isEmpty();
            assertThat(repo.resolve(".git/index.lock")).exists();
            assertThat(FastForwardIntent.gitWorkingIn(repo)).contains(true);
        } finally {
            commit.destroyForcibly().waitFor();
            commit.getOutputStream().close(); // the editor's stdin: it ends
        }
        assertThat(FastForwardIntent.gitWorkingIn(repo)).contains(false);
    }
}
