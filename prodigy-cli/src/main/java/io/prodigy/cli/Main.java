package io.prodigy.cli;

import io.prodigy.api.ProdigyException;
import io.prodigy.yaml.Problem;
import io.prodigy.yaml.WorkflowLoadException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code prodigy} command's entry point. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line and exits with its code (0, 1, 2 or 130; see {@link ExitCodes}).
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int code = execute(args);
        if (Interrupts.shuttingDown()) {
            // the JVM is exiting after SIGINT/SIGTERM (status 130/143); System.exit would block in a shutdown
            Interrupts.mainDone();
            return;
        }
        System.out.flush();
        Interrupts.mainDone();
        System.exit(code);
    }

    /**
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    /** @return the configured command line */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ProdigyCommand());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        ProdigyCommand.addCompletion(cl);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof WorkflowLoadException wle) {
            for (Problem p : wle.problems()) {
                err.println(p);
            }
            trace(e, err);
            return ExitCodes.USAGE;
        }
        if (e instanceof CliException ce) {
            err.println("error: " + ce.getMessage());
            trace(e, err);
            return ce.exitCode();
        }
        if (e instanceof CommandLine.ParameterException pe) {
            err.println("error: " + pe.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof io.prodigy.api.WorkflowDefinitionException) {
            err.println("error: " + e.getMessage());
            trace(e, err);
            return ExitCodes.USAGE;
        }
        if (e instanceof ProdigyException
                || e instanceof java.io.UncheckedIOException
                || e instanceof java.io.IOException) {
            err.println("error: " + e.getMessage());
            trace(e, err);
            return ExitCodes.FAILED;
        }
        err.println("error: " + e);
        if (Globals.verbosity() > 0) {
            e.printStackTrace(err);
        } else {
            err.println("(run with -v for the stack trace)");
        }
        return ExitCodes.FAILED;
    }

    private static void trace(Exception e, PrintWriter err) {
        if (Globals.verbosity() > 0) {
            e.printStackTrace(err);
        }
        err.flush();
    }
}
