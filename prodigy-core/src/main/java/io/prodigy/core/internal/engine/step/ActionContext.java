package io.prodigy.core.internal.engine.step;

import io.prodigy.api.ProdigyException;
import io.prodigy.api.Step;
import io.prodigy.core.internal.engine.RunServices;
import io.prodigy.core.internal.interpolate.Interpolator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an action handler needs for one attempt.
 *
 * @param step the step whose action runs
 * @param scope where it runs
 * @param where the step named for messages
 * @param timeout the attempt's time limit (the earlier of the step's timeout and the scope's deadline), or null
 * @param run the run's services
 * @param pipeline runs nested steps (a foreach body) with every control
 */
public record ActionContext(
        Step step, StepScope scope, String where, Duration timeout, RunServices run, StepPipeline pipeline) {

    /** @return the step's label */
    public String label() {
        return step.label();
    }

    /**
     * The environment of the step's processes: the run's, the scope's, the step's own {@code env} (interpolated),
     * then {@code extra}, later ones winning.
     *
     * @param extra variables added last
     * @return the environment
     */
    public Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(run.processEnv());
        env.putAll(scope.env());
        for (Map.Entry<String, String> e : step.env().entrySet()) {
            env.put(e.getKey(), Interpolator.interpolate(e.getValue(), scope.vars(), Interpolator.Quoting.NONE, where));
        }
        env.putAll(extra);
        return env;
    }

    /** @return the step's {@code working_dir} under the workspace (interpolated), or the workspace itself */
    public Path workingDirectory() {
        Path base = scope.workspace().directory();
        if (step.workingDir() == null) {
            return base;
        }
        String dir = Interpolator.interpolate(step.workingDir(), scope.vars(), Interpolator.Quoting.NONE, where);
        return base.resolve(dir).normalize();
    }

    /**
     * @return the step's {@code output_file} (interpolated) under the workspace
     * @throws ProdigyException if it points outside the workspace
     */
    public Path outputFile() {
        return resolveInside(
                scope.workspace().directory(),
                Interpolator.interpolate(step.outputFile(), scope.vars(), Interpolator.Quoting.NONE, where),
                "output_file",
                where);
    }

    /**
     * Resolves a relative path under a root, refusing paths that escape it.
     *
     * @param root the workspace
     * @param relative the path a workflow gave
     * @param what names the setting for the message
     * @param where names the step for the message
     * @return the resolved path
     * @throws ProdigyException if the path points outside {@code root}
     */
    public static Path resolveInside(Path root, String relative, String what, String where) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root.normalize())) {
            throw new ProdigyException(
                    what + " '" + relative + "' points outside the workspace " + root + " (" + where + ")");
        }
        return p;
    }
}
