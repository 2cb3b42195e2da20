package io.prodigy.api.spi;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.Step;
import io.prodigy.api.StepRecord;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The engine's port through which an {@link IsolationStrategy} resolves a merge conflict with a step of the run,
 * typically an agent: the engine hands it over in the {@link RunContext}, and runs the step like any other step of
 * the run, with the run's cost accounting and budget, throttling, events, secret masking, retries and
 * cancellation. A strategy never calls the {@link AgentRunner} itself.
 *
 * <p>The step runs in the run's workspace, where the strategy has left the conflict in place; it is reported in
 * events and in the run's step records under the phase {@value #PHASE}, for the item whose merge conflicts.
 *
 * @since 0.1
 */
public interface ConflictResolver {

    /** The phase name a resolving step is reported under. */
    String PHASE = "merge";

    /** No engine behind: nothing can run, every call fails with a configuration error. */
    ConflictResolver NONE = new ConflictResolver() {
        @Override
        public boolean canRunAgents() {
            return false;
        }

        @Override
        public StepRecord run(
                Step step, @Nullable String itemId, Map<String, String> variables, Map<String, String> environment) {
            return new StepRecord(
                    PHASE,
                    PHASE,
                    0,
                    step.label(),
                    false,
                    false,
                    null,
                    Duration.ZERO,
                    new ItemError(ErrorKind.CONFIGURATION, "no engine runs steps for this run", null, step.label()));
        }
    };

    /** @return whether the run has an agent runner, so that an agent step can run at all */
    boolean canRunAgents();

    /**
     * Runs one step of the run to resolve a conflict and waits for it.
     *
     * @param step the step, e.g. {@code Step.agent("/resolve ${merge.source_branch}").timeout(t).build()}; its
     *             templates see the run's variables and {@code variables}
     * @param itemId the item whose merge conflicts (events and the agent request carry it), or null
     * @param variables extra variables such as {@code merge.source_branch}, visible as {@code ${name}}
     * @param environment extra environment variables for the step's process, as given (not interpolated)
     * @return what the step did; a failing, timed-out or cancelled step is a record with {@code success} false and
     *         its {@link StepRecord#error() error}, whose message is masked of the run's secrets
     * @throws InterruptedException if the run was interrupted while the step ran
     * @throws NullPointerException if {@code step}, {@code variables} or {@code environment} is null
     */
    StepRecord run(Step step, @Nullable String itemId, Map<String, String> variables, Map<String, String> environment)
            throws InterruptedException;
}
