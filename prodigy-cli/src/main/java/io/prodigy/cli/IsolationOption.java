package io.prodigy.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --isolation git|directory} and {@code --no-git}: how a run's items are kept apart, for the commands that
 * run workflows. Overrides the configuration's {@code isolation} key.
 */
final class IsolationOption {
    @Option(
            names = "--isolation",
            paramLabel = "git|directory",
            description = "git (default): in a git repository each run and each map item work in their own "
                    + "worktree; outside one, workflows that run items in parallel are refused. directory: "
                    + "everything works in the project directory itself, shared by parallel items (on purpose).")
    String isolation;

    @Option(names = "--no-git", description = "The same as --isolation directory.")
    boolean noGit;

    /**
     * @return the isolation asked for on the command line, or null for the configuration's
     * @throws CliException (exit code 2) for an unknown value or contradicting flags
     */
    CliConfig.Isolation choice() {
        CliConfig.Isolation flag = isolation == null ? null : CliConfig.Isolation.parse(isolation, "--isolation");
        if (noGit && flag == CliConfig.Isolation.GIT) {
            throw CliException.usage("--no-git and --isolation git contradict each other");
        }
        return noGit ? CliConfig.Isolation.DIRECTORY : flag;
    }

    @Override
    public String toString() {
        return isolation == null ? (noGit ? "directory" : "(config)") : isolation.toLowerCase(Locale.ROOT);
    }
}
