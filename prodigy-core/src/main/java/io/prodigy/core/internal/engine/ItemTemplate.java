package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunPhase;
import io.prodigy.api.Step;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.engine.step.StepOutcome;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.engine.step.StepScope;
import io.prodigy.core.internal.interpolate.Variables;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a map phase's agent template for one item in one workspace, in this process: the part of an attempt that a
 * {@link io.prodigy.api.spi.MapExecutor} may run elsewhere. Integration, retries and bookkeeping stay with the
 * caller. A {@link Step#oncePerWorktree() once-per-worktree} step that already succeeded in a reused workspace is
 * skipped.
 */
final class ItemTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(ItemTemplate.class);

    private ItemTemplate() {}

    /**
     * @param run the run's services
     * @param steps the step runner
     * @param stageVars the stage's variables
     * @param map the map phase
     * @param index the item's index
     * @param itemId the item's id
     * @param item the item
     * @param itemJson the value of {@code ${item_json}} (the item as JSON)
     * @param attempt the attempt number
     * @param ws the item's workspace
     * @param stage the index of the map phase's stage
     * @param onceSteps the once-per-worktree steps that succeeded in reused workspaces so far
     * @return the outcome, holding {@code ws}
     * @throws InterruptedException if interrupted
     */
    static MapAttemptOutcome run(
            RunServices run,
            StepPipeline steps,
            Variables stageVars,
            MapPhase map,
            int index,
            String itemId,
            JsonNode item,
            String itemJson,
            int attempt,
            Workspace ws,
            int stage,
            OncePerWorktreeSteps onceSteps)
            throws InterruptedException {
        run.events()
                .emit(new RunEvent.ItemStarted(
                        run.runId(),
                        run.clock().instant(),
                        itemId,
                        attempt,
                        ws.name(),
                        run.masker().mask(io.prodigy.core.ItemLabels.of(itemId, item))));
        Variables vars = stageVars.child();
        vars.put("item", item);
        vars.putString("item_id", itemId);
        vars.put("item_index", IntNode.valueOf(index));
        vars.putString("item_json", itemJson);
        vars.putString("worktree", ws.directory().toString());
        vars.putString("workspace", ws.directory().toString());
        if (item.isTextual()) {
            vars.putString("item.item", item.textValue());
        }
        Instant deadline = map.agentTimeout() == null ? null : Instant.now().plus(map.agentTimeout());
        StepScope scope = new StepScope(
                vars,
                ws,
                RunPhase.MAP.id(),
                itemId,
                deadline,
                Map.of("PRODIGY_ITEM_ID", itemId, "PRODIGY_RUN_ID", run.runId()));
        Optional<VersionControl> vcs = ws.versionControl();
        String base = vcs.map(VersionControl::head).orElse(null);
        StepOutcome last = null;
        ItemError error = null;
        Double cost = null;
        TokenUsage tokens = TokenUsage.NONE;
        List<Step> template = map.agentTemplate();
        for (int i = 0; i < template.size(); i++) {
            Step step = template.get(i);
            Optional<String> once = OncePerWorktreeSteps.keyOf(step, ws, stage, i);
            StepOutcome o;
            if (once.isPresent() && onceSteps.hasSucceeded(once.get())) {
                LOG.debug("Item {}: step '{}' already ran in worktree {}; skipped", itemId, step.label(), ws.name());
                o = steps.skip(step, i, scope);
            } else {
                o = steps.execute(step, i, scope);
                if (once.isPresent() && o.success() && !o.skipped()) {
                    onceSteps.succeeded(once.get());
                }
            }
            if (o.costUsd() != null) {
                cost = cost == null ? o.costUsd() : cost + o.costUsd();
            }
            if (!o.tokens().equals(TokenUsage.NONE)) {
                tokens = tokens.equals(TokenUsage.NONE) ? o.tokens() : tokens.plus(o.tokens());
            }
            if (!o.skipped()) {
                last = o;
            }
            if (!o.success()) {
                error = o.error();
                break;
            }
        }
        JsonNode transcript = vars.resolve("claude.transcript");
        if (error == null && run.cancellation().isCancelled()) {
            error = new ItemError(ErrorKind.CANCELLED, "the run was cancelled", null, null);
        }
        return new MapAttemptOutcome(
                ws,
                base,
                error,
                last == null ? "" : last.stdout(),
                cost,
                tokens,
                transcript.isMissingNode() ? null : transcript.asText(),
                1);
    }
}
