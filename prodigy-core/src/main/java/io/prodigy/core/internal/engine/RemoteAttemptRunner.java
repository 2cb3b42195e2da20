package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.Stage;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.WorkflowFingerprint;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.interpolate.Variables;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an attempt that a coordinator dispatched to this process (a worker of a remote map executor): the agent
 * template of the attempt's stage, with the variables and environment the coordinator shipped and the workflow's
 * secrets as this process knows them.
 */
public final class RemoteAttemptRunner {
    private RemoteAttemptRunner() {}

    /**
     * @param services fresh services for the attempt (its run id is the coordinator's run id + "-worker")
     * @param budget the attempt's budget (no cost limit)
     * @param attempt the attempt
     * @param workspace the item's workspace, already made by the caller
     * @param onceSteps the once-per-worktree steps that succeeded in this process's reused workspaces
     * @return the outcome (holding {@code workspace})
     * @throws WorkflowDefinitionException if the workflow here is not the coordinator's (fingerprints differ) or
     *     its stage is not a MapReduce
     * @throws InterruptedException if interrupted (the running agent is stopped)
     */
    static MapAttemptOutcome run(
            RunServices services,
            RunBudget budget,
            MapAttempt attempt,
            Workspace workspace,
            OncePerWorktreeSteps onceSteps)
            throws InterruptedException {
        String here = WorkflowFingerprint.of(services.workflow());
        if (attempt.workflowHash() != null && !attempt.workflowHash().equals(here)) {
            throw new WorkflowDefinitionException(
                    "the workflow '" + services.workflow().name() + "' on this worker "
                            + "is not the coordinator's (fingerprint " + here + " here, " + attempt.workflowHash()
                            + " there); run the same definition on both");
        }
        if (attempt.stageIndex() < 0
                || attempt.stageIndex() >= services.workflow().stages().size()
                || !(services.workflow().stages().get(attempt.stageIndex()) instanceof Stage.MapReduce stage)) {
            throw new WorkflowDefinitionException("stage " + attempt.stageIndex() + " of workflow '"
                    + services.workflow().name() + "' is not a MapReduce stage");
        }
        Variables vars = Variables.root(System.getenv());
        for (Map.Entry<String, String> e : attempt.variables().entrySet()) {
            vars.put(e.getKey(), parse(e.getValue(), "variable " + e.getKey()));
        }
        Map<String, String> env = new LinkedHashMap<>(attempt.environment());
        services.workflow().secrets().forEach((k, v) -> {
            vars.putString(k, v);
            env.put(k, v);
        });
        env.put("PRODIGY_RUN_ID", services.runId());
        RunServices run = services.withProcessEnv(env);
        JsonNode item = parse(attempt.itemJson(), "item " + attempt.itemId());
        JsonNode itemJsonVariable = vars.resolve("item_json"); // the coordinator's ${item_json}, if it shipped one
        return ItemTemplate.run(
                run,
                new StepPipeline(run, budget),
                vars,
                stage.map(),
                attempt.itemIndex(),
                attempt.itemId(),
                item,
                itemJsonVariable.isTextual() ? itemJsonVariable.textValue() : attempt.itemJson(),
                attempt.attempt(),
                workspace,
                attempt.stageIndex(),
                onceSteps);
    }

    private static JsonNode parse(String json, String what) {
        try {
            return Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new WorkflowDefinitionException(
                    "the attempt's " + what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
