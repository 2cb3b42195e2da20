package io.prodigy.core.internal.engine.step;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.StepAction;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.process.ProcessResult;
import io.prodigy.core.internal.process.ProcessRunner;
import io.prodigy.core.internal.process.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a {@code shell:} step: the interpolated command with {@code sh -c} in the step's working directory and
 * environment, under its time limit and the run's cancellation, its stdout also written to {@code output_file}.
 */
final class ShellAction implements StepActionHandler<StepAction.Shell> {

    @Override
    public Class<StepAction.Shell> kind() {
        return StepAction.Shell.class;
    }

    @Override
    public Command command(StepAction.Shell shell) {
        return new Command("shell: ", shell.command());
    }

    @Override
    public StepOutcome run(StepAction.Shell shell, ActionContext context) throws InterruptedException {
        String command = Interpolator.interpolate(
                shell.command(), context.scope().vars(), Interpolator.Quoting.SHELL, context.where());
        return runCommand(command, context, Map.of());
    }

    /**
     * Runs a command that is already interpolated, as the step's shell action would.
     *
     * @param command the command
     * @param context the step and where it runs
     * @param extraEnv variables added to the step's environment
     * @return what it did: a non-zero exit, a timeout or a cancellation is a failure naming the step
     * @throws InterruptedException if interrupted
     */
    static StepOutcome runCommand(String command, ActionContext context, Map<String, String> extraEnv)
            throws InterruptedException {
        String where = context.where();
        String label = context.label();
        Path cwd = context.workingDirectory();
        if (!Files.isDirectory(cwd)) {
            return StepOutcome.failure(
                    ErrorKind.CONFIGURATION,
                    "working_dir does not exist: " + cwd + " (" + where + ")",
                    label,
                    Duration.ZERO);
        }
        ProcessSpec.Builder spec = ProcessSpec.shell(command)
                .workingDirectory(cwd)
                .environment(context.environment(extraEnv))
                .timeout(context.timeout());
        if (context.step().outputFile() != null) {
            Path out = context.outputFile();
            try {
                Path parent = out.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                return StepOutcome.failure(
                        ErrorKind.CONFIGURATION,
                        "cannot create the directory of output_file " + out + ": " + e.getMessage(),
                        label,
                        Duration.ZERO);
            }
            spec.stdoutFile(out);
        }
        ProcessResult r;
        try {
            r = ProcessRunner.run(spec.build(), context.run().cancellation());
        } catch (ProdigyException e) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, e.getMessage(), label, Duration.ZERO);
        }
        ItemError error = null;
        if (r.timedOut()) {
            error = new ItemError(
                    ErrorKind.TIMEOUT,
                    where + " timed out after " + human(context.timeout()) + " and its processes were killed",
                    r.exitCode(),
                    label);
        } else if (r.cancelled()) {
            error = new ItemError(ErrorKind.CANCELLED, where + " was cancelled", r.exitCode(), label);
        } else if (r.exitCode() != 0) {
            error = new ItemError(
                    ErrorKind.COMMAND_FAILED,
                    where + " exited with code " + r.exitCode()
                            + tail(r.stderr().isBlank() ? r.stdout() : r.stderr()),
                    r.exitCode(),
                    label);
        }
        return new StepOutcome(error == null, false, r.exitCode(), r.stdout(), r.stderr(), r.duration(), error, null);
    }

    private static String human(Duration d) {
        if (d == null) {
            return "?";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static String tail(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return "";
        }
        if (t.length() > 2000) {
            t = "..." + t.substring(t.length() - 2000);
        }
        return ": " + t;
    }
}
