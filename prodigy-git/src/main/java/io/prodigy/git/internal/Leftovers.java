package io.prodigy.git.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
 * ignored directory with a warm name; an untracked one is listed file by file and goes. Directories emptied here
 * are removed too. Unlike {@code git clean -d}, a directory the item created and left empty stays: git lists no
 * empty directory, and finding them would mean walking the whole tree once more (about as costly as the
 * {@code git clean} this saves); git does not see them either, so no later commit can pick one up.
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
     * @param coldPaths paths from the worktree's top, each ending with {@code /}, under which nothing is warm
     * @return what the item left
     * @throws IllegalArgumentException if an entry is not what {@code --porcelain=v1 -z} prints
     */
    static Leftovers parse(String status, Collection<String> warmDirectories, Collection<String> coldPaths) {
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
                if (!isWarm(path, warmDirectories) || isUnder(path, coldPaths)) {
                    removable.add(path);
                } else {
                    // a warm directory is kept whole, except the cold paths inside it
                    for (String cold : coldPaths) {
                        String dir = cold.endsWith("/") ? cold : cold + "/";
                        if (dir.startsWith(path) && !dir.equals(path)) {
                            removable.add(dir);
                        }
                    }
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

    /** @return whether the path is one of the cold paths or lies under one */
    private static boolean isUnder(String path, Collection<String> coldPaths) {
        for (String cold : coldPaths) {
            String dir = cold.endsWith("/") ? cold : cold + "/";
            if (path.startsWith(dir)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes the removable paths (a symbolic link itself, never what it points to) and the directories that
     * leaves empty.
     *
     * @param root the worktree's top directory
     * @throws IOException if a path cannot be deleted or lies outside the worktree
     */
    void remove(Path root) throws IOException {
        Path top = root.toAbsolutePath().normalize();
        for (String p : removable) {
            Path path = top.resolve(p).normalize();
            if (!path.startsWith(top)
                    || path.equals(top)
                    || (path.getFileName().toString().equals(".git") && top.equals(path.getParent()))) {
                throw new IOException("git status listed '" + p + "', which is not a removable path of " + top);
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                continue; // a cold path inside a warm directory that this item did not make
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
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
