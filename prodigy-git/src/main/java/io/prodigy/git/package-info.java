/**
 * Git worktree isolation for Prodigy: {@link io.prodigy.git.WorktreeIsolation} gives each run and each MapReduce
 * item its own git worktree and branch, merges items' commits into the run one at a time ({@code --no-ff}), and
 * merges the run back into the user's branch at the end, only by fast-forward or a clean merge.
 * {@link io.prodigy.git.Worktrees} lists and cleans the worktrees it leaves.
 *
 * <p>Everything else in {@code io.prodigy.git.internal} is an implementation detail.
 */
package io.prodigy.git;
