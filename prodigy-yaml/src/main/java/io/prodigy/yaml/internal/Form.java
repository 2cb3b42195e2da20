package io.prodigy.yaml.internal;

/**
 * Where a step is written, which decides the few keys whose meaning differs between the Rust tool's forms.
 */
enum Form {
    /**
     * A standard workflow ({@code commands}, or a bare list): a map without an action but with {@code name} is a
     * structured slash command, and {@code on_failure: {claude: ...}} is the test/debug loop (fix, then run the
     * step again, up to {@code max_attempts} times, 3 by default).
     */
    COMMANDS,
    /**
     * A MapReduce phase (setup, map, reduce, merge): {@code name} is only a label, and {@code on_failure} runs its
     * handler once unless {@code max_retries}/{@code retry_original} ask for more.
     */
    PHASE,
    /**
     * The whitepaper's {@code tasks:} form: as {@link #COMMANDS}, plus {@code validate: "cmd"} repeats the task
     * until the check passes, and {@code output:} names the file that receives the output.
     */
    TASKS,
    /** A MapReduce phase inside a tasks workflow: as {@link #PHASE}, with the tasks form's validate and output. */
    TASK_PHASE;

    /** @return whether a mapping with {@code name} and no action is a structured slash command */
    boolean structuredCommands() {
        return this == COMMANDS || this == TASKS;
    }

    /** @return whether {@code on_failure: {claude}} is the Rust tool's test/debug loop */
    boolean testDebugLoop() {
        return this == COMMANDS || this == TASKS;
    }

    /** @return whether {@code validate: "cmd"} repeats the step until the check passes */
    boolean validateRepeats() {
        return this == TASKS || this == TASK_PHASE;
    }

    /** @return whether {@code output:} is the file that receives the step's output */
    boolean outputIsFile() {
        return this == TASKS || this == TASK_PHASE;
    }

    /** @return the form of steps nested in a phase of this form (handlers, do blocks) */
    Form phase() {
        return validateRepeats() ? TASK_PHASE : PHASE;
    }
}
