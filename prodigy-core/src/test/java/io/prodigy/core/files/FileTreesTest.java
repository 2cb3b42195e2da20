package io.prodigy.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path temp;

    @Test
    void deletesADirectoryTreeWithReadOnlyFiles() throws IOException {
        Path root = temp.resolve("tree");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/file.txt"), "x");
        Path readOnly = Files.writeString(root.resolve("a/object"), "y");
        assertThat(readOnly.toFile().setWritable(false)).isTrue();

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(temp).exists();
    }

    @Test
    void aMissingRootIsNotAnError() throws IOException {
        FileTrees.delete(temp.resolve("never-created"));
        assertThat(temp.resolve("never-created")).doesNotExist();
    }

    @Test
    void deletesASingleFile() throws IOException {
        Path file = Files.writeString(temp.resolve("one.txt"), "1");
        FileTrees.delete(file);
        assertThat(file).doesNotExist();
    }

    @Test
    void deletesALinkButNotWhatItPointsTo() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept.txt"), "k");
        Path root = Files.createDirectories(temp.resolve("tree"));
        Files.createSymbolicLink(root.resolve("link"), outside);

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(kept).hasContent("k");
    }

    @Test
    void nullIsRejectedByName() {
        assertThatThrownBy(() -> FileTrees.delete(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("root");
    }
}
