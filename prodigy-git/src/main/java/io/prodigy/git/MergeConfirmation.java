package io.prodigy.git;

/**
 * Asked once at the end of a run whether to merge its work back into the user's branch (the CLI prompts, and
 * {@code -y} accepts). Declining leaves the run's branch and worktree in place and logs the git commands that
 * merge them by hand.
 */
@FunctionalInterface
public interface MergeConfirmation {

    /** Always merges (the default). */
    MergeConfirmation ACCEPT = plan -> true;

    /** Never merges: the run's work stays on its branch. */
    MergeConfirmation DECLINE = plan -> false;

    /**
     * @param plan what would be merged where
     * @return whether to merge
     */
    boolean confirm(MergePlan plan);
}
