package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.RunPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.RunSummary;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.engine.step.OutputCapture;
import io.prodigy.core.internal.engine.step.StepOutcome;
import io.prodigy.core.internal.engine.step.StepPipeline;
import io.prodigy.core.internal.engine.step.StepScope;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import io.prodigy.core.store.RunMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a whole workflow, stage after stage, and assembles the {@link RunResult}. */
public final class WorkflowRunner {
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunner.class);

    private final RunServices run;
    private final RunBudget budget;
    private final StepPipeline steps;
    private final List<ItemResult> items = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<io.prodigy.api.StepRecord> stepRecords =
            java.util.Collections.synchronizedList(new ArrayList<>());
    /** The run's workspace, once the isolation strategy opened it. */
    private Workspace runWorkspace;

    private final Variables vars;
    private final ResumeState resume;
    private final RunRecord resumed;
    private final SecretReferences secretReferences;
    private boolean paused;
    /** Whether a resumed run has passed the point where an interrupted top-level step is undone. */
    private boolean interruptionHandled;

    /**
     * The key under which step and phase records keep the run workspace's head (JSON text of the commit id); not a
     * variable (a name cannot start with {@code @}), never restored.
     */
    static final String HEAD_KEY = "@head";

    private Duration mapWall = Duration.ZERO;
    private long mapSlotNanos;

    /**
     * A runner for a new run, or one that resumes an interrupted run.
     *
     * @param run the run's services (with the interrupted run's id when resuming)
     * @param budget the run's budget
     * @param vars the run's root variables
     * @param resume what the interrupted run had finished, or null for a new run
     * @param resumed the interrupted run's record, or null for a new run
     */
    public WorkflowRunner(RunServices run, RunBudget budget, Variables vars, ResumeState resume, RunRecord resumed) {
        this.run = run;
        this.budget = budget;
        this.steps = new StepPipeline(run, budget);
        this.vars = vars;
        this.resume = resume;
        this.resumed = resumed;
        this.secretReferences = new SecretReferences(run.workflow().secrets());
    }

    /**
     * Runs the workflow to the end, a failure, or cancellation.
     *
     * @param workflowHash the workflow's hash for the run record
     * @return the result; never throws for a failing step or item
     */
    public RunResult run(String workflowHash) {
        Instant started = run.clock().instant();
        if (resumed == null) {
            run.checkpoints()
                    .createRun(new RunRecord(
                            run.runId(),
                            run.workflow().name(),
                            workflowHash,
                            RunStatus.RUNNING,
                            run.projectDirectory(),
                            null,
                            started,
                            started,
                            run.metadata()));
        } else {
            run.checkpoints().updateStatus(run.runId(), RunStatus.RUNNING, started);
        }
        run.events()
                .emit(new RunEvent.RunStarted(
                        run.runId(), started, run.workflow().name()));
        RunStatus status;
        String failure = null;
        try {
            RunContext context = new RunContext(
                    run.runId(),
                    run.workflow().name(),
                    run.projectDirectory(),
                    run.stateDirectory(),
                    mergeSteps(),
                    run.agentRunner(),
                    run.home(),
                    new EngineConflictResolver(run, steps, vars, () -> runWorkspace, stepRecords));
            runWorkspace = resumed != null
                    ? run.isolation().resumeRun(context, resumed.workspace())
                    : run.isolation().openRun(context);
            CrashPoints.reach(CrashPoints.Point.WORKSPACE_OPEN, "");
            run.checkpoints()
                    .findRun(run.runId())
                    .ifPresent(r -> run.checkpoints().updateRun(r.withWorkspace(runWorkspace.directory())));
            if (resumed == null) {
                String head = headOf();
                if (head != null) {
                    run.journal(new JournalEntry.PhaseCompleted(
                            run.clock().instant(), -1, RunPhase.START.id(), Map.of(HEAD_KEY, head)));
                }
            }
            vars.putString("workflow.worktree", runWorkspace.directory().toString());
            vars.putString("PROJECT_ROOT", runWorkspace.directory().toString());
            failure = runStages();
            if (run.cancellation().isCancelled()) {
                status = RunStatus.CANCELLED;
                failure = failure == null ? "the run was cancelled" : failure;
            } else if (paused) {
                status = RunStatus.PAUSED;
            } else if (failure != null) {
                status = RunStatus.FAILED;
            } else if (items.stream().anyMatch(i -> i.status() != ItemStatus.SUCCEEDED)) {
                status = RunStatus.COMPLETED_WITH_FAILURES;
            } else {
                status = RunStatus.SUCCEEDED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = RunStatus.CANCELLED;
            failure = "the run was interrupted";
        } catch (ProdigyException e) {
            status = RunStatus.FAILED;
            failure = run.masker().mask(e.getMessage());
            LOG.error("Run {} failed: {}", run.runId(), failure);
        }
        if (runWorkspace != null) {
            try {
                CrashPoints.reach(CrashPoints.Point.FINAL_MERGE, status.name());
                run.isolation().closeRun(runWorkspace, status, mergeSteps());
                CrashPoints.reach(CrashPoints.Point.FINAL_MERGE_DONE, status.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = RunStatus.CANCELLED;
                failure = failure == null ? "interrupted while merging back" : failure;
            } catch (ProdigyException e) {
                LOG.error("Closing run {} failed: {}", run.runId(), e.getMessage());
                failure = failure == null ? run.masker().mask(e.getMessage()) : failure;
                status = RunStatus.FAILED;
            }
        }
        run.progress().phase("done");
        Instant end = run.clock().instant();
        Duration duration = Duration.between(started, end);
        Double spentNow = budget.spentUsd();
        if (spentNow != null) {
            RunStatus finalStatus = status;
            run.checkpoints().findRun(run.runId()).ifPresent(r -> {
                Map<String, String> m = new LinkedHashMap<>(r.metadata());
                m.put(RunMetadata.SPENT_USD, String.valueOf(spentNow));
                m.putAll(run.metadata());
                m.put(RunMetadata.SPENT_USD, String.valueOf(spentNow));
                run.checkpoints()
                        .updateRun(new RunRecord(
                                r.runId(),
                                r.workflowName(),
                                r.workflowHash(),
                                finalStatus,
                                r.projectDirectory(),
                                r.workspace(),
                                r.startedAt(),
                                end,
                                m));
            });
        }
        run.checkpoints().updateStatus(run.runId(), status, end);
        run.events().emit(new RunEvent.RunFinished(run.runId(), end, status, duration));
        return new RunResult(
                run.runId(),
                run.workflow().name(),
                status,
                started,
                duration,
                List.copyOf(items),
                List.copyOf(stepRecords),
                renderVariables(),
                summary(),
                failure);
    }

    private MergeSteps mergeSteps() {
        List<Step> merge = run.workflow().merge();
        if (merge.isEmpty()) {
            return MergeSteps.NONE;
        }
        return new MergeSteps() {
            @Override
            public boolean isEmpty() {
                return false;
            }

            @Override
            public boolean run(Map<String, String> variables) throws InterruptedException {
                Variables mergeVars = vars.child();
                variables.forEach(mergeVars::putString);
                return runPhaseIn(
                                mergeVars,
                                -1,
                                "merge",
                                RunPhase.MERGE,
                                merge,
                                run.workflow().mergeTimeout())
                        == null;
            }
        };
    }

    /**
     * Runs the stages once per iteration ({@code RunOptions.maxIterations}, workflows without a map phase only):
     * iteration 2 and later run only when the iteration before made commits. Each iteration's stages have their
     * own indices in the journal, so a resume continues in the iteration it stopped in.
     *
     * @return null when every stage succeeded, else the reason
     */
    private String runStages() throws InterruptedException {
        List<Stage> stages = run.workflow().stages();
        int iterations = run.workflow().isMapReduce() ? 1 : run.options().maxIterations();
        if (run.workflow().isMapReduce() && run.options().maxIterations() > 1) {
            LOG.warn(
                    "-n/--max-iterations {} is ignored: a MapReduce workflow runs once (as in the Rust tool)",
                    run.options().maxIterations());
        }
        for (int iteration = 1; iteration <= iterations; iteration++) {
            vars.put("workflow.iteration", com.fasterxml.jackson.databind.node.IntNode.valueOf(iteration));
            vars.putString("ITERATION", String.valueOf(iteration));
            if (iterations > 1) {
                LOG.info("Iteration {} of {}", iteration, iterations);
            }
            String headBefore = headOf();
            boolean doneBefore = resume != null;
            for (int s = 0; s < stages.size(); s++) {
                int journaled = (iteration - 1) * stages.size() + s;
                doneBefore = doneBefore
                        && stages.get(s) instanceof Stage.Steps
                        && resume.phaseDone(journaled, RunPhase.STEPS.id());
            }
            for (int s = 0; s < stages.size(); s++) {
                if (run.cancellation().isCancelled()) {
                    return "the run was cancelled";
                }
                Stage stage = stages.get(s);
                int index = (iteration - 1) * stages.size() + s;
                String failure;
                if (stage instanceof Stage.Steps plain) {
                    failure = runPhase(index, stage.name(), RunPhase.STEPS, plain.steps(), null);
                } else {
                    failure = runMapReduce(index, (Stage.MapReduce) stage);
                }
                if (failure != null) {
                    return iterations > 1 ? "iteration " + iteration + ": " + failure : failure;
                }
            }
            // an iteration finished before a resume was judged then: the run went on, so it made changes
            if (iteration < iterations && !doneBefore && headBefore != null && headBefore.equals(headOf())) {
                LOG.warn("Stopping after iteration {} of {}: it made no changes", iteration, iterations);
                break;
            }
        }
        return null;
    }

    private String runPhase(
            int stageIndex, String stageName, RunPhase phase, List<Step> list, Map<String, SetupCapture> captures)
            throws InterruptedException {
        return runPhase(stageIndex, stageName, phase, list, captures, null);
    }

    private String runPhase(
            int stageIndex,
            String stageName,
            RunPhase phase,
            List<Step> list,
            Map<String, SetupCapture> captures,
            Duration timeout)
            throws InterruptedException {
        return runPhaseIn(vars, stageIndex, stageName, phase, list, captures, timeout);
    }

    private String runPhaseIn(
            Variables phaseVars, int stageIndex, String stageName, RunPhase phase, List<Step> list, Duration timeout)
            throws InterruptedException {
        return runPhaseIn(phaseVars, stageIndex, stageName, phase, list, null, timeout);
    }

    private String runPhaseIn(
            Variables vars,
            int stageIndex,
            String stageName,
            RunPhase kind,
            List<Step> list,
            Map<String, SetupCapture> captures,
            Duration timeout)
            throws InterruptedException {
        String phase = kind.id();
        if (list.isEmpty()) {
            return null;
        }
        if (resume != null && stageIndex >= 0 && resume.phaseDone(stageIndex, phase)) {
            restore(vars, resume.phaseVariables(stageIndex, phase));
            LOG.info("Resume: {} of stage '{}' finished before; skipped", phase, stageName);
            return null;
        }
        run.progress().phase(phase);
        Instant start = run.clock().instant();
        run.events().emit(new RunEvent.PhaseStarted(run.runId(), start, stageName, phase));
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        StepScope scope =
                new StepScope(vars, runWorkspace, phase, null, deadline, Map.of("PRODIGY_RUN_ID", run.runId()));
        String failure = null;
        for (int i = 0; i < list.size(); i++) {
            Step step = list.get(i);
            String location = stageIndex + "/" + phase + "/" + i;
            Map<String, String> done = resume == null || stageIndex < 0 ? null : resume.stepDone(stageIndex, phase, i);
            if (done != null) {
                restore(vars, done);
                LOG.info("Resume: {} finished before; skipped", scope.where(i, step.label()));
                continue;
            }
            if (budget.reached()) {
                paused = true;
                failure = budgetMessage();
                break;
            }
            if (resume != null && stageIndex >= 0 && !interruptionHandled) {
                interruptionHandled = true;
                undoInterruptedStep(scope.where(i, step.label()));
            }
            Map<String, JsonNode> before = vars.local();
            CrashPoints.reach(CrashPoints.Point.STEP, location);
            StepOutcome o = steps.execute(step, i, scope);
            stepRecords.add(new io.prodigy.api.StepRecord(
                    stageName,
                    scope.phase(),
                    i,
                    step.label(),
                    o.skipped(),
                    o.success(),
                    o.exitCode(),
                    o.duration(),
                    run.masker().mask(o.error())));
            if (captures != null) {
                for (Map.Entry<String, SetupCapture> c : captures.entrySet()) {
                    if (c.getValue().commandIndex() == i && o.success()) {
                        vars.put(c.getKey(), OutputCapture.setupValue(c.getKey(), c.getValue(), o));
                    }
                }
            }
            if (!o.success() && run.cancellation().isCancelled()) {
                // interrupted, not finished: no record, so that a resume undoes its partial work and runs it again
                failure = "the run was cancelled";
                break;
            }
            run.journal(new JournalEntry.StepCompleted(
                    run.clock().instant(), location, o.success(), withHead(delta(before, vars.local()))));
            if (!o.success()) {
                failure = run.masker()
                        .mask(
                                o.error() == null
                                        ? step.label() + " failed"
                                        : o.error().message());
                break;
            }
        }
        run.events()
                .emit(new RunEvent.PhaseFinished(
                        run.runId(),
                        run.clock().instant(),
                        stageName,
                        phase,
                        failure == null,
                        Duration.between(start, run.clock().instant())));
        if (failure == null) {
            run.journal(new JournalEntry.PhaseCompleted(
                    run.clock().instant(), stageIndex, phase, withHead(delta(Map.of(), vars.local()))));
        }
        return failure;
    }

    /** @return the run workspace's head, or null without version control */
    private String headOf() {
        return runWorkspace.versionControl().map(VersionControl::head).orElse(null);
    }

    private Map<String, String> withHead(Map<String, String> variables) {
        String head = headOf();
        if (head == null) {
            return variables;
        }
        Map<String, String> out = new TreeMap<>(variables);
        out.put(HEAD_KEY, head);
        return out;
    }

    /**
     * Before a resumed run's first step: a step that a crash (or a cancellation) interrupted may have committed part
     * of its work, or left changes, in the run's workspace; it runs again from the head the last completed step
     * left, so its commits land once. Commits after that head are dropped (they stay in git's reflog), uncommitted
     * changes go to git's stash. A step that ended by failing leaves no such point: its work stays for the user.
     */
    private void undoInterruptedStep(String where) {
        String head = resume.headBeforeInterruption();
        Optional<VersionControl> vc = runWorkspace.versionControl();
        if (head == null || vc.isEmpty()) {
            return;
        }
        try {
            String now = vc.get().head();
            boolean dirty = vc.get().isDirty();
            if (now.equals(head) && !dirty) {
                return;
            }
            if (vc.get().discardSince(head)) {
                LOG.warn(
                        "Resume: {} was interrupted; undoing what it left in the run's workspace (head {} back to {}"
                                + "{}) before running it again",
                        where,
                        now,
                        head,
                        dirty ? ", uncommitted changes stashed" : "");
            } else {
                LOG.warn(
                        "Resume: the run's workspace is at {}, which does not descend from {} where {} started; "
                                + "running it again on top of it",
                        now,
                        head,
                        where);
            }
        } catch (UnsupportedOperationException e) {
            LOG.debug("Resume: {} cannot undo an interrupted step: {}", runWorkspace, e.getMessage());
        }
    }

    private String budgetMessage() {
        return String.format(
                java.util.Locale.ROOT,
                "the cost budget of $%.2f is spent ($%.2f so far); the run is "
                        + "paused - resume it with a higher budget",
                run.options().budgetUsd(),
                budget.spentUsd());
    }

    /**
     * The variables that changed, as JSON text, leaving out the secrets themselves; a secret value inside another
     * variable is journaled as a reference to the secret, so that a resume restores the real value.
     */
    Map<String, String> delta(Map<String, JsonNode> before, Map<String, JsonNode> after) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            if (run.workflow().secrets().containsKey(e.getKey())) {
                continue;
            }
            if (!e.getValue().equals(before.get(e.getKey()))) {
                out.put(e.getKey(), secretReferences.encode(Json.write(e.getValue())));
            }
        }
        return out;
    }

    private void restore(Variables vars, Map<String, String> saved) {
        if (saved == null) {
            return;
        }
        for (Map.Entry<String, String> e : saved.entrySet()) {
            if (e.getKey().equals(HEAD_KEY)) {
                continue;
            }
            try {
                vars.put(e.getKey(), Json.parse(secretReferences.decode(e.getValue())));
            } catch (JsonProcessingException ex) {
                LOG.warn("Resume: variable {} could not be restored: {}", e.getKey(), ex.getOriginalMessage());
            }
        }
    }

    private String runMapReduce(int stageIndex, Stage.MapReduce stage) throws InterruptedException {
        String failure = runPhase(
                stageIndex,
                stage.name(),
                RunPhase.SETUP,
                stage.setup().steps(),
                stage.setup().captureOutputs(),
                stage.setup().timeout());
        if (failure != null) {
            return "setup failed: " + failure;
        }
        String headBeforeMap = resume != null ? headOf() : null;
        run.progress().phase(RunPhase.MAP.id());
        Instant start = run.clock().instant();
        run.events().emit(new RunEvent.PhaseStarted(run.runId(), start, stage.name(), RunPhase.MAP.id()));
        MapStageExecutor.MapOutcome map;
        try {
            map = new MapStageExecutor(run, budget, runWorkspace, steps, stage, stageIndex, vars, resume).run();
        } catch (ProdigyException e) {
            run.events()
                    .emit(new RunEvent.PhaseFinished(
                            run.runId(),
                            run.clock().instant(),
                            stage.name(),
                            RunPhase.MAP.id(),
                            false,
                            Duration.between(start, run.clock().instant())));
            return "map phase of '" + stage.name() + "' failed: " + run.masker().mask(e.getMessage());
        }
        // whether the map phase worked in this process: else the journal already holds its completion, and the head
        // now may be the work of an interrupted reduce step, which must not be recorded as where the map ended (a
        // resume killed in that step again would take that head for the point to undo to, and keep the partial step)
        boolean mapWorkedHere = resume == null
                || !resume.phaseDone(stageIndex, RunPhase.MAP.id())
                || !java.util.Objects.equals(headBeforeMap, headOf());
        if (resume != null && !interruptionHandled && mapWorkedHere) {
            // what follows starts from the map phase's result, nothing to undo
            interruptionHandled = true;
        }
        items.addAll(map.items());
        mapWall = mapWall.plus(map.wallTime());
        mapSlotNanos += map.wallTime().toNanos() * map.maxParallel();
        int ok = 0;
        int failed = 0;
        List<ItemResult> ran = new ArrayList<>(map.items().size());
        for (ItemResult r : map.items()) {
            if (r.status() == ItemStatus.SUCCEEDED) {
                ok++;
            } else if (r.status() == ItemStatus.FAILED) {
                failed++;
            }
            if (r.status() != ItemStatus.NOT_RUN) {
                ran.add(r);
            }
        }
        // Each element is built when read: a million items' result objects would not fit in a small heap, and
        // most workflows never read them. The node is read-only, as variables are.
        ArrayNode results = new ArrayNode(Json.NODES, new java.util.AbstractList<JsonNode>() {
            @Override
            public JsonNode get(int index) {
                return MapStageExecutor.resultJson(ran.get(index));
            }

            @Override
            public int size() {
                return ran.size();
            }
        });
        vars.put("map.successful", IntNode.valueOf(ok));
        vars.put("map.failed", IntNode.valueOf(failed));
        vars.put("map.total", IntNode.valueOf(map.items().size()));
        vars.put("map.results", results);
        boolean mapOk = !map.stoppedByPolicy() && !run.cancellation().isCancelled();
        run.events()
                .emit(new RunEvent.PhaseFinished(
                        run.runId(), run.clock().instant(), stage.name(), RunPhase.MAP.id(), mapOk, map.wallTime()));
        Map<String, String> aggregates = new LinkedHashMap<>();
        aggregates.put("map.successful", String.valueOf(ok));
        aggregates.put("map.failed", String.valueOf(failed));
        aggregates.put("map.total", String.valueOf(map.items().size()));
        if (mapWorkedHere) {
            run.journal(new JournalEntry.PhaseCompleted(
                    run.clock().instant(), stageIndex, RunPhase.MAP.id(), withHead(aggregates)));
        }
        if (run.cancellation().isCancelled()) {
            return "the run was cancelled";
        }
        if (map.pausedByBudget()) {
            paused = true;
            return budgetMessage();
        }
        if (map.stoppedByPolicy()) {
            return "map phase of '" + stage.name() + "' " + map.stopReason() + "; reduce was skipped";
        }
        if (resume != null && resume.rerunsReduce() && resume.phaseDone(stageIndex, RunPhase.REDUCE.id())) {
            long fresh = map.items().stream()
                    .filter(r -> r.status() == ItemStatus.SUCCEEDED && !resume.succeededBefore(stageIndex, r.itemId()))
                    .count();
            if (fresh > 0) {
                LOG.info(
                        "{} retried item(s) of stage '{}' were integrated; reduce runs again with the new map "
                                + "results",
                        fresh,
                        stage.name());
                resume.forgetPhase(stageIndex, RunPhase.REDUCE.id());
            }
        }
        failure = runPhase(stageIndex, stage.name(), RunPhase.REDUCE, stage.reduce(), null);
        return failure == null ? null : "reduce failed: " + failure;
    }

    /** Arrays and objects with more elements than this are left out of {@link RunResult#variables()}. */
    static final int MAX_RENDERED_ELEMENTS = 10_000;

    private Map<String, String> renderVariables() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : vars.local().entrySet()) {
            if (e.getValue().size() > MAX_RENDERED_ELEMENTS) {
                // ${map.results} of a huge run would be one string of hundreds of megabytes; RunResult.items()
                // holds the same results
                continue;
            }
            out.put(e.getKey(), run.masker().mask(Interpolator.render(e.getValue())));
        }
        return out;
    }

    private RunSummary summary() {
        int total = items.size();
        int ok = 0;
        int failed = 0;
        int dlq = 0;
        int notRun = 0;
        long itemNanos = 0;
        int finished = 0;
        Double cost = null;
        for (ItemResult r : items) {
            switch (r.status()) {
                case SUCCEEDED:
                    ok++;
                    break;
                case FAILED:
                    failed++;
                    break;
                default:
                    notRun++;
            }
            if (r.deadLettered()) {
                dlq++;
            }
            if (r.status() == ItemStatus.SUCCEEDED || r.status() == ItemStatus.FAILED) {
                itemNanos += r.duration().toNanos();
                finished++;
            }
            if (r.costUsd() != null) {
                cost = cost == null ? r.costUsd() : cost + r.costUsd();
            }
        }
        double secs = mapWall.toNanos() / 1e9;
        double throughput = secs > 0 ? finished / secs : 0;
        double efficiency = mapSlotNanos > 0 ? Math.min(1.0, (double) itemNanos / mapSlotNanos) : 0;
        Duration avg = finished == 0 ? Duration.ZERO : Duration.ofNanos(itemNanos / finished);
        Double spent = budget.spentUsd();
        return new RunSummary(
                total,
                ok,
                failed,
                dlq,
                notRun,
                mapWall,
                throughput,
                efficiency,
                avg,
                spent != null ? spent : cost,
                budget.tokens());
    }

    static ErrorKind kindOf(StepOutcome o) {
        return o.error() == null ? ErrorKind.UNKNOWN : o.error().kind();
    }

    static List<String> names(List<Step> steps) {
        List<String> out = new ArrayList<>();
        steps.forEach(s -> out.add(s.label()));
        return out;
    }
}
