package io.prodigy.core.internal.engine;

import io.prodigy.core.internal.process.LeftoverProcesses;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Stops what the previous owner of a resumed run left running. A killed owner ({@code kill -9}, a lost machine)
 * skips its own clean-up, so its agents and git commands may outlive it; the new owner stops them once it holds the
 * run's lock, before the run touches the workspace again.
 */
final class LeftoverAgents {
    /** How long the agents a crashed owner left behind get to exit after SIGTERM when the run resumes. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** How long the git commands a crashed owner left running get to finish by themselves when the run resumes. */
    private static final Duration GIT_GRACE = Duration.ofSeconds(30);

    private LeftoverAgents() {}

    /**
     * Terminates the processes carrying the run's id and state directory. Call it holding the run's lock. An
     * interruption while waiting for them leaves the thread interrupted, so that the run starts cancelled.
     *
     * @param runId the run's id
     * @param runStateDirectory the run's state directory as its processes carry it
     */
    static void stop(String runId, Path runStateDirectory) {
        CrashPoints.reach(CrashPoints.Point.LOCK_TAKEN, runId);
        try {
            LeftoverProcesses.terminate(runId, runStateDirectory, GRACE, GIT_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the run starts cancelled
        }
        CrashPoints.reach(CrashPoints.Point.LEFTOVERS_STOPPED, runId);
    }
}
