package io.prodigy.core;

import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Workflow;
import java.util.List;
import java.util.Optional;

/**
 * Finds where a workflow runs several items at once: a map phase with {@code max_parallel} above 1, or a
 * {@code foreach} with {@code parallel} above 1. Without isolation, such items would all work in one directory at
 * the same time; the engine's default and the command line refuse that unless the user chose it explicitly.
 */
public final class ParallelWork {
    private ParallelWork() {}

    /**
     * @param workflow the workflow
     * @param maxParallel the run's {@code max_parallel} override, or null for the workflow's own
     * @return a description of the first place that runs items in parallel (for messages), or empty if none does
     * @throws io.prodigy.api.WorkflowDefinitionException if the workflow is null
     */
    public static Optional<String> find(Workflow workflow, Integer maxParallel) {
        io.prodigy.api.WorkflowDefinitionException.requireNonNull(workflow, "workflow");
        for (Stage stage : workflow.stages()) {
            if (stage instanceof Stage.MapReduce mr) {
                int parallel = maxParallel != null ? maxParallel : mr.map().maxParallel();
                if (parallel > 1) {
                    return Optional.of(
                            "the map phase of '" + mr.name() + "' runs up to " + parallel + " items at once");
                }
                Optional<String> f = inSteps(mr.setup().steps())
                        .or(() -> inSteps(mr.map().agentTemplate()))
                        .or(() -> inSteps(mr.reduce()));
                if (f.isPresent()) {
                    return f;
                }
            } else if (stage instanceof Stage.Steps plain) {
                Optional<String> f = inSteps(plain.steps());
                if (f.isPresent()) {
                    return f;
                }
            }
        }
        return inSteps(workflow.merge());
    }

    private static Optional<String> inSteps(List<Step> steps) {
        for (Step s : steps) {
            if (s.action() instanceof StepAction.Foreach fe) {
                if (fe.parallel() > 1) {
                    return Optional.of("'" + s.label() + "' runs up to " + fe.parallel() + " elements at once");
                }
                Optional<String> inner = inSteps(fe.steps());
                if (inner.isPresent()) {
                    return inner;
                }
            }
            Optional<String> f = inSteps(s.onSuccess());
            if (f.isEmpty() && s.onFailure() != null) {
                f = inSteps(s.onFailure().handlers());
            }
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }
}
