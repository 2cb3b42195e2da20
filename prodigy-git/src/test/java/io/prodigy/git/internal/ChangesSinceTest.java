package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.spi.WorkspaceChanges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GitVersionControl#changesSince} reads one commit on top of the base from a single {@code git log}, and
 * anything else (several commits, a merge, a path that looks like the log's commit header) from {@code git diff}:
 * both give what {@code git rev-list} and {@code git diff} of the two commits say.
 */
class ChangesSinceTest {
    @TempDir
    Path tmp;

    GitCli git;
    Path repo;
    String base;

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
        write("keep.txt", "a\nb\nc\n");
        write("gone.txt", "x\n");
        write("dir/edit me.txt", "1\n2\n");
        commit("base");
        base = head();
    }

    private void write(String path, String content) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void commit(String message) {
        git.output(repo, "add", "-A");
        git.output(repo, "commit", "-q", "--allow-empty", "-m", message);
    }

    private String head() {
        return git.output(repo, "rev-parse", "HEAD");
    }

    /** What the two separate commands say, for comparison. */
    private WorkspaceChanges expected(String from) {
        List<String> commits = GitVersionControl.lines(git.output(repo, "rev-list", "--reverse", from + "..HEAD"));
        List<String> added =
                names(git.output(repo, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=A", from, "HEAD"));
        List<String> modified =
                names(git.output(repo, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=M", from, "HEAD"));
        List<String> deleted =
                names(git.output(repo, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=D", from, "HEAD"));
        String[] stat = git.output(repo, "diff", "--shortstat", from, "HEAD").split(",");
        int insertions = 0;
        int deletions = 0;
        for (String part : stat) {
            String p = part.strip();
            if (p.contains("insertion")) {
                insertions = Integer.parseInt(p.substring(0, p.indexOf(' ')));
            } else if (p.contains("deletion")) {
                deletions = Integer.parseInt(p.substring(0, p.indexOf(' ')));
            }
        }
        return new WorkspaceChanges(commits, added, modified, deleted, insertions, deletions);
    }

    private static List<String> names(String nulSeparated) {
        return java.util.Arrays.stream(nulSeparated.split("\0"))
                .filter(n -> !n.isEmpty())
                .toList();
    }

    private WorkspaceChanges changes(String from) {
        return new GitVersionControl(git, repo).changesSince(from);
    }

    @Test
    void oneCommitOnTopOfTheBase() throws IOException {
        write("keep.txt", "a\nB\nc\nd\n");
        write("dir/edit me.txt", "1\n");
        write("new\tfile with tab.txt", "n\n");
        Files.write(repo.resolve("binary.bin"), new byte[] {0, 1, 2, 0});
        Files.delete(repo.resolve("gone.txt"));
        commit("one");

        WorkspaceChanges c = changes(base);
        assertThat(c).isEqualTo(expected(base));
        assertThat(c.commits()).containsExactly(head());
        assertThat(c.filesAdded()).containsExactlyInAnyOrder("new\tfile with tab.txt", "binary.bin");
        assertThat(c.filesModified()).containsExactlyInAnyOrder("keep.txt", "dir/edit me.txt");
        assertThat(c.filesDeleted()).containsExactly("gone.txt");
        assertThat(c.insertions()).isEqualTo(3);
        assertThat(c.deletions()).isEqualTo(3);
    }

    @Test
    void anEmptyCommitChangesNoFile() {
        commit("empty");
        WorkspaceChanges c = changes(base);
        assertThat(c).isEqualTo(expected(base));
        assertThat(c.commits()).hasSize(1);
        assertThat(c.filesAdded()).isEmpty();
    }

    @Test
    void severalCommitsAndAMergeAreTheirCombinedChanges() throws IOException {
        write("keep.txt", "a\nb\nc\nd\n");
        commit("one");
        write("keep.txt", "a\nc\nd\n");
        write("later.txt", "l\n");
        commit("two");
        assertThat(changes(base)).isEqualTo(expected(base));

        git.output(repo, "checkout", "-q", "-b", "side", base);
        write("side.txt", "s\n");
        commit("side");
        git.output(repo, "checkout", "-q", "main");
        git.output(repo, "merge", "-q", "--no-ff", "--no-edit", "side");
        WorkspaceChanges merged = changes(base);
        assertThat(merged).isEqualTo(expected(base));
        assertThat(merged.filesAdded()).containsExactlyInAnyOrder("later.txt", "side.txt");
        assertThat(merged.commits()).hasSize(4);

        String beforeMerge = git.output(repo, "rev-parse", "HEAD^1");
        assertThat(changes(beforeMerge))
                .as("a merge commit alone on top of its first parent")
                .isEqualTo(expected(beforeMerge));
    }

    @Test
    void aPathThatLooksLikeTheLogsCommitHeaderIsReadCorrectly() throws IOException {
        write("\u0001" + "0123456789012345678901234567890123456789 x", "odd\n");
        write("plain.txt", "p\n");
        commit("odd name");
        assertThat(changes(base)).isEqualTo(expected(base));

        write("plain.txt", "q\n");
        commit("two");
        assertThat(changes(base)).isEqualTo(expected(base));
    }
}
