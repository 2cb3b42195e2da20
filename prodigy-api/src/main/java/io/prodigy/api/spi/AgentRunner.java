package io.prodigy.api.spi;

/**
 * Runs one agent command (a {@code claude:} step) in a workspace and reports how it went.
 *
 * <p>Contract: called concurrently from several engine threads, once per agent step attempt; must be
 * thread-safe. A failure of the agent's work is a result ({@link AgentResult#success()} false), not an
 * exception; throw {@link io.prodigy.api.AgentExecutionException} only when the agent could not be run at all.
 * When the calling thread is interrupted (the run was cancelled or timed out), stop the agent and throw
 * {@link InterruptedException} or return a result promptly. Honour {@link AgentRequest#timeout()} when set.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface AgentRunner {

    /**
     * Runs the agent.
     *
     * @param request the command, workspace, environment and limits
     * @return the outcome
     * @throws InterruptedException if the thread was interrupted while the agent ran
     */
    AgentResult run(AgentRequest request) throws InterruptedException;
}
