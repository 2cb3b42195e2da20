package io.prodigy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.MapAttempt;
import io.prodigy.api.spi.MapAttemptOutcome;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.Workspace;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Walks every public static factory and every public builder method of {@code io.prodigy.api} reflectively and
 * passes {@code null} in each reference parameter (and a {@code null} element in each array parameter): each must
 * be rejected at once with a {@link WorkflowDefinitionException} naming the parameter, unless the parameter is one
 * whose {@code null} is documented to mean "none" (listed below), which must then be accepted; and the parameters
 * listed are exactly those annotated {@link Nullable @Nullable}, so the stated nullness is the enforced one.
 */
class NullArgumentsTest {

    /** Parameters whose Javadoc says "or null": null clears an optional value. */
    private static final Set<String> NULLABLE = Set.of(
            "Step.Builder.timeout(timeout)",
            "Step.Builder.retry(retry)",
            "Step.Builder.onFailure(onFailure)",
            "ErrorPolicy.Builder.maxFailures(max)",
            "ErrorPolicy.Builder.failureThreshold(rate)",
            "ErrorPolicy.Builder.circuitBreaker(breaker)",
            "ErrorPolicy.Builder.itemRetry(retry)",
            "RetryPolicy.Builder.retryBudget(budget)",
            "MapPhase.Builder.maxItems(max)",
            "MapPhase.Builder.filter(expression)",
            "MapPhase.Builder.sortBy(spec)",
            "MapPhase.Builder.distinct(field)",
            "MapPhase.Builder.idField(field)",
            "MapPhase.Builder.agentTimeout(timeout)",
            "RunOptions.Builder.maxParallel(max)",
            "RunOptions.Builder.runId(id)",
            "RunOptions.Builder.profile(name)",
            "RunOptions.Builder.budgetUsd(usd)",
            "Workflow.Builder.mergeTimeout(timeout)",
            "Workflow.Builder.defaultRetry(retry)",
            "Workflow.MapReduceBuilder.mergeTimeout(timeout)",
            "Workflow.MapReduceBuilder.defaultRetry(retry)",
            "Workflow.MapReduceBuilder.setupTimeout(timeout)",
            "Stage.MapReduceBuilder.setupTimeout(timeout)",
            "WorkInput.jsonFile(jsonPath)",
            "WorkInput.detect(jsonPath)",
            "AgentRequest.of(timeout)",
            "ReprocessOptions.Builder.maxParallel(max)",
            "ProdigyHome.resolve(explicit)",
            "MapAttemptOutcome.failed(workspace)",
            "ItemResult.Builder.startedAt(startedAt)",
            "ItemResult.Builder.output(output)",
            "ItemResult.Builder.error(error)",
            "ItemResult.Builder.workspace(workspace)",
            "ItemResult.Builder.costUsd(costUsd)",
            "ItemResult.Builder.worktreePath(worktreePath)",
            "ItemResult.Builder.branch(branch)",
            "RunResult.Builder.failure(failure)",
            "RunSummary.Builder.costUsd(costUsd)",
            "AgentRequest.Builder.timeout(timeout)",
            "AgentRequest.Builder.itemId(itemId)",
            "AgentRequest.Builder.stateDirectory(stateDirectory)",
            "MapAttempt.Builder.agentTimeout(agentTimeout)",
            "MapAttemptOutcome.Builder.workspace(workspace)",
            "MapAttemptOutcome.Builder.baseRevision(baseRevision)",
            "MapAttemptOutcome.Builder.error(error)",
            "MapAttemptOutcome.Builder.costUsd(costUsd)",
            "MapAttemptOutcome.Builder.log(log)",
            "RunRecord.Builder.workspace(workspace)",
            "DlqEntry.Builder.workspace(workspace)");

    private static final Step STEP = Step.shell("true").build();

    private static final FailedAttempt FAILED_ATTEMPT =
            FailedAttempt.of(1, java.time.Instant.EPOCH, ErrorKind.COMMAND_FAILED, "exit 1");

    /** A workspace for factories that take one. */
    private static final Workspace WORKSPACE = new Workspace() {
        @Override
        public Path directory() {
            return Path.of(".");
        }

        @Override
        public String name() {
            return "here";
        }
    };

    private static final Supplier<Object> BUILDERS_MAP_PHASE =
            () -> MapPhase.builder().input(WorkInput.values(List.of(1))).agentTemplate(STEP);

