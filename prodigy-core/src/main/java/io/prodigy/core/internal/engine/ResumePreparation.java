package io.prodigy.core.internal.engine;

import io.prodigy.api.Workflow;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.WorkflowFingerprint;
import io.prodigy.core.store.RunLock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work a resume needs that does not depend on the run's journal, done on a second (daemon) thread while the
 * calling thread replays the journal: the workflow's fingerprint, then the start-up of the JSON mapper (its class
 * loading and first use cost about as much as reading a snapshot of a hundred thousand items, and the run needs it
 * right after the replay) and the host name the run's lock records. On one core it costs what doing it in line
 * would. Thread-safe.
 */
final class ResumePreparation {
    private static final Logger LOG = LoggerFactory.getLogger(ResumePreparation.class);

    private final FutureTask<String> fingerprint;

    private ResumePreparation(Supplier<String> fingerprint) {
        this.fingerprint = new FutureTask<>(() -> {
            String hash = fingerprint.get();
            warmJson();
            warmLocalHost();
            return hash;
        });
    }

    /**
     * Starts the work.
     *
     * @param workflow the workflow being resumed
     * @return the work under way
     */
    static ResumePreparation start(Workflow workflow) {
        return start(() -> WorkflowFingerprint.of(workflow));
    }

    /**
     * @param fingerprint computes the fingerprint (on the second thread)
     * @return the work under way
     */
    static ResumePreparation start(Supplier<String> fingerprint) {
        ResumePreparation p = new ResumePreparation(fingerprint);
        Thread t = new Thread(p.fingerprint, "prodigy-resume-preparation");
        t.setDaemon(true);
        t.start();
        return p;
    }

    /**
     * @return the workflow's fingerprint ({@link WorkflowFingerprint#of}), waiting for it (and for the mapper's
     *     start-up) if needed
     * @throws RuntimeException what computing the fingerprint threw
     */
    String fingerprint() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return fingerprint.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the fingerprint is short work: finish it, then restore the flag
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Looks up the host name the run's lock records; a failure here only costs speed. */
    private static void warmLocalHost() {
        try {
            RunLock.localHostName();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("host name look-up failed: {}", e.toString());
        }
    }

    /** Loads the JSON mapper and the tree (de)serialisers a run uses first; a failure here only costs speed. */
    private static void warmJson() {
        try {
            Json.write(Json.parse("[{\"a\":[1,2.5,\"s\",true,null]}]"));
            Json.writeValue(java.util.List.of("a")); // the run's recorded options
            Json.writeValue(java.util.Map.of("a", "b"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            LOG.debug("JSON warm-up failed: {}", e.toString());
        }
    }
}
