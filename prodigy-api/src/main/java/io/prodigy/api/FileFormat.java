package io.prodigy.api;

/**
 * How a {@link StepAction.WriteFile} step treats its content.
 *
 * @since 0.1
 */
public enum FileFormat {
    /** Written as is. */
    TEXT,
    /** Must parse as JSON; written pretty-printed. An invalid document fails the step. */
    JSON,
    /** Written as is; the content is expected to be YAML. */
    YAML
}
