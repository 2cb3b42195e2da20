package io.prodigy.cli;

import java.io.Console;
import java.util.Locale;

/** Asks the user to confirm something destructive on the terminal, and refuses when there is no terminal. */
final class Confirmation {
    private Confirmation() {}

    /**
     * @param ctx the context (for messages)
     * @param action what is about to happen, e.g. "Delete all 3 entries of the DLQ of run X"
     * @return {@link ExitCodes#OK} when the user answered yes on the terminal; {@link ExitCodes#FAILED} when they
     *         answered no; {@link ExitCodes#USAGE} when there is no terminal to ask on (the message says to pass -y)
     */
    static int ask(CliContext ctx, String action) {
        Console console = Terminal.console();
        if (console == null) {
            ctx.err.println("Not done: " + action + " needs a confirmation, and there is no terminal to ask on; pass "
                    + "-y (--yes) to do it without asking.");
            return ExitCodes.USAGE;
        }
        String answer = console.readLine("%s? This cannot be undone. [y/N] ", action);
        if (answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
            return ExitCodes.OK;
        }
        ctx.err.println("Nothing was done.");
        return ExitCodes.FAILED;
    }
}
