package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reused worktree's release reads from {@code git status} and removes. */
class LeftoversTest {
    private static final List<String> WARM = List.of("target/", "node_modules/");

    @TempDir
    Path tmp;

    @Test
    void warmDirectoriesStayOnlyWhenGitReportsThemAsIgnoredDirectories() {
        String status = String.join(
                "\0",
                " M edited.txt",
                "A  staged.txt",
                "D  removed.txt",
                "?? untracked.txt",
                "?? target/out.txt",
                "!! target/",
                "!! sub/deeper/node_modules/",
                "!! build.log",
                "!! out/",
                "!! target.txt",
                "");
        Leftovers left = Leftovers.parse(status, WARM, List.of());
        assertThat(left.uncommitted())
                .containsExactly("edited.txt", "staged.txt", "removed.txt", "untracked.txt", "target/out.txt");
        assertThat(left.removable())
                .as("untracked files go, ignored ones too unless they are a warm directory")
                .containsExactly("untracked.txt", "target/out.txt", "build.log", "out/", "target.txt");
        assertThat(Leftovers.parse("", WARM, List.of()).removable()).isEmpty();
        assertThat(Leftovers.parse("!! target/", List.of(), List.of()).removable())
                .as("no warm directories: every ignored path goes")
                .containsExactly("target/");
    }

    @Test
    void coldPathsAreRemovedEvenWithAWarmNameAndInsideAWarmDirectory() {
        String status = String.join("\0", "!! target/", "!! tools/gen/target/", "!! node_modules/", "");
        Leftovers left = Leftovers.parse(status, WARM, List.of("tools/gen/target/", "node_modules/.cache/"));
        assertThat(left.removable())
                .as("a cold path goes though its name is warm; a cold path inside a kept warm directory goes alone")
                .containsExactly("tools/gen/target/", "node_modules/.cache/");
    }

    @Test
    void anUnexpectedEntryIsRejected() {
        assertThatThrownBy(() -> Leftovers.parse("?? a\0garbage\0", WARM, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("garbage");
    }

    @Test
    void removalDeletesListedPathsAndTheDirectoriesItEmptiesButNothingOutside() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("wt"));
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/f.txt"), "x");
        Files.writeString(root.resolve("a/keep.txt"), "tracked, say");
        Files.createDirectories(root.resolve("ignored/deep"));
        Files.writeString(root.resolve("ignored/deep/g"), "x");
        new Leftovers(List.of(), List.of("a/b/c/f.txt", "ignored/", "gone-already.txt")).remove(root);
        assertThat(root.resolve("a/b")).doesNotExist();
        assertThat(root.resolve("a/keep.txt")).exists();
        assertThat(root.resolve("ignored")).doesNotExist();

        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not the worktree's");
        assertThatThrownBy(() -> new Leftovers(List.of(), List.of("../outside.txt")).remove(root))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new Leftovers(List.of(), List.of(".git")).remove(root))
                .isInstanceOf(IOException.class);
        assertThat(outside).exists();
    }
}
