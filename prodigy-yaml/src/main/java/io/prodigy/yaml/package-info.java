/**
 * Loads Prodigy workflow files into the {@link io.prodigy.api.Workflow} model and writes the model back as YAML.
 *
 * <p>{@link io.prodigy.yaml.WorkflowLoader} reads YAML or JSON in every form the Rust tool Prodigy accepts (0.1.8 and
 * 0.4.x: a bare list of steps, an object with {@code commands} or {@code steps}, {@code mode: mapreduce}), the 0.1.8
 * whitepaper's {@code tasks:} form, and composition ({@code imports}, {@code extends}, {@code template},
 * {@code parameters}). It reports every problem of a file in one pass, each with its file, line and column
 * ({@link io.prodigy.yaml.LoadResult}, {@link io.prodigy.yaml.Problem}). {@link io.prodigy.yaml.WorkflowWriter} writes
 * a workflow in the canonical syntax; loading what it writes gives an equal workflow.
 *
 * <p>The accepted syntax, key by key, is described in {@code docs/yaml-reference.md}.
 */
package io.prodigy.yaml;
