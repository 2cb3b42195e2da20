package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branch tips and HEADs read from git's files agree with {@code git rev-parse}, loose, packed or detached. */
class RefFilesTest {
    @TempDir
    Path tmp;

    GitCli git;
    Path repo;

    @BeforeEach
    void setUp() throws IOException {
        git = new GitCli(
                "git",
                Map.of(
                        "GIT_CONFIG_NOSYSTEM",
                        "1",
                        "HOME",
                        tmp.toString(),
                        "GIT_AUTHOR_NAME",
                        "t",
                        "GIT_AUTHOR_EMAIL",
                        "t@example.invalid",
                        "GIT_COMMITTER_NAME",
                        "t",
                        "GIT_COMMITTER_EMAIL",
                        "t@example.invalid"),
                Duration.ofSeconds(30));
        repo = Files.createDirectories(tmp.resolve("repo"));
        git.output(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("a.txt"), "a\n");
        git.output(repo, "add", "-A");
        git.output(repo, "commit", "-q", "-m", "one");
        git.output(repo, "branch", "prodigy/run/item_0");
    }

    private String revParse(String rev) {
        return git.output(repo, "rev-parse", "--verify", rev);
    }

    @Test
    void looseAndPackedBranchesAndMissingOnesAreAnsweredWithoutGit() throws IOException {
        RefFiles refs = new RefFiles(repo.resolve(".git"));
        assertThat(refs.branchTip("main")).isEqualTo(new RefFiles.Answer(revParse("main"), true));
        assertThat(refs.branchTip("prodigy/run/item_0").commit()).isEqualTo(revParse("main"));
        assertThat(refs.branchTip("no-such-branch")).isEqualTo(new RefFiles.Answer(null, true));

        git.output(repo, "pack-refs", "--all", "--prune");
        assertThat(repo.resolve(".git/refs/heads/main")).doesNotExist();
        assertThat(refs.branchTip("main")).isEqualTo(new RefFiles.Answer(revParse("main"), true));
        assertThat(refs.branchTip("prodigy/run/item_0").commit()).isEqualTo(revParse("main"));
        assertThat(refs.branchTip("prodigy/run")).isEqualTo(new RefFiles.Answer(null, true));

        Files.writeString(repo.resolve("a.txt"), "b\n");
        git.output(repo, "commit", "-q", "-a", "-m", "two");
        assertThat(refs.branchTip("main").commit())
                .as("a loose ref wins over its packed line")
                .isEqualTo(revParse("main"));
    }

    @Test
    void headOnABranchDetachedOrUnbornAndOddFilesFallBackToGit() throws IOException {
        RefFiles refs = new RefFiles(repo.resolve(".git"));
        Path gitDir = repo.resolve(".git");
        assertThat(refs.head(gitDir).commit()).isEqualTo(revParse("HEAD"));

        git.output(repo, "checkout", "-q", "--detach");
        assertThat(refs.head(gitDir)).isEqualTo(new RefFiles.Answer(revParse("HEAD"), true));

        git.output(repo, "checkout", "-q", "--orphan", "unborn");
        assertThat(refs.head(gitDir).known()).isFalse();

        assertThat(refs.branchTip("../HEAD").known()).isFalse();
        Files.writeString(repo.resolve(".git/refs/heads/odd"), "ref: refs/heads/main\n");
        assertThat(refs.branchTip("odd").known()).isFalse();
    }

    @Test
    void aReftableRepositoryIsLeftToGit() throws IOException {
        Files.createDirectories(repo.resolve(".git/reftable"));
        RefFiles refs = new RefFiles(repo.resolve(".git"));
        assertThat(refs.branchTip("main").known()).isFalse();
        assertThat(refs.head(repo.resolve(".git")).known()).isFalse();
        assertThat(List.of(RefFiles.isObjectId(revParse("main")), RefFiles.isObjectId("HEAD")))
                .containsExactly(true, false);
    }
}
