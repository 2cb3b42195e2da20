package io.prodigy.core.internal.engine;

import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.EnvValue;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.RunOptions;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.core.internal.env.DotEnv;
import io.prodigy.core.internal.expr.Expression;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import io.prodigy.core.internal.process.LeftoverProcesses;
import io.prodigy.core.internal.process.ProcessResult;
import io.prodigy.core.internal.process.ProcessRunner;
import io.prodigy.core.internal.process.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's starting variables and the environment every one of its processes gets, set up in this order (a later
 * source overrides an earlier one): the arguments ({@code ARG}, {@code ARG_n}, {@code n}), the {@code workflow.*}
 * variables, {@code env_files}, {@code env}, computed env values, the chosen profile, the secrets, the caller's
 * variables (variables only), then {@code PRODIGY_AUTOMATION}, {@code PRODIGY_RUN_ID} and the run's state
 * directory (environment only).
 *
 * @param variables the run's root variables (the JVM's environment below them)
 * @param processEnv what is added to the environment of every process of the run
 */
record RunEnvironment(Variables variables, Map<String, String> processEnv) {
    /** How long a command computing an env value may run. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Sets up a run's environment. Commands computing env values run in {@code projectDirectory}.
     *
     * @param workflow the workflow
     * @param options the run's options (arguments, profile, variables)
     * @param runId the run's id
     * @param projectDirectory the project directory
     * @param runStateDirectory the run's state directory as its processes carry it
     * @return the environment
     * @throws ProdigyException if an env file cannot be read, an interpolation or condition is invalid, a command
     *     computing a value fails, or the profile is unknown
     * @throws InterruptedException if interrupted while a command computes a value
     */
    static RunEnvironment of(
            Workflow workflow, RunOptions options, String runId, Path projectDirectory, Path runStateDirectory)
            throws InterruptedException {
        Variables vars = Variables.root(System.getenv());
        Map<String, String> processEnv = new LinkedHashMap<>();
        List<String> args = options.args();
        if (!args.isEmpty()) {
            vars.putString("ARG", args.get(0));
            processEnv.put("ARG", args.get(0));
        }
        for (int i = 0; i < args.size(); i++) {
            vars.putString("ARG_" + (i + 1), args.get(i));
            vars.putString(String.valueOf(i + 1), args.get(i));
            processEnv.put("ARG_" + (i + 1), args.get(i));
        }
        vars.putString("workflow.name", workflow.name());
        vars.putString("workflow.id", runId);
        vars.putString("workflow.run_id", runId);
        vars.put("workflow.iteration", IntNode.valueOf(1));
        for (String file : workflow.envFiles()) {
            String path = Interpolator.interpolate(file, vars, Interpolator.Quoting.NONE, "env_files");
            DotEnv.read(projectDirectory.resolve(path)).forEach((k, v) -> export(k, v, vars, processEnv));
        }
        for (Map.Entry<String, String> e : workflow.env().entrySet()) {
            export(
                    e.getKey(),
                    Interpolator.interpolate(e.getValue(), vars, Interpolator.Quoting.NONE, "env " + e.getKey()),
                    vars,
                    processEnv);
        }
        for (Map.Entry<String, EnvValue> e : workflow.computedEnv().entrySet()) {
            export(e.getKey(), compute(e.getKey(), e.getValue(), vars, processEnv, projectDirectory), vars, processEnv);
        }
        if (options.profile() != null) {
            applyProfile(workflow, options.profile(), vars, processEnv);
        }
        workflow.secrets().forEach((k, v) -> export(k, v, vars, processEnv));
        options.variables().forEach(vars::putString);
        processEnv.put("PRODIGY_AUTOMATION", "true");
        processEnv.put("PRODIGY_RUN_ID", runId);
        processEnv.put(LeftoverProcesses.RUN_STATE_VARIABLE, runStateDirectory.toString());
        return new RunEnvironment(vars, processEnv);
    }

    private static void applyProfile(Workflow workflow, String name, Variables vars, Map<String, String> env) {
        Map<String, String> profile = workflow.profiles().get(name);
        if (profile == null) {
            throw new WorkflowDefinitionException("unknown profile '" + name + "'; the workflow defines "
                    + (workflow.profiles().isEmpty()
                            ? "no profiles"
                            : "profiles "
                                    + String.join(", ", workflow.profiles().keySet())));
        }
        for (Map.Entry<String, String> e : profile.entrySet()) {
            export(
                    e.getKey(),
                    Interpolator.interpolate(
                            e.getValue(), vars, Interpolator.Quoting.NONE, "profile " + name + " " + e.getKey()),
                    vars,
                    env);
        }
    }

    private static String compute(
            String name, EnvValue value, Variables vars, Map<String, String> env, Path projectDirectory)
            throws InterruptedException {
        if (value instanceof EnvValue.Conditional c) {
            boolean holds = Expression.parse(c.condition()).test(vars::resolve);
            return Interpolator.interpolate(
                    holds ? c.whenTrue() : c.whenFalse(), vars, Interpolator.Quoting.NONE, "env " + name);
        }
        EnvValue.FromCommand cmd = (EnvValue.FromCommand) value;
        String command = Interpolator.interpolate(cmd.command(), vars, Interpolator.Quoting.SHELL, "env " + name);
        ProcessResult r = ProcessRunner.run(ProcessSpec.shell(command)
                .workingDirectory(projectDirectory)
                .environment(env)
                .timeout(COMMAND_TIMEOUT)
                .build());
        if (!r.success()) {
            throw new WorkflowDefinitionException(
                    "the command computing env " + name + " failed with exit code " + r.exitCode()
                            + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
        }
        return r.stdout().strip();
    }

    private static void export(String name, String value, Variables vars, Map<String, String> env) {
        vars.putExported(name, value);
        env.put(name, value);
    }
}
