package io.prodigy.git;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link WorktreeIsolation} does when merging an item's branch into the run's worktree conflicts.
 *
 * <p>Whatever the resolution, the run's worktree is never left in the middle of a merge: if the conflict is not
 * resolved, the merge is aborted and the run's branch is reset to where it was, and the item fails with its
 * conflicting paths (error kind {@code MERGE_CONFLICT}, so it lands in the Dead Letter Queue with its worktree
 * kept for inspection).
 *
 * <p>The resolvers see these variables (as {@code ${merge.*}} in the agent command and in merge steps, and as
 * {@code PRODIGY_MERGE_*} environment variables for the agent): {@code merge.source_branch} (the item's branch),
 * {@code merge.target_branch} (the run's branch), {@code merge.worktree} (the run's worktree),
 * {@code merge.item_id}, {@code merge.session_id} (the run id), {@code merge.conflicts} (the conflicting paths,
 * space-separated), {@code merge.commits} (JSON array of the item's commit ids), {@code merge.commit_ids}
 * (comma-separated), {@code merge.commit_count}, {@code merge.modified_files} (JSON array),
 * {@code merge.file_list} (comma-separated) and {@code merge.file_count}.
 */
public sealed interface ConflictResolution
        permits ConflictResolution.DeadLetter, ConflictResolution.Agent, ConflictResolution.MergeSteps {

    /** @return abort the merge and fail the item with the conflicting paths (the default) */
    static ConflictResolution deadLetter() {
        return DeadLetter.INSTANCE;
    }

    /**
     * @param command the agent command, e.g. {@code /prodigy-merge-worktree ${merge.source_branch}}; it runs as an
     *                agent step of the run (phase {@code merge}, for the conflicting item) through the engine, with
     *                the run's cost budget, throttling, events, secret masking, retries and cancellation, in the
     *                run's worktree with the conflict in place, and should resolve the conflicted files (it may
     *                also commit the merge)
     * @param timeout its time limit, or null for none
     * @return resolve with an agent
     */
    static ConflictResolution agent(String command, Duration timeout) {
        return new Agent(command, timeout);
    }

    /**
     * @return resolve with the workflow's {@code merge:} steps, run in the run's worktree with the conflict in place
     *         and the {@code ${merge.*}} variables set
     */
    static ConflictResolution mergeSteps() {
        return MergeSteps.INSTANCE;
    }

    /** Abort and send the item to the Dead Letter Queue. */
    final class DeadLetter implements ConflictResolution {
        static final DeadLetter INSTANCE = new DeadLetter();

        private DeadLetter() {}

        @Override
        public String toString() {
            return "dead-letter";
        }
    }

    /**
     * Resolve with an agent command.
     *
     * @param command the command template
     * @param timeout the time limit, or null
     */
    record Agent(String command, Duration timeout) implements ConflictResolution {
        /** Checks the command. */
        public Agent {
            Objects.requireNonNull(command, "command");
            if (command.isBlank()) {
                throw new IllegalArgumentException("the conflict-resolving agent needs a command");
            }
        }
    }

    /** Resolve with the workflow's merge steps. */
    final class MergeSteps implements ConflictResolution {
        static final MergeSteps INSTANCE = new MergeSteps();

        private MergeSteps() {}

        @Override
        public String toString() {
            return "merge-steps";
        }
    }
}
