package io.prodigy.core.store;

import io.prodigy.api.RunOptions;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import java.nio.file.Path;

/**
 * A child JVM for {@link ResumeStopsLeftoverAgentsTest}: runs {@link #workflow} as run {@code args[1]} with home
 * {@code args[0]} in directory {@code args[2]}; it is killed while its step runs.
 */
public final class LeftoverAgentChild {
    private LeftoverAgentChild() {}

    /** A step that waits on a marked {@code sleep} until a flag file exists, and then returns at once. */
    static Workflow workflow(String marker) {
        return Workflow.sequential(
                "leftover",
                Step.shell("test -f flag || sleep " + marker).build(),
                Step.shell("echo second >> steps.txt").build());
    }

    /**
     * Runs the workflow.
     *
     * @param args home, run id, working directory, marker
     */
    public static void main(String[] args) {
        try (Prodigy prodigy = Prodigy.builder()
                .home(Path.of(args[0]))
                .workingDirectory(Path.of(args[2]))
                .build()) {
            System.out.println("starting");
            System.out.flush();
            prodigy.run(workflow(args[3]), RunOptions.builder().runId(args[1]).build());
        }
    }
}
