package io.prodigy.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Step} does: one of a closed family of actions. The controls around the action
 * (conditions, retries, handlers, capture) live on {@link Step} and apply to every kind.
 *
 * <p>On Java 17, dispatch with {@code instanceof} patterns:
 * <pre>{@code
 * if (step.action() instanceof StepAction.Shell shell) { ... shell.command() ... }
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface StepAction
        permits StepAction.Shell, StepAction.Agent, StepAction.WriteFile, StepAction.Foreach {

    /**
     * A short label for messages and events.
     *
     * @return the label, such as {@code shell: make test}
     */
    String describe();

    /**
     * Runs {@code command} with {@code sh -c}. Interpolated values are quoted for the place they stand in.
     *
     * @param command the shell command template
     * @since 0.1
     */
    record Shell(String command) implements StepAction {
        /**
         * Validates the command.
         *
         * @param command the shell command template
         */
        public Shell {
            Checks.notBlank(command, "shell command");
        }

        @Override
        public String describe() {
            return "shell: " + abbreviate(command);
        }
    }

    /**
     * Runs {@code command} through the configured {@link io.prodigy.api.spi.AgentRunner} (the YAML key is
     * {@code claude}). The command is typically a slash command with arguments, such as {@code /fix src/a.rs}.
     *
     * @param command the agent command template
     * @since 0.1
     */
    record Agent(String command) implements StepAction {
        /**
         * Validates the command.
         *
         * @param command the agent command template
         */
        public Agent {
            Checks.notBlank(command, "agent command");
        }

        @Override
        public String describe() {
            return "claude: " + abbreviate(command);
        }
    }

    /**
     * Writes a file relative to the workspace.
     *
     * @param path the file path template, relative to the workspace
     * @param content the content template (interpolated without shell quoting)
     * @param format how the content is checked and written
     * @param mode POSIX permissions in octal, such as {@code "0644"}, or null for the default
     * @param createDirs whether missing parent directories are created
     * @since 0.1
     */
    record WriteFile(
            String path,
            String content,
            FileFormat format,
            @Nullable String mode,
            boolean createDirs) implements StepAction {
        /**
         * Validates the fields and applies defaults.
         *
         * @param path the file path template, relative to the workspace
         * @param content the content template (interpolated without shell quoting)
         * @param format how the content is checked and written
         * @param mode POSIX permissions in octal, such as {@code "0644"}, or null for the default
         * @param createDirs whether missing parent directories are created
         */
        public WriteFile {
            Checks.notBlank(path, "write_file path");
            content = content == null ? "" : content;
            format = format == null ? FileFormat.TEXT : format;
            mode = Checks.blankToNull(mode);
            if (mode != null && !mode.matches("0?[0-7]{3}")) {
                throw new WorkflowDefinitionException(
                        "write_file mode must be octal like \"0644\", was \"" + mode + "\"");
            }
        }

        /**
         * @param path the file path template, relative to the workspace
         * @param content the content template
         * @return a text file written with the default mode, its parent directories expected to exist
         */
        public static WriteFile of(String path, String content) {
            return new WriteFile(
                    Checks.notNull(path, "path"), Checks.notNull(content, "content"), FileFormat.TEXT, null, false);
        }

        /**
         * @param fileFormat how the content is checked and written
         * @return a copy with that format
         */
        public WriteFile withFormat(FileFormat fileFormat) {
            return new WriteFile(path, content, Checks.notNull(fileFormat, "fileFormat"), mode, createDirs);
        }

        /**
         * @param octal POSIX permissions in octal, such as {@code "0644"}, or null for the default
         * @return a copy with that mode
         * @throws WorkflowDefinitionException if the mode is not octal
         */
        public WriteFile withMode(@Nullable String octal) {
            return new WriteFile(path, content, format, octal, createDirs);
        }

        /**
         * @param create whether missing parent directories are created
         * @return a copy with that choice
         */
        public WriteFile withCreateDirs(boolean create) {
            return new WriteFile(path, content, format, mode, create);
        }

        @Override
        public String describe() {
            return "write_file: " + abbreviate(path);
        }
    }

    /**
     * Runs {@code steps} once per element of a list or per non-empty output line of a command, with
     * {@code ${item}}, {@code ${index}} and {@code ${total}} bound. Exactly one of {@code items} and
     * {@code command} is set.
     *
     * @param items the static elements, or null when {@code command} is set
     * @param command the command whose output lines are the elements, or null when {@code items} is set
     * @param parallel how many elements run at once (1 = sequential)
     * @param continueOnError whether the loop goes on after an element fails (the step still fails)
     * @param maxItems the largest number of elements to run, or null for all
     * @param steps the steps run for each element
     * @since 0.1
     */
    record Foreach(
            @Nullable List<String> items,
            @Nullable String command,
            int parallel,
            boolean continueOnError,
            @Nullable Integer maxItems,
            List<Step> steps)
            implements StepAction {
        /**
         * Validates the fields.
         *
         * @param items the static elements, or null when {@code command} is set
         * @param command the command whose output lines are the elements, or null when {@code items} is set
         * @param parallel how many elements run at once (1 = sequential)
         * @param continueOnError whether the loop goes on after an element fails (the step still fails)
         * @param maxItems the largest number of elements to run, or null for all
         * @param steps the steps run for each element
         */
        public Foreach {
            if ((items == null) == (command == null)) {
                throw new WorkflowDefinitionException("foreach needs exactly one of a list of items or a command");
            }
            items = items == null ? null : Checks.list(items, "foreach items");
            Checks.positive(parallel, "foreach parallel");
            if (maxItems != null) {
                Checks.nonNegative(maxItems, "foreach max_items");
            }
            steps = Checks.list(steps, "foreach do");
            if (steps.isEmpty()) {
                throw new WorkflowDefinitionException("foreach needs at least one step under 'do'");
            }
        }

        /**
         * @param items the elements
         * @param steps the steps run for each element
         * @return a sequential loop over the elements that stops at the first failure
         */
        public static Foreach over(List<String> items, Step... steps) {
            return new Foreach(
                    Checks.elements(Checks.notNull(items, "items"), "items"),
                    null,
                    1,
                    false,
                    null,
                    Checks.elements("steps", steps));
        }

        /**
         * @param items the elements
         * @param steps the steps being built, run for each element
         * @return a sequential loop over the elements that stops at the first failure
         */
        public static Foreach over(List<String> items, Step.Builder... steps) {
            return new Foreach(
                    Checks.elements(Checks.notNull(items, "items"), "items"),
                    null,
                    1,
                    false,
                    null,
                    Checks.built("steps", steps));
        }

        /**
         * @param command the command whose non-empty output lines are the elements
         * @param steps the steps run for each element
         * @return a sequential loop over the lines that stops at the first failure
         */
        public static Foreach overLines(String command, Step... steps) {
            return new Foreach(
                    null, Checks.notNull(command, "command"), 1, false, null, Checks.elements("steps", steps));
        }

        /**
         * @param command the command whose non-empty output lines are the elements
         * @param steps the steps being built, run for each element
         * @return a sequential loop over the lines that stops at the first failure
         */
        public static Foreach overLines(String command, Step.Builder... steps) {
            return new Foreach(null, Checks.notNull(command, "command"), 1, false, null, Checks.built("steps", steps));
        }

        /**
         * @param atOnce how many elements run at once (1 = sequential)
         * @return a copy with that parallelism
         */
        public Foreach withParallel(int atOnce) {
            return new Foreach(items, command, atOnce, continueOnError, maxItems, steps);
        }

        /**
         * @param goOn whether the loop goes on after an element fails (the step still fails)
         * @return a copy with that choice
         */
        public Foreach withContinueOnError(boolean goOn) {
            return new Foreach(items, command, parallel, goOn, maxItems, steps);
        }

        /**
         * @param max the largest number of elements to run, or null for all
         * @return a copy with that limit
         */
        public Foreach withMaxItems(@Nullable Integer max) {
            return new Foreach(items, command, parallel, continueOnError, max, steps);
        }

        @Override
        public String describe() {
            return "foreach: " + (command != null ? abbreviate(command) : items.size() + " items");
        }
    }

    private static String abbreviate(String s) {
        String oneLine = s.strip().replace('\n', ' ');
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
