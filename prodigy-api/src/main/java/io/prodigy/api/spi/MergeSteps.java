package io.prodigy.api.spi;

import java.util.Map;

/**
 * The workflow's custom {@code merge:} steps, handed by the engine to {@link IsolationStrategy#closeRun} so
 * that a strategy merging the run's work back (such as git worktrees) can run them instead of its default
 * merge. The steps run in the run's workspace with every key of a normal step, and see the given variables
 * (for example {@code ${merge.source_branch}}) in addition to the run's.
 *
 * @since 0.1
 */
public interface MergeSteps {

    /** No merge steps. */
    MergeSteps NONE = new MergeSteps() {
        @Override
        public boolean isEmpty() {
            return true;
        }

        @Override
        public boolean run(Map<String, String> variables) {
            return true;
        }
    };

    /** @return whether the workflow defines no merge steps */
    boolean isEmpty();

    /**
     * Runs the merge steps.
     *
     * @param variables extra variables, such as {@code merge.source_branch} and {@code merge.target_branch}
     * @return whether every step succeeded
     * @throws InterruptedException if the run was interrupted
     */
    boolean run(Map<String, String> variables) throws InterruptedException;
}
