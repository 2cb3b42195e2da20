package io.prodigy.core.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/** Operations on whole directory trees. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes a file or a directory with everything below it. Tolerant: a root that does not exist, or a file that
     * disappears while the tree is walked (another process cleaning up too), is not an error. Symbolic links are
     * deleted, never followed. A read-only file is made writable and deleted (git's object files are read-only,
     * which some platforms refuse to delete).
     *
     * @param root the file or directory to delete, not null
     * @throws IOException if something that still exists cannot be deleted (the tree may then be partly deleted)
     * @throws NullPointerException if {@code root} is null
     */
    public static void delete(Path root) throws IOException {
        Objects.requireNonNull(root, "root");
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteOne(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                deleteOne(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteOne(Path path) throws IOException {
        try {
            Files.deleteIfExists(path);
        } catch (AccessDeniedException e) {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    || !path.toFile().setWritable(true)) {
                throw e;
            }
            Files.deleteIfExists(path);
        }
    }
}
