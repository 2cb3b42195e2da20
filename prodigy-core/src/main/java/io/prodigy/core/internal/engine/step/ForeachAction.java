package io.prodigy.core.internal.engine.step;

import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.StepAction;
import io.prodigy.core.internal.engine.NamedThreadFactory;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@code foreach:} step: its body once per element (a list, or the lines a command printed), in order or
 * {@code parallel} at a time, each with {@code ${item}}, {@code ${index}} and {@code ${total}}; the elements'
 * outputs joined in {@code ${foreach.output}}; stops at the first failure unless {@code continue_on_error}.
 */
final class ForeachAction implements StepActionHandler<StepAction.Foreach> {

    @Override
    public Class<StepAction.Foreach> kind() {
        return StepAction.Foreach.class;
    }

    @Override
    public StepOutcome run(StepAction.Foreach fe, ActionContext context) throws InterruptedException {
        String where = context.where();
        StepScope scope = context.scope();
        List<String> elements = new ArrayList<>();
        if (fe.command() != null) {
            String cmd = Interpolator.interpolate(fe.command(), scope.vars(), Interpolator.Quoting.SHELL, where);
            StepOutcome listed = ShellAction.runCommand(cmd, context, Map.of());
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
        Instant deadline = context.timeout() == null ? null : Instant.now().plus(context.timeout());
        StepScope inner = scope.withDeadline(deadline);
        StepPipeline pipeline = context.pipeline();
        List<StepOutcome> outcomes = new ArrayList<>(total);
        AtomicInteger failures = new AtomicInteger();
        if (fe.parallel() <= 1 || total <= 1) {
            for (int i = 0; i < total; i++) {
                StepOutcome o = element(pipeline, fe, inner, elements.get(i), i, total);
                outcomes.add(o);
                if (!o.success()) {
                    failures.incrementAndGet();
                    if (!fe.continueOnError()) {
                        break;
                    }
                }
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(
                    Math.min(fe.parallel(), total), new NamedThreadFactory("prodigy-foreach"));
            try {
                List<Future<StepOutcome>> futures = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    final int idx = i;
                    final String element = elements.get(i);
                    futures.add(pool.submit(() -> {
                        if (!fe.continueOnError() && failures.get() > 0) {
                            return null;
                        }
                        StepOutcome o = element(pipeline, fe, inner, element, idx, total);
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
                        outcomes.add(StepOutcome.failure(
                                ErrorKind.UNKNOWN, String.valueOf(e.getCause()), context.label(), Duration.ZERO));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return joined(outcomes, failures.get(), total, context, scope);
    }

    /** The elements' outputs in one outcome, failed (naming the first failure) when any element failed. */
    private static StepOutcome joined(
            List<StepOutcome> outcomes, int failures, int total, ActionContext context, StepScope scope) {
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
            return new StepOutcome(
                    false,
                    false,
                    firstFailure.exitCode(),
                    out.toString(),
                    "",
                    Duration.ZERO,
                    new ItemError(
                            firstFailure.error() == null
                                    ? ErrorKind.UNKNOWN
                                    : firstFailure.error().kind(),
                            context.where() + ": " + failures + " of " + total + " element(s) failed; first: "
                                    + (firstFailure.error() == null
                                            ? "?"
                                            : firstFailure.error().message()),
                            firstFailure.exitCode(),
                            context.label()),
                    null);
        }
        return new StepOutcome(true, false, 0, out.toString(), "", Duration.ZERO, null, null);
    }

    private static StepOutcome element(
            StepPipeline pipeline, StepAction.Foreach fe, StepScope scope, String element, int index, int total)
            throws InterruptedException {
        Variables vars = scope.vars().child();
        vars.putString("item", element);
        vars.put("index", IntNode.valueOf(index));
        vars.put("total", IntNode.valueOf(total));
        return pipeline.runAll(fe.steps(), scope.withVars(vars));
    }
}