    /** How to get a fresh instance of each public builder type. */
    private static final Map<Class<?>, Supplier<Object>> BUILDERS = Map.ofEntries(
            Map.entry(Step.Builder.class, () -> Step.shell("true")),
            Map.entry(MapPhase.Builder.class, BUILDERS_MAP_PHASE),
            Map.entry(Workflow.Builder.class, () -> Workflow.builder("wf")),
            Map.entry(Workflow.MapReduceBuilder.class, () -> Workflow.mapReduce("wf")),
            Map.entry(
                    Stage.MapReduceBuilder.class,
                    () -> Stage.mapReduce("stage").map((MapPhase.Builder) BUILDERS_MAP_PHASE.get())),
            Map.entry(ErrorPolicy.Builder.class, ErrorPolicy::builder),
            Map.entry(RetryPolicy.Builder.class, RetryPolicy::builder),
            Map.entry(RunOptions.Builder.class, RunOptions::builder),
            Map.entry(OnFailure.Builder.class, () -> OnFailure.run(STEP)),
            Map.entry(ReprocessOptions.Builder.class, ReprocessOptions::builder),
            Map.entry(ItemResult.Builder.class, () -> ItemResult.builder("item-1", ItemStatus.SUCCEEDED)),
            Map.entry(
                    RunResult.Builder.class,
                    () -> RunResult.builder("run-1", "wf", RunStatus.SUCCEEDED, java.time.Instant.EPOCH)),
            Map.entry(RunSummary.Builder.class, RunSummary::builder),
            Map.entry(AgentRequest.Builder.class, () -> AgentRequest.builder("/fix", Path.of("."))),
            Map.entry(MapAttempt.Builder.class, () -> MapAttempt.builder("run-1", "wf", "item-1", "{}")),
            Map.entry(MapAttemptOutcome.Builder.class, MapAttemptOutcome::builder),
            Map.entry(
                    RunRecord.Builder.class,
                    () -> RunRecord.builder("run-1", "wf", Path.of("."), java.time.Instant.EPOCH)),
            Map.entry(
                    DlqEntry.Builder.class,
                    () -> DlqEntry.builder("run-1", "item-1").attempt(FAILED_ATTEMPT)));

