package io.prodigy.core.store;

import io.prodigy.api.StoreException;
import java.nio.file.Path;

/** Where each file of a run lives under a store's root directory. */
final class StoreLayout {
    static final String RUNS = "runs";
    static final String RUN_RECORD = "run.json";
    static final String JOURNAL = "journal.jsonl";
    static final String DLQ = "dlq.jsonl";
    static final String EVENTS = "events.jsonl";
    static final String LOCK = "lock";
    private static final int MAX_RUN_ID_LENGTH = 200;

    private final Path root;
    private final Path runs;

    StoreLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.runs = this.root.resolve(RUNS);
    }

    Path root() {
        return root;
    }

    Path runsDirectory() {
        return runs;
    }

    /**
     * @param runId a run id, used as a directory name
     * @return the run's directory
     * @throws StoreException if the id could escape the runs directory or is not a portable file name
     */
    Path runDirectory(String runId) {
        return runs.resolve(checkRunId(runId));
    }

    Path file(String runId, String name) {
        return runDirectory(runId).resolve(name);
    }

    static String checkRunId(String runId) {
        if (runId == null || runId.isEmpty()) {
            throw new StoreException("a run id must not be empty");
        }
        if (runId.length() > MAX_RUN_ID_LENGTH) {
            throw new StoreException(
                    "run id '" + runId.substring(0, 40) + "...' is longer than " + MAX_RUN_ID_LENGTH + " characters");
        }
        if (runId.charAt(0) == '.') {
            throw new StoreException("run id '" + runId + "' must not start with '.'");
        }
        for (int i = 0; i < runId.length(); i++) {
            char c = runId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.';
            if (!ok) {
                throw new StoreException("run id '" + runId + "' contains '" + c + "' at position " + (i + 1)
                        + "; run ids may contain only letters, digits, '-', '_' and '.'");
            }
        }
        return runId;
    }
}
