package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ExpressionException;
import io.prodigy.api.FileFormat;
import io.prodigy.api.InterpolationException;
import io.prodigy.api.ItemError;
import io.prodigy.api.OnFailure;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.Validation;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.WorkspaceChanges;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.expr.Expression;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import io.prodigy.core.internal.process.ProcessResult;
import io.prodigy.core.internal.process.ProcessRunner;
import io.prodigy.core.internal.process.ProcessSpec;
import io.prodigy.core.internal.retry.RetryState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one step with every control the model allows, in any phase: {@code when}, the action with its
 * retries and timeout, {@code commit_required}, capture, {@code on_exit_code}, {@code on_failure},
 * {@code on_success} and {@code validate}. Thread-safe: one instance serves the whole run.
 */
public final class StepExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(StepExecutor.class);
    private static final int INLINE_OUTPUT_LIMIT = 10_000;

    private final RunServices run;
    private final RunBudget budget;
    private final StepLogs stepLogs;
    private final Map<String, Expression> conditions = new ConcurrentHashMap<>();

    /**
     * @param run the run's services
     * @param budget the run's budget
     */
    public StepExecutor(RunServices run, RunBudget budget) {
        this.run = run;
        this.budget = budget;
        this.stepLogs = new StepLogs(run.stateDirectory(), run.masker());
    }

    /**
     * Runs a list of steps in order, stopping at the first failure.
     *
     * @param steps the steps
     * @param scope where they run
     * @return the outcome of the last step run, or of the first failing one
     * @throws InterruptedException if the run was interrupted
     */
    public StepOutcome runAll(List<Step> steps, StepScope scope) throws InterruptedException {
        StepOutcome last = StepOutcome.skippedStep();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            last = execute(step, i, scope);
            if (!last.success()) {
                return last;
            }
        }
        return last;
    }

    /**
     * Runs one step.
     *
     * @param step the step
     * @param index its index in its list (for messages and events)
     * @param scope where it runs
     * @return what it did
     * @throws InterruptedException if the run was interrupted
     */
    public StepOutcome execute(Step step, int index, StepScope scope) throws InterruptedException {
        Instant start = run.clock().instant();
        String label = step.label();
        if (step.when() != null && !conditionHolds(step, scope, index)) {
            StepOutcome skipped = StepOutcome.skippedStep();
            run.events().emit(new RunEvent.StepFinished(run.runId(), run.clock().instant(), scope.itemId(), scope.phase(),
                    index, label, true, true, null, Duration.ZERO));
            return skipped;
        }
        String command = filledIn(step, scope);
        run.events().emit(new RunEvent.StepStarted(run.runId(), start, scope.itemId(), scope.phase(), index, label,
                command));
        StepOutcome outcome;
        try {
            outcome = executeControlled(step, index, scope);
        } catch (InterpolationException | ExpressionException e) {
            outcome = StepOutcome.failure(ErrorKind.CONFIGURATION, e.getMessage(), label, Duration.ZERO);
        }
        outcome = outcome.withDuration(Duration.between(start, run.clock().instant()));
        stepLogs.append(scope, index, command, outcome);
        run.events().emit(new RunEvent.StepFinished(run.runId(), run.clock().instant(), scope.itemId(), scope.phase(),
                index, label, false, outcome.success(), outcome.exitCode(), outcome.duration(),
                stepLogs.tail(outcome.stdout(), outcome.stderr(), RunEvent.StepFinished.MAX_OUTPUT_CHARS)));
        return outcome;
    }

    /** @return the step's command with its variables filled in, for people (its label when that fails) */
    private String filledIn(Step step, StepScope scope) {
        String template = step.action() instanceof StepAction.Shell s ? s.command()
                : step.action() instanceof StepAction.Agent a ? a.command() : null;
        if (template == null || step.name() != null || template.indexOf('$') < 0) {
            return step.label();
        }
        try {
            String text = Interpolator.interpolate(template, scope.vars(), Interpolator.Quoting.NONE, "display");
            text = run.masker().mask(text.replaceAll("\\s+", " ").strip());
            String prefix = step.action() instanceof StepAction.Shell ? "shell: " : "claude: ";
            return prefix + (text.length() > 200 ? text.substring(0, 199) + "…" : text);
        } catch (RuntimeException e) {
            return step.label();
        }
    }

    private boolean conditionHolds(Step step, StepScope scope, int index) {
        Expression expr;
        try {
            expr = conditions.computeIfAbsent(step.when(), Expression::parse);
        } catch (ExpressionException e) {
            throw new ExpressionException(e.expression(), e.column(),
                    e.reason() + " (when: of " + scope.where(index, step.label()) + ")");
        }
        return expr.test(scope.vars()::resolve);
    }

    private StepOutcome executeControlled(Step step, int index, StepScope scope) throws InterruptedException {
        String label = step.label();
        Variables vars = scope.vars();
        Optional<VersionControl> vcs = scope.workspace().versionControl();
        String headBefore = vcs.map(VersionControl::head).orElse(null);

        StepOutcome outcome = runWithRetry(step, index, scope);
        capture(step, outcome, vars);

        if (outcome.exitCode() != null && step.onExitCode().containsKey(outcome.exitCode())) {
            StepOutcome handled = runAll(step.onExitCode().get(outcome.exitCode()), scope);
            if (!handled.success()) {
                outcome = outcome.withSuccess(false, handled.error());
            } else if (!outcome.success()) {
                outcome = outcome.withSuccess(true, null);
            }
        }
        if (!outcome.success() && step.onFailure() != null) {
            outcome = handleFailure(step, index, scope, outcome);
        }
        if (outcome.success() && !step.onSuccess().isEmpty()) {
            StepOutcome after = runAll(step.onSuccess(), scope);
            if (!after.success()) {
                outcome = outcome.withSuccess(false, after.error());
            }
        }
        if (outcome.success() && step.validate() != null) {
            outcome = validate(step, index, scope, outcome);
        }
        if (outcome.success() && !step.outputs().isEmpty()) {
            outcome = StepOutputs.resolve(step, scope, headBefore, scope.where(index, label), outcome);
        }
        if (headBefore != null) {
            setGitVariables(vcs.get(), headBefore, vars);
        }
        if (!outcome.success() && outcome.error() == null) {
            outcome = outcome.withSuccess(false, new ItemError(ErrorKind.UNKNOWN, label + " failed",
                    outcome.exitCode(), label));
        }
        return outcome;
    }

    /** Most throttled attempts of one step that do not count against its retries. */
    static final int MAX_THROTTLED_WAITS = 30;

    /**
     * Runs the action, retrying failed attempts under the step's policy. Attempts the agent backend throttled
     * (429, 529, exhausted quota) wait and try again without counting against the policy, up to
     * {@link #MAX_THROTTLED_WAITS}; the run's governor lowers concurrency meanwhile.
     */
    private StepOutcome runWithRetry(Step step, int index, StepScope scope) throws InterruptedException {
        RetryPolicy policy = step.retry() != null ? step.retry()
                : run.workflow().defaultRetry() != null ? run.workflow().defaultRetry() : RetryPolicy.NONE;
        RetryState retry = new RetryState(policy, run.random());
        Double cost = null;
        TokenUsage tokens = TokenUsage.NONE;
        int throttledWaits = 0;
        while (true) {
            StepOutcome attempt = runAttempt(step, index, scope);
            if (attempt.costUsd() != null) {
                cost = cost == null ? attempt.costUsd() : cost + attempt.costUsd();
            }
            tokens = tokens.plus(attempt.tokens());
            budget.addUsage(attempt.costUsd(), attempt.tokens());
            if (attempt.success() || run.cancellation().isCancelled()) {
                return attempt.withUsage(cost, tokens);
            }
            ErrorKind kind = attempt.error() != null ? attempt.error().kind() : ErrorKind.UNKNOWN;
            if (isThrottle(kind) && throttledWaits < MAX_THROTTLED_WAITS) {
                throttledWaits++;
                Duration wait = budget.throttled(scope.itemId(), kind, attempt.retryAfter(), throttledWaits);
                LOG.info("{} was throttled ({}); waiting {} ms before trying again (not counted as a retry)",
                        scope.where(index, step.label()), kind, wait.toMillis());
                budget.waitOutThrottle(wait);
                continue;
            }
            Optional<Duration> delay = retry.nextDelay(kind, attempt.failureText());
            if (delay.isEmpty()) {
                return attempt.withUsage(cost, tokens);
            }
            run.events().emit(new RunEvent.RetryScheduled(run.runId(), run.clock().instant(), scope.itemId(), step.label(),
                    retry.attempt(), delay.get(), run.masker().mask(attempt.error() == null ? "failed"
                    : attempt.error().message())));
            LOG.info("Retrying {} (attempt {}) in {} ms: {}", scope.where(index, step.label()), retry.attempt(),
                    delay.get().toMillis(), run.masker().mask(attempt.error() == null ? "" : attempt.error().message()));
            Waits.sleep(delay.get(), run.cancellation());
        }
    }

    static boolean isThrottle(ErrorKind kind) {
        return kind == ErrorKind.RATE_LIMITED || kind == ErrorKind.OVERLOADED || kind == ErrorKind.QUOTA_EXHAUSTED;
    }

    /** One attempt: the action, then the commit check. */
    private StepOutcome runAttempt(Step step, int index, StepScope scope) throws InterruptedException {
        if (run.cancellation().isCancelled()) {
            return StepOutcome.failure(ErrorKind.CANCELLED, "the run was cancelled", step.label(), Duration.ZERO);
        }
        Optional<VersionControl> vcs = scope.workspace().versionControl();
        boolean needsVcs = step.commitRequired() || step.autoCommit();
        if (needsVcs && vcs.isEmpty()) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, "commit_required/auto_commit need a version-controlled "
                    + "workspace, but " + scope.where(index, step.label()) + " runs in plain directory '"
                    + scope.workspace().name() + "'; use the git worktree isolation", step.label(), Duration.ZERO);
        }
        String before = needsVcs ? vcs.get().head() : null;
        StepOutcome outcome = runAction(step, index, scope);
        if (!outcome.success() || !needsVcs) {
            return outcome;
        }
        VersionControl vc = vcs.get();
        if (!vc.head().equals(before)) {
            return outcome;
        }
        if (step.autoCommit() && vc.isDirty()) {
            String message = step.commitMessage() != null
                    ? Interpolator.interpolate(step.commitMessage(), scope.vars(), Interpolator.Quoting.NONE,
                    scope.where(index, step.label()))
                    : "prodigy: " + step.label() + (scope.itemId() != null ? " (" + scope.itemId() + ")" : "");
            vc.commitAll(message);
            return outcome;
        }
        if (step.commitRequired()) {
            return outcome.withSuccess(false, new ItemError(ErrorKind.COMMIT_REQUIRED, "No commits created by "
                    + scope.where(index, step.label()) + ": the step has commit_required: true but HEAD did not move",
                    outcome.exitCode(), step.label()));
        }
        return outcome;
    }

    private StepOutcome runAction(Step step, int index, StepScope scope) throws InterruptedException {
        StepAction action = step.action();
        String where = scope.where(index, step.label());
        Duration timeout = effectiveTimeout(step.timeout(), scope.deadline());
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            return StepOutcome.failure(ErrorKind.TIMEOUT, "the item's agent timeout was reached before " + where,
                    step.label(), Duration.ZERO);
        }
        if (action instanceof StepAction.Shell shell) {
            String command = Interpolator.interpolate(shell.command(), scope.vars(), Interpolator.Quoting.SHELL, where);
            return runShell(command, step, scope, timeout, where, Map.of());
        }
        if (action instanceof StepAction.Agent agent) {
            String command = Interpolator.interpolate(agent.command(), scope.vars(), Interpolator.Quoting.PROMPT, where);
            return runAgent(command, step, scope, timeout, where);
        }
        if (action instanceof StepAction.WriteFile wf) {
            return writeFile(wf, step, scope, where);
        }
        if (action instanceof StepAction.Foreach fe) {
            return foreach(fe, step, scope, where, timeout);
        }
        throw new IllegalStateException("unknown step action " + action);
    }

    private static Duration effectiveTimeout(Duration stepTimeout, Instant deadline) {
        if (deadline == null) {
            return stepTimeout;
        }
        Duration remaining = Duration.between(Instant.now(), deadline);
        return stepTimeout == null || remaining.compareTo(stepTimeout) < 0 ? remaining : stepTimeout;
    }

    private Map<String, String> environment(Step step, StepScope scope, String where, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(run.processEnv());
        env.putAll(scope.env());
        for (Map.Entry<String, String> e : step.env().entrySet()) {
            env.put(e.getKey(), Interpolator.interpolate(e.getValue(), scope.vars(), Interpolator.Quoting.NONE, where));
        }
        env.putAll(extra);
        return env;
    }

    private Path workingDirectory(Step step, StepScope scope, String where) {
        Path base = scope.workspace().directory();
        if (step.workingDir() == null) {
            return base;
        }
        String dir = Interpolator.interpolate(step.workingDir(), scope.vars(), Interpolator.Quoting.NONE, where);
        return base.resolve(dir).normalize();
    }

    StepOutcome runShell(String command, Step step, StepScope scope, Duration timeout, String where,
                         Map<String, String> extraEnv) throws InterruptedException {
        Path cwd = workingDirectory(step, scope, where);
        if (!Files.isDirectory(cwd)) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, "working_dir does not exist: " + cwd + " (" + where
                    + ")", step.label(), Duration.ZERO);
        }
        ProcessSpec.Builder spec = ProcessSpec.shell(command)
                .workingDirectory(cwd)
                .environment(environment(step, scope, where, extraEnv))
                .timeout(timeout);
        if (step.outputFile() != null) {
            Path out = resolveInside(scope.workspace().directory(), Interpolator.interpolate(step.outputFile(),
                    scope.vars(), Interpolator.Quoting.NONE, where), "output_file", where);
            try {
                Path parent = out.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                return StepOutcome.failure(ErrorKind.CONFIGURATION, "cannot create the directory of output_file "
                        + out + ": " + e.getMessage(), step.label(), Duration.ZERO);
            }
            spec.stdoutFile(out);
        }
        ProcessResult r;
        try {
            r = ProcessRunner.run(spec.build(), run.cancellation());
        } catch (ProdigyException e) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, e.getMessage(), step.label(), Duration.ZERO);
        }
        ItemError error = null;
        if (r.timedOut()) {
            error = new ItemError(ErrorKind.TIMEOUT, where + " timed out after " + human(timeout)
                    + " and its processes were killed", r.exitCode(), step.label());
        } else if (r.cancelled()) {
            error = new ItemError(ErrorKind.CANCELLED, where + " was cancelled", r.exitCode(), step.label());
        } else if (r.exitCode() != 0) {
            error = new ItemError(ErrorKind.COMMAND_FAILED, where + " exited with code " + r.exitCode()
                    + tail(r.stderr().isBlank() ? r.stdout() : r.stderr()), r.exitCode(), step.label());
        }
        return new StepOutcome(error == null, false, r.exitCode(), r.stdout(), r.stderr(), r.duration(), error, null);
    }

    private static String human(Duration d) {
        if (d == null) {
            return "?";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static String tail(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return "";
        }
        if (t.length() > 2000) {
            t = "..." + t.substring(t.length() - 2000);
        }
        return ": " + t;
    }

    private StepOutcome runAgent(String command, Step step, StepScope scope, Duration timeout, String where)
            throws InterruptedException {
        if (run.agentRunner() == null) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, "no AgentRunner is configured, so " + where
                    + " cannot run; register one with Prodigy.builder().agentRunner(...)", step.label(), Duration.ZERO);
        }
        Path cwd = workingDirectory(step, scope, where);
        Map<String, String> env = new LinkedHashMap<>(environment(step, scope, where, Map.of()));
        env.put("PRODIGY_AUTOMATION", "true");
        String label = step.label();
        AgentRequest request = new AgentRequest(command, cwd, env, timeout, run.runId(), scope.itemId(), label,
                run.stateDirectory(), activity -> run.events().emit(new RunEvent.AgentActivity(run.runId(),
                run.clock().instant(), scope.itemId(), label, activity.type(), run.masker().mask(activity.summary()),
                activity.details())));
        Instant start = run.clock().instant();
        AgentResult result;
        Thread self = Thread.currentThread();
        run.agents().started(self);
        try {
            result = run.agentRunner().run(request);
        } catch (InterruptedException e) {
            if (run.cancellation().isCancelled()) {
                Thread.interrupted();
                return StepOutcome.failure(ErrorKind.CANCELLED, where + " was cancelled", step.label(),
                        Duration.between(start, run.clock().instant()));
            }
            throw e;
        } catch (io.prodigy.api.AgentExecutionException e) {
            return StepOutcome.failure(e.retryable() ? ErrorKind.CRASH : ErrorKind.CONFIGURATION,
                    where + ": " + e.getMessage(), step.label(), Duration.between(start, run.clock().instant()));
        } catch (RuntimeException e) {
            return StepOutcome.failure(ErrorKind.CRASH, where + ": the agent runner failed: " + e, step.label(),
                    Duration.between(start, run.clock().instant()));
        } finally {
            run.agents().ended(self);
        }
        if (result == null) {
            return StepOutcome.failure(ErrorKind.CRASH, where + ": the agent runner returned no result", step.label(),
                    Duration.between(start, run.clock().instant()));
        }
        Duration d = result.duration() != null ? result.duration() : Duration.between(start, run.clock().instant());
        ItemError error = result.success() ? null : new ItemError(result.errorKind(),
                where + " failed: " + (result.errorMessage() == null ? result.errorKind().name() : result.errorMessage()),
                result.exitCode(), step.label());
        if (result.output() != null) {
            scope.vars().putString("claude.output", result.output());
        }
        if (result.sessionId() != null) {
            scope.vars().putString("claude.session_id", result.sessionId());
        }
        if (step.outputFile() != null && result.output() != null) {
            Path out = resolveInside(scope.workspace().directory(), Interpolator.interpolate(step.outputFile(),
                    scope.vars(), Interpolator.Quoting.NONE, where), "output_file", where);
            try {
                Path parent = out.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, result.output(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return StepOutcome.failure(ErrorKind.CONFIGURATION, "cannot write output_file " + out + ": "
                        + e.getMessage(), step.label(), d);
            }
        }
        if (result.transcript() != null) {
            scope.vars().putString("claude.transcript", result.transcript().toString());
        }
        return new StepOutcome(result.success(), false, result.exitCode(), result.output(), "", d, error,
                result.costUsd(), result.tokens(), result.retryAfter());
    }

    private StepOutcome writeFile(StepAction.WriteFile wf, Step step, StepScope scope, String where) {
        String pathText = Interpolator.interpolate(wf.path(), scope.vars(), Interpolator.Quoting.NONE, where);
        String content = Interpolator.interpolate(wf.content(), scope.vars(), Interpolator.Quoting.NONE, where);
        Path target;
        try {
            target = resolveInside(scope.workspace().directory(), pathText, "write_file path", where);
        } catch (ProdigyException e) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, e.getMessage(), step.label(), Duration.ZERO);
        }
        if (wf.format() == FileFormat.JSON) {
            try {
                content = Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Json.parse(content))
                        + "\n";
            } catch (JsonProcessingException e) {
                return StepOutcome.failure(ErrorKind.COMMAND_FAILED, "write_file " + pathText
                        + ": content is not valid JSON: " + e.getOriginalMessage(), step.label(), Duration.ZERO);
            }
        }
        try {
            Path parent = target.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                if (!wf.createDirs()) {
                    return StepOutcome.failure(ErrorKind.COMMAND_FAILED, "write_file " + pathText + ": directory "
                            + parent + " does not exist (set create_dirs: true)", step.label(), Duration.ZERO);
                }
                Files.createDirectories(parent);
            }
            Files.writeString(target, content, StandardCharsets.UTF_8);
            if (wf.mode() != null) {
                Files.setPosixFilePermissions(target, permissions(wf.mode()));
            }
        } catch (IOException | UnsupportedOperationException e) {
            return StepOutcome.failure(ErrorKind.COMMAND_FAILED, "write_file " + pathText + " failed: " + e,
                    step.label(), Duration.ZERO);
        }
        scope.vars().putString("write_file.output", target.toString());
        return new StepOutcome(true, false, 0, target.toString(), "", Duration.ZERO, null, null);
    }

    static Set<PosixFilePermission> permissions(String octal) {
        int mode = Integer.parseInt(octal, 8);
        StringBuilder sb = new StringBuilder(9);
        String chars = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? chars.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }

    /** Resolves a relative path under a root, refusing paths that escape it. */
    static Path resolveInside(Path root, String relative, String what, String where) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root.normalize())) {
            throw new ProdigyException(what + " '" + relative + "' points outside the workspace " + root + " ("
                    + where + ")");
        }
        return p;
    }

    private StepOutcome foreach(StepAction.Foreach fe, Step step, StepScope scope, String where, Duration timeout)
            throws InterruptedException {
        List<String> elements = new ArrayList<>();
        if (fe.command() != null) {
            String cmd = Interpolator.interpolate(fe.command(), scope.vars(), Interpolator.Quoting.SHELL, where);
            StepOutcome listed = runShell(cmd, step, scope, timeout, where, Map.of());
            if (!listed.success()) {
                return listed;
            }
            for (String line : listed.stdout().split("\n")) {
                String l = line.strip();
                if (!l.isEmpty()) {
                    elements.add(l);
                }
            }
        } else {
            for (String item : fe.items()) {
                elements.add(Interpolator.interpolate(item, scope.vars(), Interpolator.Quoting.NONE, where));
            }
        }
        if (fe.maxItems() != null && elements.size() > fe.maxItems()) {
            elements = elements.subList(0, fe.maxItems());
        }
        int total = elements.size();
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        StepScope inner = scope.withDeadline(deadline);
        List<StepOutcome> outcomes = new ArrayList<>(total);
        AtomicInteger failures = new AtomicInteger();
        if (fe.parallel() <= 1 || total <= 1) {
            for (int i = 0; i < total; i++) {
                StepOutcome o = foreachElement(fe, inner, elements.get(i), i, total);
                outcomes.add(o);
                if (!o.success()) {
                    failures.incrementAndGet();
                    if (!fe.continueOnError()) {
                        break;
                    }
                }
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(fe.parallel(), total),
                    new NamedThreadFactory("prodigy-foreach"));
            try {
                List<Future<StepOutcome>> futures = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    final int idx = i;
                    final String element = elements.get(i);
                    futures.add(pool.submit(() -> {
                        if (!fe.continueOnError() && failures.get() > 0) {
                            return null;
                        }
                        StepOutcome o = foreachElement(fe, inner, element, idx, total);
                        if (!o.success()) {
                            failures.incrementAndGet();
                        }
                        return o;
                    }));
                }
                for (Future<StepOutcome> f : futures) {
                    try {
                        StepOutcome o = f.get();
                        if (o != null) {
                            outcomes.add(o);
                        }
                    } catch (ExecutionException e) {
                        failures.incrementAndGet();
                        outcomes.add(StepOutcome.failure(ErrorKind.UNKNOWN, String.valueOf(e.getCause()), step.label(),
                                Duration.ZERO));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        StringBuilder out = new StringBuilder();
        StepOutcome firstFailure = null;
        for (StepOutcome o : outcomes) {
            if (o.stdout() != null && !o.stdout().isEmpty()) {
                out.append(o.stdout());
                if (!o.stdout().endsWith("\n")) {
                    out.append('\n');
                }
            }
            if (!o.success() && firstFailure == null) {
                firstFailure = o;
            }
        }
        scope.vars().putString("foreach.output", out.toString());
        if (firstFailure != null) {
            return new StepOutcome(false, false, firstFailure.exitCode(), out.toString(), "", Duration.ZERO,
                    new ItemError(firstFailure.error() == null ? ErrorKind.UNKNOWN : firstFailure.error().kind(),
                            where + ": " + failures.get() + " of " + total + " element(s) failed; first: "
                                    + (firstFailure.error() == null ? "?" : firstFailure.error().message()),
                            firstFailure.exitCode(), step.label()), null);
        }
        return new StepOutcome(true, false, 0, out.toString(), "", Duration.ZERO, null, null);
    }

    private StepOutcome foreachElement(StepAction.Foreach fe, StepScope scope, String element, int index, int total)
            throws InterruptedException {
        Variables vars = scope.vars().child();
        vars.putString("item", element);
        vars.put("index", IntNode.valueOf(index));
        vars.put("total", IntNode.valueOf(total));
        return runAll(fe.steps(), scope.withVars(vars));
    }

    private StepOutcome handleFailure(Step step, int index, StepScope scope, StepOutcome failed)
            throws InterruptedException {
        OnFailure policy = step.onFailure();
        if (policy.ignoreFailure()) {
            LOG.info("Ignoring the failure of {} (on_failure: true)", scope.where(index, step.label()));
            return failed.withSuccess(true, null);
        }
        if (policy.handlers().isEmpty()) {
            return failed;
        }
        StepOutcome current = failed;
        for (int round = 1; round <= policy.maxAttempts(); round++) {
            setErrorVariables(scope.vars(), current, step, round);
            StepOutcome handler = runAll(policy.handlers(), scope);
            if (!handler.success() && policy.handlerFailureFatal()) {
                String msg = "on_failure handler of " + scope.where(index, step.label()) + " failed: "
                        + (handler.error() == null ? "?" : handler.error().message()) + " (original failure: "
                        + (current.error() == null ? "?" : current.error().message()) + ")";
                return current.withSuccess(false, new ItemError(
                        handler.error() == null ? ErrorKind.UNKNOWN : handler.error().kind(), msg,
                        current.exitCode(), step.label()));
            }
            if (!policy.retryOriginal()) {
                break;
            }
            current = runWithRetry(step, index, scope);
            capture(step, current, scope.vars());
            if (current.success()) {
                return current;
            }
        }
        if (policy.failWorkflow()) {
            return current;
        }
        LOG.info("{} failed; its on_failure handler ran and the workflow goes on", scope.where(index, step.label()));
        return current.withSuccess(true, null);
    }

    private void setErrorVariables(Variables vars, StepOutcome failed, Step step, int attempt) {
        ItemError e = failed.error();
        String stderr = failed.stderr() == null ? "" : failed.stderr();
        vars.putString("error.message", !stderr.isBlank() ? stderr : e == null ? "" : e.message());
        vars.put("error.exit_code", failed.exitCode() == null ? IntNode.valueOf(-1) : IntNode.valueOf(failed.exitCode()));
        vars.putString("error.step", step.label());
        vars.putString("error.timestamp", run.clock().instant().toString());
        vars.putString("error.kind", e == null ? ErrorKind.UNKNOWN.name() : e.kind().name());
        String combined = "STDOUT:\n" + (failed.stdout() == null ? "" : failed.stdout()) + "\nSTDERR:\n" + stderr;
        vars.putString("shell.output", combined.length() > INLINE_OUTPUT_LIMIT ? spill(combined) : combined);
        vars.putString("shell.stderr", stderr);
        vars.put("shell.attempt", IntNode.valueOf(attempt));
        vars.put("shell.exit_code", failed.exitCode() == null ? IntNode.valueOf(-1) : IntNode.valueOf(failed.exitCode()));
    }

    private String spill(String text) {
        try {
            Files.createDirectories(run.stateDirectory());
            Path f = Files.createTempFile(run.stateDirectory(), "output-", ".txt");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            return f.toString();
        } catch (IOException e) {
            return text.substring(text.length() - INLINE_OUTPUT_LIMIT);
        }
    }

    /** Names under {@code shell.} that the engine itself sets; a capture never shadows them. */
    private static final Set<String> SHELL_OWN = Set.of("output", "stderr", "exit_code", "attempt");

    /**
     * Stores the step's output in variables: the per-type name, {@code last.output}, and {@code capture:} (for a
     * shell step also as {@code shell.<capture>}).
     */
    private void capture(Step step, StepOutcome outcome, Variables vars) {
        String stdout = outcome.stdout() == null ? "" : outcome.stdout();
        if (step.action() instanceof StepAction.Shell) {
            vars.putString("shell.output", stdout);
            vars.putString("shell.stderr", outcome.stderr() == null ? "" : outcome.stderr());
            if (outcome.exitCode() != null) {
                vars.put("shell.exit_code", IntNode.valueOf(outcome.exitCode()));
            }
        }
        vars.putString("last.output", stdout);
        String name = step.capture();
        if (name == null) {
            return;
        }
        CaptureStreams streams = step.captureStreams();
        if (streams.stdout()) {
            JsonNode value = convert(step.captureFormat(), stdout, outcome.success(), name);
            vars.put(name, value);
            if (step.action() instanceof StepAction.Shell && !SHELL_OWN.contains(name)) {
                // the Rust tool's own workflows read a shell step's capture as ${shell.<name>} too (spec.yml)
                vars.put("shell." + name, value);
            }
        }
        if (streams.stderr()) {
            String stderr = outcome.stderr() == null ? "" : outcome.stderr();
            vars.putString(name + ".stderr", stderr.endsWith("\n") ? stderr.substring(0, stderr.length() - 1) : stderr);
        }
        if (streams.exitCode()) {
            vars.put(name + ".exit_code", outcome.exitCode() == null ? IntNode.valueOf(outcome.success() ? 0 : -1)
                    : IntNode.valueOf(outcome.exitCode()));
        }
        if (streams.success()) {
            vars.put(name + ".success", BooleanNode.valueOf(outcome.success()));
        }
        if (streams.duration()) {
            vars.put(name + ".duration", DoubleNode.valueOf(outcome.duration().toMillis() / 1000.0));
        }
    }

    static JsonNode convert(CaptureFormat format, String stdout, boolean success, String name) {
        String text = stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
        switch (format) {
            case JSON:
                try {
                    return Json.parse(text);
                } catch (JsonProcessingException e) {
                    throw new InterpolationException(name, "capture '" + name + "' expects JSON output, but the "
                            + "output is not valid JSON: " + e.getOriginalMessage());
                }
            case LINES: {
                ArrayNode arr = Json.NODES.arrayNode();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        arr.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                    }
                }
                return arr;
            }
            case NUMBER: {
                String t = text.strip();
                try {
                    if (t.matches("-?\\d{1,18}")) {
                        return LongNode.valueOf(Long.parseLong(t));
                    }
                    return DoubleNode.valueOf(Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw new InterpolationException(name, "capture '" + name + "' expects a number, but the output "
                            + "was '" + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "'");
                }
            }
            case BOOLEAN: {
                String t = text.strip();
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                    return BooleanNode.valueOf(Boolean.parseBoolean(t.toLowerCase(java.util.Locale.ROOT)));
                }
                return BooleanNode.valueOf(success);
            }
            case STRING:
            default:
                return Json.text(text);
        }
    }

    private void setGitVariables(VersionControl vc, String headBefore, Variables vars) {
        WorkspaceChanges c = vc.changesSince(headBefore);
        List<String> changed = new ArrayList<>(c.filesAdded());
        changed.addAll(c.filesModified());
        changed.addAll(c.filesDeleted());
        vars.putString("step.files_added", String.join(" ", c.filesAdded()));
        vars.putString("step.files_modified", String.join(" ", c.filesModified()));
        vars.putString("step.files_deleted", String.join(" ", c.filesDeleted()));
        vars.putString("step.files_changed", String.join(" ", changed));
        vars.putString("step.commits", String.join(" ", c.commits()));
        vars.put("step.commit_count", IntNode.valueOf(c.commits().size()));
        vars.put("step.insertions", IntNode.valueOf(c.insertions()));
        vars.put("step.deletions", IntNode.valueOf(c.deletions()));
    }

    /** The goal-seeking loop: validate, and while below the threshold run on_incomplete and validate again. */
    private StepOutcome validate(Step step, int index, StepScope scope, StepOutcome outcome)
            throws InterruptedException {
        Validation v = step.validate();
        String where = scope.where(index, step.label());
        scope.vars().put("validation.attempt_number", IntNode.valueOf(0));
        scope.vars().put("validation.threshold", DoubleNode.valueOf(v.threshold()));
        ValidationRun check = runValidation(v, scope, where);
        double completion = check.completion();
        int rounds = 0;
        String handlerFailure = null;
        while (completion < v.threshold() && v.onIncomplete() != null && rounds < v.onIncomplete().maxAttempts()) {
            rounds++;
            scope.vars().put("validation.attempt_number", IntNode.valueOf(rounds));
            scope.vars().put("validation.attempt", IntNode.valueOf(rounds));
            scope.vars().put("validation.max_attempts", IntNode.valueOf(v.onIncomplete().maxAttempts()));
            LOG.info("Validation of {} at {}% (threshold {}%), running on_incomplete (round {} of {})", where,
                    completion, v.threshold(), rounds, v.onIncomplete().maxAttempts());
            StepOutcome fix = runAll(v.onIncomplete().commands(), scope);
            if (!fix.success()) {
                handlerFailure = fix.error() == null ? "?" : fix.error().message();
                LOG.warn("on_incomplete of {} failed (round {}): {}", where, rounds, handlerFailure);
            }
            check = runValidation(v, scope, where);
            completion = check.completion();
        }
        if (completion >= v.threshold()) {
            return outcome;
        }
        boolean fail = v.onIncomplete() == null || v.onIncomplete().failWorkflow();
        String msg = "validation of " + where + " reached " + completion + "%, below the threshold of "
                + v.threshold() + "%" + (rounds > 0 ? " after " + rounds + " on_incomplete round(s)" : "")
                + (check.failure() != null ? "; the validation command failed: " + check.failure() : "")
                + (handlerFailure != null ? "; on_incomplete failed: " + handlerFailure : "");
        if (!fail) {
            LOG.warn("{}; going on because fail_workflow is false", msg);
            return outcome;
        }
        return outcome.withSuccess(false, new ItemError(ErrorKind.VALIDATION_FAILED, msg, outcome.exitCode(),
                step.label()));
    }

    /**
     * One validation.
     *
     * @param completion the score
     * @param failure why the validation command failed (its error, with the end of its output), or null
     */
    private record ValidationRun(double completion, String failure) {
    }

    private ValidationRun runValidation(Validation v, StepScope scope, String where) throws InterruptedException {
        Map<String, String> env = new HashMap<>(scope.env());
        env.put("PRODIGY_VALIDATION", "true");
        StepScope validationScope = new StepScope(scope.vars(), scope.workspace(), scope.phase(), scope.itemId(),
                v.timeout() == null ? scope.deadline() : scope.withDeadline(Instant.now().plus(v.timeout())).deadline(),
                env);
        StepOutcome last = runAll(v.commands(), validationScope);
        JsonNode result = null;
        String source = null;
        if (v.resultFile() != null) {
            String file = Interpolator.interpolate(v.resultFile(), scope.vars(), Interpolator.Quoting.NONE, where);
            Path p = resolveInside(scope.workspace().directory(), file, "validate result_file", where);
            source = p.toString();
            try {
                if (Files.exists(p)) {
                    result = Json.parse(Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                LOG.warn("validation result file {} of {} is not valid JSON: {}", p, where, e.getMessage());
            }
        } else if (last.stdout() != null && !last.stdout().isBlank()) {
            try {
                result = Json.parse(last.stdout().strip());
                source = "output";
            } catch (JsonProcessingException e) {
                result = null;
            }
        }
        double completion;
        Variables vars = scope.vars();
        if (result != null && result.isObject()) {
            JsonNode pct = result.path("completion_percentage");
            if (!pct.isNumber()) {
                pct = result.path("completion");
            }
            completion = pct.isNumber() ? pct.asDouble() : (last.success() ? 100.0 : 0.0);
            result.properties().forEach(field -> vars.put("validation." + field.getKey(), field.getValue()));
            vars.put("validation.result", result);
            JsonNode missing = result.path("missing");
            vars.put("validation.completion", DoubleNode.valueOf(completion));
            vars.putString("validation.status", result.path("status").asText(completion >= v.threshold()
                    ? "complete" : "incomplete"));
            vars.put("validation.missing", missing.isArray() ? missing : Json.NODES.arrayNode());
            vars.put("validation.missing_count", IntNode.valueOf(missing.isArray() ? missing.size() : 0));
            vars.put("validation.implemented", result.path("implemented").isArray() ? result.path("implemented")
                    : Json.NODES.arrayNode());
            vars.put("validation.gaps", result.path("gaps").isObject() ? result.path("gaps")
                    : Json.NODES.objectNode());
            LOG.debug("validation of {} read from {}: {}%", where, source, completion);
        } else {
            completion = last.success() ? 100.0 : 0.0;
            vars.put("validation.completion", DoubleNode.valueOf(completion));
            vars.putString("validation.status", last.success() ? "complete" : "failed");
            vars.put("validation.missing", Json.NODES.arrayNode());
            vars.put("validation.missing_count", IntNode.valueOf(0));
            vars.put("validation.implemented", Json.NODES.arrayNode());
            vars.put("validation.gaps", Json.NODES.objectNode());
            vars.put("validation.result", Json.NODES.objectNode());
        }
        String failure = null;
        if (!last.success()) {
            failure = last.error() != null ? last.error().message() : "exit code " + last.exitCode();
            LOG.info("the validation command of {} failed: {}", where, failure);
        }
        return new ValidationRun(completion, failure);
    }
}
