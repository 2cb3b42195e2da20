package io.prodigy.cli;

import io.prodigy.api.RunStatus;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.store.RunLock;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** One live run per workflow and repository: a second {@code run} is refused, naming the first, unless forced. */
final class LiveRuns {
    private LiveRuns() {}

    /**
     * @param ctx the context
     * @param workflowName the workflow about to run
     * @param force whether to start beside a live run anyway (with a warning)
     * @throws CliException (exit code 2) when a run of the workflow is live in the same repository
     */
    static void refuseSecond(CliContext ctx, String workflowName, boolean force) {
        Path mine = repository(ctx.project());
        for (RunRecord r : ctx.runs()) {
            if (r.status() != RunStatus.RUNNING
                    || !workflowName.equals(r.workflowName())
                    || r.projectDirectory() == null
                    || !Objects.equals(mine, repository(r.projectDirectory()))) {
                continue;
            }
            Optional<RunLock.Holder> holder;
            try {
                holder = RunLock.holder(ctx.home().resolve("runs").resolve(r.runId()));
            } catch (StoreException e) {
                continue; // a lock being written or damaged: the engine's own lock decides
            }
            if (holder.isEmpty()) {
                continue; // killed: resumable, not live
            }
            RunLock.Holder h = holder.get();
            String what = "run " + r.runId() + " of workflow '" + workflowName + "' is already running in " + mine
                    + " (pid " + h.pid() + " on " + h.host() + ", since " + RunsCommand.time(r.startedAt()) + ")";
            if (force) {
                ctx.err.println("warning: " + what + "; starting another beside it (--force)");
                return;
            }
            throw CliException.usage(what + ". Follow it with: prodigy events " + r.runId() + " --follow; stop it "
                    + "with: kill -INT " + h.pid() + "; or start another beside it with --force");
        }
    }

    private static Path repository(Path dir) {
        Path top = Preflight.topLevel(dir);
        return top != null ? top : dir.toAbsolutePath().normalize();
    }
}
