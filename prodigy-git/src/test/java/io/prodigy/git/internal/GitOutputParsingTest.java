package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing git's machine output, including the forms of gits older than the one the tests run. */
class GitOutputParsingTest {
    private static final String ENTRIES = String.join(
            "\n",
            "worktree /repo",
            "HEAD 1111111111111111111111111111111111111111",
            "branch refs/heads/main",
            "",
            "worktree /home/.prodigy/worktrees/repo/r1",
            "HEAD 2222222222222222222222222222222222222222",
            "branch refs/heads/prodigy-r1",
            "",
            "worktree /home/.prodigy/worktrees/repo/r1.items/x",
            "HEAD 3333333333333333333333333333333333333333",
            "branch refs/heads/prodigy/r1/x",
            "locked prodigy: kept for debugging: item x of run r1",
            "",
            "worktree /home/.prodigy/worktrees/repo/r1.pool/slot-0",
            "HEAD 4444444444444444444444444444444444444444",
            "detached",
            "prunable gitdir file points to non-existent location",
            "");

    @Test
    void worktreeListsParseWithAndWithoutNulSeparators() {
        List<Repository.WorktreeEntry> plain = Repository.parseWorktrees(ENTRIES + "\n", '\n');
        List<Repository.WorktreeEntry> nul = Repository.parseWorktrees(ENTRIES.replace('\n', '\0') + "\0", '\0');
        assertThat(nul).isEqualTo(plain);
        assertThat(plain)
                .containsExactly(
                        new Repository.WorktreeEntry(
                                Path.of("/repo"), "1111111111111111111111111111111111111111", "main", false, false),
                        new Repository.WorktreeEntry(
                                Path.of("/home/.prodigy/worktrees/repo/r1"),
                                "2222222222222222222222222222222222222222",
                                "prodigy-r1",
                                false,
                                false),
                        new Repository.WorktreeEntry(
                                Path.of("/home/.prodigy/worktrees/repo/r1.items/x"),
                                "3333333333333333333333333333333333333333",
                                "prodigy/r1/x",
                                false,
                                true),
                        new Repository.WorktreeEntry(
                                Path.of("/home/.prodigy/worktrees/repo/r1.pool/slot-0"),
                                "4444444444444444444444444444444444444444",
                                null,
                                true,
                                false));
    }

    @Test
    void gitVersionsParse() {
        assertThat(GitCli.parseVersion("git version 2.39.5")).containsExactly(2, 39);
        assertThat(GitCli.parseVersion("git version 2.34.1.windows.1")).containsExactly(2, 34);
        assertThat(GitCli.parseVersion("nonsense")).containsExactly(0, 0);
    }
}
