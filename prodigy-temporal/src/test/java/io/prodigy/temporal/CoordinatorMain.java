package io.prodigy.temporal;

import io.prodigy.api.ItemResult;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import io.prodigy.git.WorktreeIsolation;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A coordinator JVM for the cluster tests: {@code CoordinatorMain TARGET REPO HOME run} or
 * {@code CoordinatorMain TARGET REPO HOME resume RUN_ID}. Prints {@code RUN_ID=}, then {@code ITEM=id attempts} per
 * item and {@code RESULT=status}.
 */
public final class CoordinatorMain {
    private CoordinatorMain() {}

    /**
     * @param args target, repository, Prodigy home, mode, run id for resume
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[1]);
        Path home = Path.of(args[2]);
        WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(home);
        try (TemporalMapExecutor executor = TemporalMapExecutor.builder()
                        .target(args[0])
                        .heartbeatTimeout(Duration.ofSeconds(2))
                        .build();
                Prodigy prodigy = Prodigy.builder()
                        .workingDirectory(repo)
                        .home(home)
                        .isolation(isolation.build())
                        .mapExecutor(executor)
                        .build()) {
            RunResult result;
            if (args[3].equals("run")) {
                RunHandle handle = prodigy.start(ClusterWorkflow.create(), RunOptions.DEFAULT);
                System.out.println("RUN_ID=" + handle.runId());
                System.out.flush();
                result = handle.await();
            } else {
                System.out.println("RUN_ID=" + args[4]);
                System.out.flush();
                result = prodigy.resume(args[4], ClusterWorkflow.create(), ResumeOptions.DEFAULT);
            }
            for (ItemResult i : result.items()) {
                System.out.println("ITEM=" + i.itemJson().replace("\"", "") + " " + i.attempts() + " " + i.status());
            }
            System.out.println("RESULT=" + result.status());
            System.out.flush();
        }
    }
}