    @Test
    void everyPublicFactoryAndBuilderMethodRejectsNullNamingTheParameter() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> type : apiTypes()) {
            for (Method m : sorted(type.getDeclaredMethods())) {
                if (!Modifier.isPublic(m.getModifiers())
                        || m.isSynthetic()
                        || m.getParameterCount() == 0
                        || type.isEnum() && m.getName().equals("valueOf")) {
                    continue;
                }
                boolean isStatic = Modifier.isStatic(m.getModifiers());
                if (!isStatic && !BUILDERS.containsKey(type)) {
                    continue;
                }
                Parameter[] params = m.getParameters();
                for (int i = 0; i < params.length; i++) {
                    if (params[i].getType().isPrimitive()) {
                        continue;
                    }
                    String key = name(type) + "." + m.getName() + "(" + params[i].getName() + ")";
                    checked++;
                    if (params[i].getAnnotatedType().isAnnotationPresent(Nullable.class) != NULLABLE.contains(key)) {
                        problems.add(key + ": its @Nullable annotation disagrees with its documented nullness");
                    }
                    Object[] args = samples(m, problems);
                    if (args == null) {
                        break;
                    }
                    args[i] = null;
                    check(type, m, args, params[i].getName(), NULLABLE.contains(key), key, problems);
                    if (params[i].getType().isArray()
                            && !params[i].getType().getComponentType().isPrimitive()) {
                        Object[] withNullElement = samples(m, problems);
                        Object arr = Array.newInstance(params[i].getType().getComponentType(), 2);
                        Array.set(arr, 0, Array.get(withNullElement[i], 0));
                        withNullElement[i] = arr;
                        check(type, m, withNullElement, params[i].getName() + "[1]", false, key + "[1]", problems);
                    }
                }
            }
        }
        assertThat(problems)
                .as("methods that do not reject null with a clear error")
                .isEmpty();
        assertThat(checked).as("parameters checked").isGreaterThan(100);
    }

    @Test
    void theCasesUsersMetNameTheParameter() {
        assertThatThrownBy(() -> Workflow.sequential("wf", (Step) null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("steps[0]");
        assertThatThrownBy(() -> MapPhase.builder().agentTemplate((Step) null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("steps[0]");
        assertThatThrownBy(() -> MapPhase.builder().agentTemplate((Step.Builder) null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("steps[0]");
        assertThatThrownBy(() -> WorkInput.values(null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("values must not be null");
    }

    @Test
    void theSharedCheckNamesTheParameter() {
        assertThatThrownBy(() -> WorkflowDefinitionException.requireNonNull(null, "runner"))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessage("runner must not be null");
        assertThat(WorkflowDefinitionException.requireNonNull("x", "runner")).isEqualTo("x");
    }

    private static void check(
            Class<?> type,
            Method m,
            Object[] args,
            String paramName,
            boolean nullable,
            String key,
            List<String> problems)
            throws Exception {
        Object target =
                Modifier.isStatic(m.getModifiers()) ? null : BUILDERS.get(type).get();
        try {
            m.invoke(target, args);
            if (!nullable) {
                problems.add(key + ": accepted null");
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (nullable) {
                problems.add(key + ": documented as nullable but threw " + cause);
            } else if (!(cause instanceof WorkflowDefinitionException)) {
                problems.add(key + ": threw " + cause + " instead of a WorkflowDefinitionException");
            } else if (cause.getMessage() == null || !cause.getMessage().contains(paramName)) {
                problems.add(key + ": the message '" + cause.getMessage() + "' does not name " + paramName);
            }
        }
    }

    private static Object[] samples(Method m, List<String> problems) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Object v = sample(types[i]);
            if (v == null) {
                problems.add(m + ": the test has no sample value for " + types[i].getName() + "; add one");
                return null;
            }
            args[i] = v;
        }
        return args;
    }

    private static Object sample(Class<?> t) {
        if (t.isArray()) {
            Object one = sample(t.getComponentType());
            if (one == null) {
                return null;
            }
            Object arr = Array.newInstance(t.getComponentType(), 1);
            Array.set(arr, 0, one);
            return arr;
        }
        if (t.isEnum()) {
            return t.getEnumConstants()[0];
        }
        if (BUILDERS.containsKey(t)) {
            return BUILDERS.get(t).get();
        }
        Map<Class<?>, Object> values = new LinkedHashMap<>();
        values.put(String.class, "x");
        values.put(int.class, 1);
        values.put(Integer.class, 1);
        values.put(long.class, 1L);
        values.put(double.class, 0.5);
        values.put(Double.class, 0.5);
        values.put(boolean.class, true);
        values.put(Boolean.class, true);
        values.put(Duration.class, Duration.ofSeconds(1));
        values.put(List.class, List.of());
        values.put(Map.class, Map.of());
        values.put(Set.class, Set.of());
        values.put(Step.class, STEP);
        values.put(StepAction.class, new StepAction.Shell("true"));
        values.put(WorkInput.class, WorkInput.values(List.of(1)));
        values.put(
                MapPhase.class,
                ((MapPhase.Builder) BUILDERS.get(MapPhase.Builder.class).get()).build());
        values.put(Stage.class, new Stage.Steps("s", List.of(STEP)));
        values.put(RetryPolicy.class, RetryPolicy.builder().build());
        values.put(RetryCondition.class, RetryCondition.pattern("x"));
        values.put(OnFailure.class, OnFailure.ignore());
        values.put(IsolationHints.class, IsolationHints.NONE);
        values.put(CaptureStreams.class, CaptureStreams.ALL);
        values.put(Validation.class, Validation.of(STEP));
        values.put(Validation.OnIncomplete.class, new Validation.OnIncomplete(List.of(STEP), 1, false));
        values.put(EnvValue.class, new EnvValue.FromCommand("echo x"));
        values.put(SetupCapture.class, SetupCapture.of(0));
        values.put(ErrorPolicy.class, ErrorPolicy.DEFAULT);
        values.put(CircuitBreakerPolicy.class, CircuitBreakerPolicy.DEFAULT);
        values.put(Backoff.class, Backoff.fixed());
        values.put(Path.class, Path.of("."));
        values.put(io.prodigy.api.spi.TokenUsage.class, io.prodigy.api.spi.TokenUsage.NONE);
        values.put(java.time.Instant.class, java.time.Instant.EPOCH);
        values.put(Workspace.class, WORKSPACE);
        values.put(ItemError.class, new ItemError(ErrorKind.COMMAND_FAILED, "exit 1", 1, "shell: false"));
        values.put(FailedAttempt.class, FAILED_ATTEMPT);
        values.put(RunSummary.class, RunSummary.EMPTY);
        values.put(
                ItemResult.class,
                ItemResult.builder("item-1", ItemStatus.SUCCEEDED).build());
        values.put(StepRecord.class, new StepRecord("s", "steps", 0, "x", false, true, 0, Duration.ZERO, null));
        values.put(java.util.function.Consumer.class, (java.util.function.Consumer<Object>) x -> {});
        return values.get(t);
    }

    /**
     * Every public type of io.prodigy.api and its spi and event packages, nested ones included, in a stable order;
     * exceptions are left out (their static method is the check itself).
     */
    private static List<Class<?>> apiTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Workflow.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<Class<?>> out = new ArrayList<>();
        for (String pkgName : List.of("io.prodigy.api", "io.prodigy.api.spi", "io.prodigy.api.event")) {
            try (Stream<Path> files = Files.list(root.resolve(pkgName.replace('.', '/')))) {
                for (Path f : files.sorted().toList()) {
                    String file = f.getFileName().toString();
                    if (!file.endsWith(".class") || file.equals("package-info.class")) {
                        continue;
                    }
                    Class<?> c = Class.forName(pkgName + "." + file.substring(0, file.length() - 6));
                    if (Modifier.isPublic(c.getModifiers())
                            && !c.isAnonymousClass()
                            && !c.isSynthetic()
                            && !Throwable.class.isAssignableFrom(c)
                            && (c.getEnclosingClass() == null
                                    || Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
                        out.add(c);
                    }
                }
            }
        }
        assertThat(out)
                .as("api types found")
                .contains(Workflow.class, Workflow.MapReduceBuilder.class, MapPhase.Builder.class, WorkInput.class);
        return out;
    }

    private static String name(Class<?> type) {
        return type.getEnclosingClass() == null
                ? type.getSimpleName()
                : name(type.getEnclosingClass()) + "." + type.getSimpleName();
    }

    private static List<Method> sorted(Method[] methods) {
        List<Method> list = new ArrayList<>(List.of(methods));
        list.sort(Comparator.comparing(Method::toString));
        return list;
    }
}
