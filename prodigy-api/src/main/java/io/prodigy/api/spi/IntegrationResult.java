package io.prodigy.api.spi;

import java.util.List;

/** What happened when an item's workspace was integrated into the run's workspace. */
public sealed interface IntegrationResult permits IntegrationResult.Integrated, IntegrationResult.NothingToIntegrate,
        IntegrationResult.Conflict {

    /**
     * The item's changes are now part of the run.
     *
     * @param commits the commits brought in, oldest first
     */
    record Integrated(List<String> commits) implements IntegrationResult {
        /** Copies. */
        public Integrated {
            commits = List.copyOf(commits);
        }
    }

    /** The item changed nothing that needs integrating (or it was integrated before). */
    record NothingToIntegrate() implements IntegrationResult {
    }

    /**
     * The item's changes conflict with the run's; the run's workspace was left clean.
     *
     * @param paths the conflicting paths
     * @param message a description
     */
    record Conflict(List<String> paths, String message) implements IntegrationResult {
        /** Copies. */
        public Conflict {
            paths = List.copyOf(paths);
        }
    }
}
