package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunPhase;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.engine.step.StepOutcome;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.engine.step.StepScope;
import io.prodigy.core.internal.expr.ItemPipeline;
import io.prodigy.core.internal.input.JsonPathQuery;
import io.prodigy.core.internal.input.WorkItemReader;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads a map phase's work items (a file, literal values or a command's output, in the run's worktree) and applies
 * its {@code filter}, {@code sort_by}, {@code distinct}, {@code offset} and {@code max_items}.
 */
final class MapItemSource {
    private final RunServices run;
    private final Workspace runWorkspace;
    private final StepPipeline steps;
    private final Stage.MapReduce stage;
    private final Variables stageVars;

    /** The selected items, and whether they came from a command's output (plain lines, not JSON documents). */
    record Selection(List<JsonNode> items, boolean commandLines) {}

    /**
     * @param run the run's services
     * @param runWorkspace the run's worktree: relative input paths and input commands resolve there
     * @param steps the step runner, for an input command
     * @param stage the stage
     * @param stageVars the stage's variables, for {@code ${...}} in the input
     */
    MapItemSource(
            RunServices run, Workspace runWorkspace, StepPipeline steps, Stage.MapReduce stage, Variables stageVars) {
        this.run = run;
        this.runWorkspace = runWorkspace;
        this.steps = steps;
        this.stage = stage;
        this.stageVars = stageVars;
    }

    /**
     * @param map the map phase
     * @return the items, selected and in order
     * @throws WorkflowDefinitionException if the input command fails or an expression is invalid
     * @throws InterruptedException if interrupted while an input command runs
     */
    Selection select(MapPhase map) throws InterruptedException {
        WorkInput input = map.input();
        Path dir = runWorkspace.directory();
        String where = "map input of stage '" + stage.name() + "'";
        List<JsonNode> raw;
        boolean commandLines = false;
        if (input instanceof WorkInput.Values values) {
            raw = WorkItemReader.fromValues(values.values());
        } else if (input instanceof WorkInput.JsonFile file) {
            String path = Interpolator.interpolate(file.path(), stageVars, Interpolator.Quoting.NONE, where);
            raw = WorkItemReader.fromJsonFile(dir.resolve(path), file.jsonPath());
        } else if (input instanceof WorkInput.Command cmd) {
            commandLines = true;
            raw = fromCommand(cmd.command(), cmd.jsonPath(), where);
        } else if (input instanceof WorkInput.Detect detect) {
            String text = Interpolator.interpolate(detect.input(), stageVars, Interpolator.Quoting.NONE, where);
            if (WorkItemReader.looksLikeFile(dir, text)) {
                raw = WorkItemReader.fromJsonFile(dir.resolve(text.strip()), detect.jsonPath());
            } else {
                commandLines = true;
                raw = fromCommand(detect.input(), detect.jsonPath(), where);
            }
        } else {
            throw new IllegalStateException("unknown input " + input);
        }
        ItemPipeline pipeline = ItemPipeline.builder()
                .filter(checked(
                        "map.filter",
                        map.filter(),
                        () -> ItemPipeline.builder().filter(map.filter()).build()))
                .sortBy(checked(
                        "map.sort_by",
                        map.sortBy(),
                        () -> ItemPipeline.builder().sortBy(map.sortBy()).build()))
                .distinct(checked(
                        "map.distinct",
                        map.distinct(),
                        () -> ItemPipeline.builder().distinct(map.distinct()).build()))
                .offset(map.offset())
                .maxItems(map.maxItems())
                .build();
        try {
            return new Selection(pipeline.apply(raw, stageVars::resolve), commandLines);
        } catch (io.prodigy.api.ExpressionException e) {
            throw new WorkflowDefinitionException(
                    keyed(
                            map.filter() != null && map.sortBy() != null
                                    ? "map.filter or map.sort_by"
                                    : map.filter() != null ? "map.filter" : "map.sort_by",
                            e),
                    e);
        }
    }

    /**
     * Whether {@link #select} reads (or read, before a resume) the items from a command's output, without running
     * anything: a resumed run takes its items from the journal but must give {@code ${item_json}} the same value.
     *
     * @param map the map phase
     * @return whether the items are a command's output lines
     */
    boolean readsCommandLines(MapPhase map) {
        WorkInput input = map.input();
        if (input instanceof WorkInput.Command) {
            return true;
        }
        if (input instanceof WorkInput.Detect detect) {
            String where = "map input of stage '" + stage.name() + "'";
            try {
                String text = Interpolator.interpolate(detect.input(), stageVars, Interpolator.Quoting.NONE, where);
                return !WorkItemReader.looksLikeFile(runWorkspace.directory(), text);
            } catch (io.prodigy.api.InterpolationException e) {
                return false; // not resolvable now: take the items as the journal holds them
            }
        }
        return false;
    }

    /**
     * @return {@code value}, once {@code parse} accepted it
     * @throws WorkflowDefinitionException naming the key, the stage and the workflow when it did not
     */
    private String checked(String key, String value, Runnable parse) {
        if (value == null) {
            return null;
        }
        try {
            parse.run();
            return value;
        } catch (io.prodigy.api.ExpressionException e) {
            throw new WorkflowDefinitionException(keyed(key, e), e);
        }
    }

    private String keyed(String key, RuntimeException e) {
        return key + " of stage '" + stage.name() + "' in workflow '"
                + run.workflow().name() + "' is invalid: " + e.getMessage();
    }

    private List<JsonNode> fromCommand(String template, String jsonPath, String where) throws InterruptedException {
        String command = Interpolator.interpolate(template, stageVars, Interpolator.Quoting.SHELL, where);
        StepScope scope = new StepScope(stageVars, runWorkspace, RunPhase.MAP.id(), null, null, Map.of());
        StepOutcome o = steps.runShell(command, Step.shell(template).build(), scope, Duration.ofMinutes(5), where);
        if (!o.success()) {
            throw new WorkflowDefinitionException("the " + where + " command failed: "
                    + (o.error() == null ? "exit " + o.exitCode() : o.error().message()));
        }
        List<JsonNode> items = WorkItemReader.fromCommandOutput(o.stdout());
        if (jsonPath != null && !jsonPath.isBlank() && items.size() == 1) {
            return JsonPathQuery.compile(jsonPath).select(items.get(0));
        }
        return items;
    }
}
