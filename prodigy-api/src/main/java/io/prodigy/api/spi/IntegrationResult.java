package io.prodigy.api.spi;

import java.util.List;

/**
 * What happened when an item's workspace was integrated into the run's workspace.
 *
 * @since 0.1
 */
public sealed interface IntegrationResult
        permits IntegrationResult.Integrated, IntegrationResult.NothingToIntegrate, IntegrationResult.Conflict {

    /**
     * The item's changes are now part of the run.
     *
     * @param commits the commits brought in, oldest first
     * @since 0.1
     */
    record Integrated(List<String> commits) implements IntegrationResult {
        /**
         * Copies.
         *
         * @param commits the commits brought in, oldest first
         */
        public Integrated {
            commits = List.copyOf(commits);
        }
    }

    /**
     * The item changed nothing that needs integrating (or it was integrated before).
     *
     * @since 0.1
     */
    record NothingToIntegrate() implements IntegrationResult {}

    /**
     * The item's changes conflict with the run's; the run's workspace was left clean.
     *
     * @param paths the conflicting paths
     * @param message a description
     * @since 0.1
     */
    record Conflict(List<String> paths, String message) implements IntegrationResult {
        /**
         * Copies.
         *
         * @param paths the conflicting paths
         * @param message a description
         */
        public Conflict {
            paths = List.copyOf(paths);
        }
    }
}
