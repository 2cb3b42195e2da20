package io.prodigy.api;

import java.util.Locale;
import java.util.Optional;

/**
 * The phases a run goes through. Events ({@code PhaseStarted}, {@code PhaseFinished}, step events), journal
 * records ({@code PhaseCompleted}, step locations) and {@link ProgressSnapshot#phase()} carry a phase as its
 * {@link #id()}, so that records written by other versions (which may know other phases) stay readable.
 */
public enum RunPhase {
    /** The steps of a plain (non-MapReduce) stage. */
    STEPS,
    /** The setup phase of a MapReduce stage. */
    SETUP,
    /** The map phase of a MapReduce stage: one agent per work item. */
    MAP,
    /** The reduce phase of a MapReduce stage. */
    REDUCE,
    /** The workflow's {@code merge:} steps, run when the run's work is merged back. */
    MERGE,
    /**
     * Not a phase that runs steps: the journal's {@code phase_completed} record (stage -1) holding the head a new
     * run starts from.
     */
    START;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** @return the phase as events and records name it: {@code steps}, {@code setup}, {@code map}, ... */
    public String id() {
        return id;
    }

    /**
     * @param id a phase as an event or record names it
     * @return the phase, or empty if {@code id} names none this version knows
     * @throws WorkflowDefinitionException if {@code id} is null
     */
    public static Optional<RunPhase> of(String id) {
        Checks.notNull(id, "id");
        for (RunPhase p : values()) {
            if (p.id.equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * @param id a phase as an event or record names it (null allowed)
     * @return whether it names this phase
     */
    public boolean is(String id) {
        return this.id.equals(id);
    }
}
