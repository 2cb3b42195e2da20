package io.prodigy.git;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The merge of a finished run's work back into the branch the user was on when the run started, as shown to a
 * {@link MergeConfirmation} before it happens.
 *
 * @param runId the run
 * @param repository the top of the user's working tree
 * @param sourceBranch the run's branch ({@code prodigy-<run-id>})
 * @param targetBranch the user's branch
 * @param commits the run's commits not yet on the target branch, oldest first
 * @param fastForward whether the target can simply move forward (it did not move since the run started);
 *                    otherwise a merge commit is created, and only if the merge is clean
 * @param worktree the run's worktree
 */
public record MergePlan(
        String runId,
        Path repository,
        String sourceBranch,
        String targetBranch,
        List<String> commits,
        boolean fastForward,
        Path worktree) {
    /** Copies and checks. */
    public MergePlan {
        Objects.requireNonNull(sourceBranch, "sourceBranch");
        Objects.requireNonNull(targetBranch, "targetBranch");
        commits = List.copyOf(commits);
    }
}
