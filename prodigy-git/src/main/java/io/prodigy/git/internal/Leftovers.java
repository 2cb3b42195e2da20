package io.prodigy.git.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/**
 * What an item left in its worktree beside its commits, read from one {@code git status --porcelain=v1 -z
 * --ignored=matching --untracked-files=all --no-renames}: the uncommitted changes (tracked edits, staged changes and
 * untracked files, for the warning that they are not merged) and the paths a reused worktree must lose before the
 * next item (untracked files, and ignored files and directories other than the warm directories).
 *
 * <p>Removing them from here does what {@code git clean -ffd} followed by {@code git clean -ffdX} with the warm
 * directories excepted does, without two more processes scanning the tree: git lists an ignored directory once (in
 * {@code matching} mode it does not descend into it), so a warm directory is kept exactly when git reports it as an
 * ignored directory with a warm name; an untracked one is listed file by file and goes. Directories left empty -
 * emptied here, or created empty by the item (git lists no empty directory) - are removed too, except warm ones and
 * in a repository with submodules (whose directories may be empty and tracked).
 *
 * @param uncommitted the paths with uncommitted changes (what {@code git status --porcelain} lists), in git's order
 * @param removable the untracked and ignored non-warm paths, relative to the worktree (a directory ends with
 *     {@code /})
 */
record Leftovers(List<String> uncommitted, List<String> removable) {
    /** The arguments of the {@code git status} this reads. */
    static final List<String> STATUS =
            List.of("status", "--porcelain=v1", "-z", "--ignored=matching", "--untracked-files=all", "--no-renames");

    Leftovers {
        uncommitted = List.copyOf(uncommitted);
        removable = List.copyOf(removable);
    }

    /**
     * @param status the output of {@link #STATUS}
     * @param warmDirectories directory names ending with {@code /} that stay when git reports them ignored
     * @return what the item left
     * @throws IllegalArgumentException if an entry is not what {@code --porcelain=v1 -z} prints
     */
    static Leftovers parse(String status, Collection<String> warmDirectories) {
        List<String> uncommitted = new ArrayList<>();
        List<String> removable = new ArrayList<>();
        for (String entry : status.split("\0")) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.length() < 4 || entry.charAt(2) != ' ') {
                throw new IllegalArgumentException("unexpected git status entry '" + entry + "'");
            }
            String code = entry.substring(0, 2);
            String path = entry.substring(3);
            if (code.equals("!!")) {
                if (!isWarm(path, warmDirectories)) {
                    removable.add(path);
                }
            } else {
                uncommitted.add(path);
                if (code.equals("??")) {
                    removable.add(path);
                }
            }
        }
        return new Leftovers(uncommitted, removable);
    }

    /** @return whether git reported an ignored directory whose name is a warm one */
    private static boolean isWarm(String path, Collection<String> warmDirectories) {
        if (!path.endsWith("/")) {
            return false;
        }
        int slash = path.lastIndexOf('/', path.length() - 2);
        return warmDirectories.contains(path.substring(slash + 1));
    }

    /**
     * Deletes the removable paths (a symbolic link itself, never what it points to) and the directories that
     * leaves empty, then every empty directory of the worktree outside {@code .git} and the warm directories.
     *
     * @param root the worktree's top directory
     * @param warmDirectories as given to {@link #parse}
     * @throws IOException if a path cannot be deleted or lies outside the worktree
     */
    void remove(Path root, Collection<String> warmDirectories) throws IOException {
        Path top = root.toAbsolutePath().normalize();
        for (String p : removable) {
            Path path = top.resolve(p).normalize();
            if (!path.startsWith(top)
                    || path.equals(top)
                    || (path.getFileName().toString().equals(".git") && top.equals(path.getParent()))) {
                throw new IOException("git status listed '" + p + "', which is not a removable path of " + top);
            }
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                WorktreeOps.deleteTree(path);
            } else {
                Files.deleteIfExists(path);
            }
            for (Path dir = path.getParent(); !dir.equals(top) && isEmptyDirectory(dir); dir = dir.getParent()) {
                Files.delete(dir);
            }
        }
        if (!Files.exists(top.resolve(".gitmodules"))) {
            // a submodule that is not checked out is an empty directory git tracks: left alone
            removeEmptyDirectories(top, warmDirectories);
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Deletes the empty directories below {@code top} (bottom-up), skipping {@code .git} and warm directories. */
    private static void removeEmptyDirectories(Path top, Collection<String> warmDirectories) throws IOException {
        Deque<int[]> entries = new ArrayDeque<>();
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(top)) {
                    String name = dir.getFileName().toString();
                    if (name.equals(".git") || warmDirectories.contains(name + "/")) {
                        entries.peek()[0]++;
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                }
                entries.push(new int[1]);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                entries.peek()[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                entries.peek()[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                int count = entries.pop()[0];
                if (dir.equals(top)) {
                    return FileVisitResult.CONTINUE;
                }
                if (count == 0 && exc == null) {
                    Files.delete(dir);
                } else {
                    entries.peek()[0]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
