package io.prodigy.api.spi;

import java.util.List;

/**
 * Changes between two commits of a workspace.
 *
 * @param commits commit ids, oldest first
 * @param filesAdded paths added
 * @param filesModified paths modified
 * @param filesDeleted paths deleted
 * @param insertions lines inserted
 * @param deletions lines deleted
 * @since 0.1
 */
public record WorkspaceChanges(
        List<String> commits,
        List<String> filesAdded,
        List<String> filesModified,
        List<String> filesDeleted,
        int insertions,
        int deletions) {
    /** No change. */
    public static final WorkspaceChanges NONE = new WorkspaceChanges(List.of(), List.of(), List.of(), List.of(), 0, 0);

    /**
     * Copies.
     *
     * @param commits commit ids, oldest first
     * @param filesAdded paths added
     * @param filesModified paths modified
     * @param filesDeleted paths deleted
     * @param insertions lines inserted
     * @param deletions lines deleted
     */
    public WorkspaceChanges {
        commits = List.copyOf(commits);
        filesAdded = List.copyOf(filesAdded);
        filesModified = List.copyOf(filesModified);
        filesDeleted = List.copyOf(filesDeleted);
    }
}
