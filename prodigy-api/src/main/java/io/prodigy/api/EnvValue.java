package io.prodigy.api;

/**
 * An environment variable whose value is computed when the run starts, rather than written out: the output
 * of a command, or one of two values depending on a condition.
 *
 * @since 0.1
 */
public sealed interface EnvValue permits EnvValue.FromCommand, EnvValue.Conditional {

    /**
     * The trimmed standard output of a shell command run in the project directory when the run starts.
     *
     * @param command the command template
     * @since 0.1
     */
    record FromCommand(String command) implements EnvValue {
        /**
         * Validates.
         *
         * @param command the command template
         */
        public FromCommand {
            Checks.notBlank(command, "env command");
        }
    }

    /**
     * {@code whenTrue} if the condition holds when the run starts, else {@code whenFalse}.
     *
     * @param condition a {@code when:}-style expression, e.g. {@code ${CI} == 'true'}
     * @param whenTrue the value when it holds (a template)
     * @param whenFalse the value otherwise (a template)
     * @since 0.1
     */
    record Conditional(String condition, String whenTrue, String whenFalse) implements EnvValue {
        /**
         * Validates.
         *
         * @param condition a {@code when:}-style expression, e.g. {@code ${CI} == 'true'}
         * @param whenTrue the value when it holds (a template)
         * @param whenFalse the value otherwise (a template)
         */
        public Conditional {
            Checks.notBlank(condition, "env condition");
            whenTrue = whenTrue == null ? "" : whenTrue;
            whenFalse = whenFalse == null ? "" : whenFalse;
        }
    }
}
