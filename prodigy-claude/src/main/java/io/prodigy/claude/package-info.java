/**
 * Agent runners for Prodigy's {@link io.prodigy.api.spi.AgentRunner} SPI.
 *
 * <ul>
 *   <li>{@link io.prodigy.claude.ClaudeCodeRunner} drives the Claude Code CLI headless
 *       ({@code claude -p <command> --output-format stream-json --verbose}): environment hygiene, live activity,
 *       a raw transcript per invocation, cost and tokens, and an outcome class decided from the stream's
 *       {@code result} line ({@code is_error}, {@code terminal_reason}, {@code api_error_status}), never from the
 *       exit code alone;</li>
 *   <li>{@link io.prodigy.claude.CommandAgentRunner} runs any other agent CLI with a headless mode from an argument
 *       template and an {@link io.prodigy.claude.AgentOutputParser};
 *       {@link io.prodigy.claude.CommandAgentRunner#codex()} is a working configuration for OpenAI Codex
 *       ({@code codex exec --json}).</li>
 * </ul>
 *
 * <p>Both run the agent through Prodigy's process runner: stdin is empty, the whole process tree is terminated on
 * timeout or interrupt (SIGTERM, grace period, SIGKILL), and a session that never exits after its terminal event is
 * ended after a short grace period. POSIX only.
 */
package io.prodigy.claude;
