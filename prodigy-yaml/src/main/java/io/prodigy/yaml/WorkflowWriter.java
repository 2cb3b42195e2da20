package io.prodigy.yaml;

import io.prodigy.api.Workflow;
import io.prodigy.yaml.internal.YamlWriter;
import java.util.Objects;

/**
 * Writes a {@link Workflow} as YAML in the canonical syntax: the Rust tool's 0.4.x keys ({@code commands}, or
 * {@code mode: mapreduce} with {@code setup}, {@code map}, {@code reduce}), and {@code stages:} for a workflow of
 * several stages. Use it to generate templates, or to migrate 0.1.8 files and the whitepaper's {@code tasks:} form.
 * Loading the text with {@link WorkflowLoader} gives a workflow equal to the one written.
 *
 * <p>Secrets are written with the values the workflow holds; do not write a workflow whose secrets came from the
 * environment to a file others can read.
 */
public final class WorkflowWriter {
    private WorkflowWriter() {
    }

    /**
     * @param workflow the workflow
     * @return it as YAML
     */
    public static String write(Workflow workflow) {
        return YamlWriter.write(Objects.requireNonNull(workflow, "workflow"));
    }
}
