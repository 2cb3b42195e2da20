package io.prodigy.yaml;

/** The form a workflow file is written in, detected by parsing it. */
public enum WorkflowKind {
    /** The whole file is a list of steps (0.1.8 style). */
    STEP_LIST,
    /** An object with {@code commands} (or {@code steps}), plus {@code env}, {@code merge} and the like. */
    COMMANDS,
    /** {@code mode: mapreduce} (or an object with a {@code map} phase): setup, map, reduce, merge. */
    MAPREDUCE,
    /** The 0.1.8 whitepaper's {@code tasks:} form, mapped onto chained stages. */
    TASKS,
    /** This library's canonical form for several stages: {@code stages:}, each with commands or a map phase. */
    STAGES
}
