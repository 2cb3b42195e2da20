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
 * <p>Secret values are never written: a secret the loader read from the environment or a file is written as that
 * reference ({@code {provider: env, key: API_KEY}}, {@code {provider: file, key: secrets/token}}; see
 * {@link Workflow#secretSources()}), any other secret as a reference to the environment variable of its own name;
 * loading the text resolves them again.
 */
public final class WorkflowWriter {
    private WorkflowWriter() {}

    /**
     * @param workflow the workflow
     * @return it as YAML
     */
    public static String write(Workflow workflow) {
        return YamlWriter.write(Objects.requireNonNull(workflow, "workflow"));
    }
}
