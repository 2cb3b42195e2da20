package io.prodigy.cli;

/** The exit codes of the {@code prodigy} command. */
public final class ExitCodes {
    /** Success; also a run that completed with some items failed (they are in the DLQ), as in the Rust tool. */
    public static final int OK = 0;
    /**
     * A run failed (status FAILED, or PAUSED at its budget), every item of a run failed, a map phase selected no items
     * (unless the workflow sets {@code allow_empty: true}), or a command could not do its work.
     */
    public static final int FAILED = 1;
    /** Invalid input or usage: a broken workflow file, an unknown option, a bad configuration. */
    public static final int USAGE = 2;
    /** Interrupted (SIGINT/SIGTERM): the run's state was saved and {@code prodigy resume} continues it. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}

    /** The exit-code section of every command's help. */
    static final String HELP = "%nExit codes: 0 success (also a run that completed with some items failed: they "
            + "are in the DLQ, as the Rust tool does); 1 the run FAILED (or paused at its budget), every item failed, "
            + "or the map phase selected no items (allow_empty: true allows it); 2 invalid input or usage, or a "
            + "check before the run failed (nothing ran); 130 interrupted (state saved; resume with prodigy resume "
            + "RUN_ID).";
}
