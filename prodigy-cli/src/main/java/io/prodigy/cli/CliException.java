package io.prodigy.cli;

/** A failure the command line reports as one message and an exit code, without a stack trace. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode the process exit code
     * @param message what went wrong and what to do
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * @param message what the user gave wrong
     * @return an exception with exit code 2 (invalid input)
     */
    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    /** @return the process exit code */
    public int exitCode() {
        return exitCode;
    }
}
