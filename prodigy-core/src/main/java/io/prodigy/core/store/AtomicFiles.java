package io.prodigy.core.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Replacing a whole file so that a reader or a crash sees either the old content or the new, never a mix. */
final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes a file atomically: a temporary file in the same directory is written and synced, then renamed
     * over the target, and the directory is synced so that the rename survives a crash.
     *
     * @param target the file to create or replace
     * @param content its new content
     * @throws IOException if any step fails (the target is then unchanged)
     */
    static void write(Path target, byte[] content) throws IOException {
        Path tmp = temporaryFor(target);
        try {
            try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
                raf.write(content);
                raf.getFD().sync();
            }
            replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** @return a new, empty temporary file beside the target */
    static Path temporaryFor(Path target) throws IOException {
        return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    }

    /**
     * Renames a synced temporary file over a target and syncs the directory.
     *
     * @throws IOException if the rename fails
     */
    static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.getParent());
    }

    /**
     * Syncs a directory so that files created, renamed or deleted in it survive a crash. A platform that
     * cannot open directories (Windows) is skipped: its file system journals renames itself.
     *
     * @param dir the directory
     */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported on this platform; nothing more can be done
        }
    }
}
