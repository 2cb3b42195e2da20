package io.prodigy.temporal;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.util.List;

/** The workflow the cluster tests run, built the same way on the coordinator and on every worker. */
final class ClusterWorkflow {
    /** Items of the cluster test. */
    static final List<Object> ITEMS = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");

    private ClusterWorkflow() {}

    /**
     * Each agent writes a marker naming the worker it runs on (and its pid), waits until the test releases the
     * agents, then commits one file.
     *
     * @return the workflow
     */
    static Workflow create() {
        String agent = "m=\"$PRODIGY_TEST_MARKERS\"; echo $$ >> \"$m/started-${item}-$WORKER_NAME\"; "
                + "while [ ! -e \"$m/release\" ]; do sleep 0.05; done; "
                + "echo \"${item}\" > \"item-${item}.txt\" && git add \"item-${item}.txt\" "
                + "&& git commit -q -m \"item ${item}\"";
        return Workflow.mapReduce("cluster")
                .map(MapPhase.builder()
                        .input(WorkInput.values(ITEMS))
                        .maxParallel(4)
                        .agentTemplate(Step.shell(agent).build()))
                .build();
    }
}
