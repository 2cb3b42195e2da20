package io.prodigy.git;

import java.util.List;

/**
 * What {@link Worktrees#clean(boolean)} did.
 *
 * @param removed the worktrees and branches it removed
 * @param skipped the orphans it left, each with the reason
 */
public record CleanupReport(List<ManagedWorktree> removed, List<Skipped> skipped) {
    /** Copies. */
    public CleanupReport {
        removed = List.copyOf(removed);
        skipped = List.copyOf(skipped);
    }

    /**
     * An orphan that was left in place.
     *
     * @param worktree the orphan
     * @param reason why it was left (it holds work, or removing it failed)
     */
    public record Skipped(ManagedWorktree worktree, String reason) {}
}
