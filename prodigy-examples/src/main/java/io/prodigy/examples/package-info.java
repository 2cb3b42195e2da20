/**
 * Runnable examples of the Prodigy Java API. Each class has a {@code main} method and a {@code run} method that
 * its test calls:
 * <ul>
 *   <li>{@link io.prodigy.examples.QuickStart}: a MapReduce over the files of a scratch git repository, agents in
 *   git worktrees, merged back to the branch;</li>
 *   <li>{@link io.prodigy.examples.TriageExample}: a MapReduce over a JSON file with filter, sort and a host
 *   agent;</li>
 *   <li>{@link io.prodigy.examples.CustomAgentRunner}: an {@code AgentRunner} of the host's own for agent
 *   ({@code claude:}) steps;</li>
 *   <li>{@link io.prodigy.examples.HostStores}: a host-supplied {@code DlqStore} and listener, inspecting and
 *   reprocessing dead letters;</li>
 *   <li>{@link io.prodigy.examples.YamlWorkflow}: a workflow file loaded with {@code WorkflowLoader} and run.</li>
 * </ul>
 * The workflow files in {@code prodigy-examples/workflows} run end to end without Claude.
 */
package io.prodigy.examples;
