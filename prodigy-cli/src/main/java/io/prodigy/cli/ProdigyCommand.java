package io.prodigy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code prodigy} command. */
@Command(
        name = "prodigy",
        mixinStandardHelpOptions = true,
        versionProvider = ProdigyCommand.Version.class,
        description = {
            "Runs AI coding-agent workflows (YAML, the Rust tool's format) as reproducible pipelines "
                    + "with parallel agents in git worktrees.",
            "State lives under $PRODIGY_HOME (default ~/.prodigy); the project is the current directory or -p."
        },
        subcommands = {
            RunCommand.class,
            ResumeCommand.class,
            ResumeCommand.ResumeJob.class,
            RunsCommand.class,
            ValidateCommand.class,
            DlqCommand.class,
            EventsCommand.class,
            StatusCommand.class,
            LogsCommand.class,
            WorktreeCommand.class,
            CleanCommand.class,
            InitCommand.class,
            ExecCommand.class,
            BatchCommand.class,
            ReportCommand.class,
            MergeCommand.class,
            InstallCommand.class,
            WorkerCommand.class,
            TemporalCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = ExitCodes.HELP)
public final class ProdigyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command. */
    public ProdigyCommand() {}

    /** @param v one flag per level: -v streams agent output and shows stack traces, -vv debug logging */
    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "More output: -v streams every step's output and the agents' activity, and shows stack "
                    + "traces; -vv debug logging.")
    public void verbose(boolean[] v) {
        Globals.verbosity(v == null ? 0 : v.length);
    }

    /** @param p the project directory */
    @Option(
            names = {"-p", "--path"},
            scope = ScopeType.INHERIT,
            paramLabel = "DIR",
            description = "The project (repository) directory; default the current directory.")
    public void path(Path p) {
        Globals.path(p);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    /** @param cl the root command line, to which {@code completion} is added */
    static void addCompletion(CommandLine cl) {
        CommandLine gen = new CommandLine(new AutoComplete.GenerateCompletion());
        gen.getCommandSpec()
                .usageMessage()
                .description("Prints a bash/zsh completion script for prodigy: " + "source <(prodigy completion)");
        cl.addSubcommand("completion", gen);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ProdigyCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "prodigy " + (v != null ? v : "(development build)") + " - Prodigy for Java; Java "
                        + System.getProperty("java.version")
            };
        }
    }
}
